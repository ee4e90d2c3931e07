// The MCP Inspector's CLI mode (mcp-inspector --cli) driving the server over stdio and over
// Streamable HTTP, as a developer would from a shell.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { assertExactToolSet, runInspector, serverBinary, startHttpServer } from './harness.mjs';

function parseOutput(run) {
  assert.equal(run.code, 0, `Inspector CLI exited with ${run.code}\nstderr: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('MCP Inspector CLI over stdio', () => {
  it('tools/list prints every tool with its schemas', async () => {
    const output = parseOutput(await runInspector([serverBinary(), '--sandbox', '--method', 'tools/list']));
    assertExactToolSet(output.tools);
    const getTags = output.tools.find((tool) => tool.name === 'get_many_tags');
    assert.ok(getTags, 'get_many_tags is listed');
    assert.equal(getTags.inputSchema.type, 'object');
    assert.equal(getTags.outputSchema.type, 'object');
  });

  it('tools/call of get_many_tags returns StatusCode 200', async () => {
    const output = parseOutput(await runInspector([
      serverBinary(), '--sandbox', '--method', 'tools/call',
      '--tool-name', 'get_many_tags', '--tool-arg', 'Limit=5', '--tool-arg', 'Offset=0',
    ]));
    assert.notEqual(output.isError, true);
    assert.equal(output.structuredContent.StatusCode, 200);
    assert.equal(output.structuredContent.ErrorMessage, '');
    assert.ok(Array.isArray(output.structuredContent.Tags.Tags));
    assert.deepEqual(JSON.parse(output.content[0].text), output.structuredContent);
  });

  it('tools/call with an invalid argument returns StatusCode -1', async () => {
    const output = parseOutput(await runInspector([
      serverBinary(), '--sandbox', '--method', 'tools/call',
      '--tool-name', 'get_many_tags', '--tool-arg', 'Limit=1000',
    ]));
    assert.equal(output.isError, true);
    assert.equal(output.structuredContent.StatusCode, -1);
    assert.match(output.structuredContent.ErrorMessage, /Limit/);
  });
});

describe('MCP Inspector CLI over Streamable HTTP', () => {
  const token = 'inspector-test-token-52b7';
  let server;
  before(async () => { server = await startHttpServer({ env: { MCP_AUTH_TOKEN: token } }); });
  after(async () => { await server?.stop(); });

  function inspect(args, headers = [`Authorization: Bearer ${token}`]) {
    return runInspector([server.url, '--transport', 'http',
      ...headers.flatMap((header) => ['--header', header]), ...args]);
  }

  it('tools/list prints every tool with its schemas', async () => {
    const output = parseOutput(await inspect(['--method', 'tools/list']));
    assertExactToolSet(output.tools);
    const getTags = output.tools.find((tool) => tool.name === 'get_many_tags');
    assert.ok(getTags, 'get_many_tags is listed');
    assert.equal(getTags.outputSchema.type, 'object');
  });

  it('tools/call of get_many_tags returns StatusCode 200', async () => {
    const output = parseOutput(await inspect([
      '--method', 'tools/call', '--tool-name', 'get_many_tags', '--tool-arg', 'Limit=5',
    ]));
    assert.notEqual(output.isError, true);
    assert.equal(output.structuredContent.StatusCode, 200);
    assert.ok(Array.isArray(output.structuredContent.Tags.Tags));
    assert.deepEqual(JSON.parse(output.content[0].text), output.structuredContent);
  });

  it('fails without the bearer token', async () => {
    const run = await inspect(['--method', 'tools/list'], []);
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /Unauthorized/);
  });
});
