// Shared helpers for the node end-to-end tests: start the real server binary and talk to it with
// software we did not write (the official MCP TypeScript SDK client and the MCP Inspector CLI).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

const here = dirname(fileURLToPath(import.meta.url));

// Every request the tests make is bounded, so a hung server fails the test instead of the run.
export const REQUEST_TIMEOUT_MS = 10_000;

export const ENVELOPE_KEYS = ['OriginalStatusCode', 'StatusCode', 'ErrorMessage'];

export function serverBinary() {
  const binary = process.env.ACMCP_BINARY;
  assert.ok(binary, 'set ACMCP_BINARY to the activecampaign-mcp executable (tools/run-node-tests.sh does)');
  assert.ok(existsSync(binary), `ACMCP_BINARY does not exist: ${binary}`);
  return binary;
}

// Counts what the SDK's own validator checks, so a test can prove that every structuredContent
// really went through outputSchema validation (the SDK compiles validators in listTools() and
// applies them in callTool(); see Client.callTool in @modelcontextprotocol/sdk/dist/esm/client).
export class CountingValidator {
  constructor() {
    this.inner = new AjvJsonSchemaValidator();
    this.validated = 0;
    this.rejected = 0;
  }

  getValidator(schema) {
    const validate = this.inner.getValidator(schema);
    return (input) => {
      const result = validate(input);
      this.validated += 1;
      if (!result.valid) this.rejected += 1;
      return result;
    };
  }
}

function newClient(validator) {
  const options = { capabilities: {} };
  if (validator) options.jsonSchemaValidator = validator;
  return new Client({ name: 'acmcp-node-e2e', version: '1.0.0' }, options);
}

// Records the protocol version the SDK accepted: the client hands it to the transport through
// setProtocolVersion() right after the initialize exchange.
function recordNegotiatedVersion(transport, connection) {
  transport.setProtocolVersion = (version) => {
    connection.protocolVersion = version;
  };
}

// Starts the binary over stdio. By default in --sandbox mode; `env` adds variables to the SDK's
// minimal default environment, so nothing from the caller's shell (a real token) leaks in.
export async function connectStdio({ args = ['--sandbox'], env = {}, validator } = {}) {
  const transport = new StdioClientTransport({
    command: serverBinary(),
    args,
    env: { ...getDefaultEnvironment(), ...env },
    stderr: 'pipe',
  });
  const connection = { transport, stderr: '', protocolVersion: undefined };
  transport.stderr?.on('data', (chunk) => {
    connection.stderr += chunk.toString();
  });
  recordNegotiatedVersion(transport, connection);
  connection.client = newClient(validator);
  await connection.client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  return connection;
}

// For the Streamable HTTP transport once the binary serves it: the same client over a URL.
export async function connectHttp(url, { validator } = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const connection = { transport, stderr: '', protocolVersion: undefined };
  connection.client = newClient(validator);
  await connection.client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  connection.protocolVersion = transport.protocolVersion;
  return connection;
}

export async function disconnect(connection) {
  await connection?.client?.close();
}

export async function callTool(client, name, args) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS });
}

// The business data of an envelope: the one key that is not OriginalStatusCode/StatusCode/ErrorMessage.
export function envelopeData(structuredContent) {
  const keys = Object.keys(structuredContent).filter((key) => !ENVELOPE_KEYS.includes(key));
  assert.equal(keys.length, 1, `envelope should have exactly one data key, has ${JSON.stringify(keys)}`);
  return structuredContent[keys[0]];
}

// Asserts the result is a success envelope and that the text block carries the same envelope.
export function assertSuccess(result) {
  const envelope = result.structuredContent;
  assert.ok(envelope, 'result has structuredContent');
  assert.equal(envelope.ErrorMessage, '', `ErrorMessage: ${envelope.ErrorMessage}`);
  assert.equal(envelope.StatusCode, 200);
  assert.ok(envelope.OriginalStatusCode >= 200 && envelope.OriginalStatusCode < 300,
    `OriginalStatusCode ${envelope.OriginalStatusCode}`);
  assert.notEqual(result.isError, true);
  assertTextMatchesStructured(result);
  return envelopeData(envelope);
}

export function assertTextMatchesStructured(result) {
  const text = result.content.find((block) => block.type === 'text');
  assert.ok(text, 'result has a text content block');
  assert.deepEqual(JSON.parse(text.text), result.structuredContent);
}

// The Inspector's launcher spawns "node" from PATH for its CLI; putting the directory of the node
// running these tests first keeps it on the machine's node, never the Node 22 from node_modules.
export function runInspector(inspectorArgs, { timeoutMs = 20_000 } = {}) {
  const launcher = join(here, 'node_modules', '@modelcontextprotocol', 'inspector', 'cli', 'build', 'cli.js');
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, '--cli', ...inspectorArgs], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Inspector CLI timed out after ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
