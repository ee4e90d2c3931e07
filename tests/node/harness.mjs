// Shared helpers for the node end-to-end tests: start the real server binary and talk to it with
// software we did not write (the official MCP TypeScript SDK client and the MCP Inspector CLI).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

// The exact tool set: one tool per operation of the spec, whose facts tests/data keeps, named
// without the spec's activecampaign_ prefix (clients namespace tools by server).
export const EXPECTED_TOOL_NAMES = JSON.parse(
  readFileSync(join(here, '..', 'data', 'spec-operations.json'), 'utf8'),
).operations.map((operation) => operation.tool.replace(/^activecampaign_/, '')).sort();

export function assertExactToolSet(tools) {
  assert.equal(EXPECTED_TOOL_NAMES.length, 63);
  assert.deepEqual(tools.map((tool) => tool.name).sort(), EXPECTED_TOOL_NAMES);
}

export function serverBinary() {
  const binary = process.env.ACMCP_BINARY;
  assert.ok(binary, 'set ACMCP_BINARY to the activecampaign-mcp executable (tools/run-node-tests.sh does)');
  assert.ok(existsSync(binary), `ACMCP_BINARY does not exist: ${binary}`);
  return binary;
}

// Counts what the SDK's own validator checks, so a test can prove that every structuredContent
// really went through outputSchema validation (the SDK compiles validators in listTools() and
// applies them in callTool(); see Client.callTool in @modelcontextprotocol/sdk/dist/esm/client).
// `inner` is the validator that does the checking: by default the 1.x SDK's; a 2.x client test
// passes that package's own, which has the same getValidator() interface.
export class CountingValidator {
  constructor(inner = new AjvJsonSchemaValidator()) {
    this.inner = inner;
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

// The same client over Streamable HTTP. `headers` go on every request (e.g. Authorization);
// `sessionId` resumes an existing session: the SDK then skips initialize, as a client that
// reconnects does.
export async function connectHttp(url, { validator, headers, sessionId } = {}) {
  const options = {};
  if (headers) options.requestInit = { headers };
  if (sessionId) options.sessionId = sessionId;
  const transport = new StreamableHTTPClientTransport(new URL(url), options);
  const connection = { transport, stderr: '', protocolVersion: undefined };
  connection.client = newClient(validator);
  await connection.client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  connection.protocolVersion = transport.protocolVersion;
  return connection;
}

// A loopback port nobody listens on right now. Whoever binds it a moment later may find it taken
// by another process in between, and should then try again with a new one.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// How long the binary may take to print its "listening on" line, and to exit after SIGTERM.
const HTTP_START_TIMEOUT_MS = 10_000;
const HTTP_STOP_TIMEOUT_MS = 5_000;

// Servers still running when this process ends (a test file that timed out is killed before its
// after() hooks run) are killed with it rather than left listening.
const liveServers = new Set();
function killLiveServers() {
  for (const child of liveServers) child.kill('SIGKILL');
}
process.on('exit', killLiveServers);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    killLiveServers();
    process.kill(process.pid, signal);
  });
}

// Starts the binary as a Streamable HTTP server on a free loopback port (--port 0) and resolves
// once stderr says where it listens. `args` come after the transport flags (--sandbox by
// default); `env` adds variables to a minimal environment, as connectStdio does.
export function startHttpServer({ args = ['--sandbox'], env = {} } = {}) {
  const child = spawn(serverBinary(),
    ['--transport', 'http', '--host', '127.0.0.1', '--port', '0', ...args], {
      env: { ...getDefaultEnvironment(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  liveServers.add(child);
  child.on('exit', () => liveServers.delete(child));
  const server = {
    child,
    stderr: '',
    url: undefined,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    stop: () => stopHttpServer(server),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within ${HTTP_START_TIMEOUT_MS} ms\nstderr: ${server.stderr}`));
    }, HTTP_START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => {
      server.stderr += chunk.toString();
      const match = server.stderr.match(/listening on (http:\/\/\S+\/mcp)/);
      if (match && !server.url) {
        server.url = match[1];
        clearTimeout(timer);
        resolve(server);
      }
    });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    server.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!server.url) reject(new Error(`server exited (${code ?? signal}) before listening\nstderr: ${server.stderr}`));
    });
  });
}

const SANDBOX_LINE_TIMEOUT_MS = 5_000;

// The --sandbox server says where its emulator listens, so another server process (or a test's
// fake gateway) can use the same account; the line may come before or after the "listening on"
// line startHttpServer waits for.
export function sandboxAccount(server) {
  const pattern = /sandbox: ActiveCampaign emulator at (http:\/\/\S+) \(Api-Token (\S+)\)/;
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = server.stderr.match(pattern);
      if (!match) return false;
      server.child.stderr.off('data', check);
      clearTimeout(timer);
      resolve({ url: match[1], token: match[2] });
      return true;
    };
    const timer = setTimeout(() => {
      server.child.stderr.off('data', check);
      reject(new Error(`no sandbox line within ${SANDBOX_LINE_TIMEOUT_MS} ms\nstderr: ${server.stderr}`));
    }, SANDBOX_LINE_TIMEOUT_MS);
    // harness.mjs appends each chunk to server.stderr before this listener runs.
    if (!check()) server.child.stderr.on('data', check);
  });
}

// SIGTERM (graceful shutdown), then SIGKILL if it does not exit in time; resolves to how it ended.
export async function stopHttpServer(server) {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return server?.exited;
  server.child.kill('SIGTERM');
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => { server.child.kill('SIGKILL'); resolve(); }, HTTP_STOP_TIMEOUT_MS);
  });
  await Promise.race([server.exited, killed]);
  clearTimeout(timer);
  return server.exited;
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
