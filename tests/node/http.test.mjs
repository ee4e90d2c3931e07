// The Streamable HTTP transport as the official MCP TypeScript SDK client sees it: the real binary
// on a free loopback port (--transport http --port 0 --sandbox), sessions, DELETE and reconnecting
// after 404, stateless mode and bearer-token authentication.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  assertExactToolSet, assertSuccess, callTool, connectHttp, CountingValidator, disconnect,
  REQUEST_TIMEOUT_MS, startHttpServer,
} from './harness.mjs';

// The specification asks for visible ASCII only (0x21 to 0x7E) in a session id.
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

// A tools/list POST outside the SDK, for the cases where the SDK would hide the status code.
async function rawToolsList(url, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}

// Asserts `promise` rejects with the SDK's StreamableHTTPError for this HTTP status.
async function assertHttpError(promise, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof StreamableHTTPError, `expected StreamableHTTPError, got ${error}`);
    assert.equal(error.code, status, error.message);
    return true;
  });
}

describe('Streamable HTTP with sessions', () => {
  const validator = new CountingValidator();
  let server;
  let connection;
  let calls = 0;

  before(async () => {
    server = await startHttpServer();
    connection = await connectHttp(server.url, { validator });
  });
  after(async () => {
    await disconnect(connection);
    await server?.stop();
  });

  it('logs where it listens: a loopback URL ending in /mcp with the chosen port', () => {
    const url = new URL(server.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.equal(url.pathname, '/mcp');
    assert.ok(Number(url.port) > 0, `port ${url.port}`);
  });

  it('initializes with the latest protocol version', () => {
    assert.equal(connection.client.getServerVersion().name, 'activecampaign-mcp');
    assert.equal(connection.protocolVersion, LATEST_PROTOCOL_VERSION);
    assert.ok(connection.client.getServerCapabilities().tools, 'tools capability');
  });

  it('issues a session id of visible ASCII characters', () => {
    const { sessionId } = connection.transport;
    assert.equal(typeof sessionId, 'string');
    assert.match(sessionId, VISIBLE_ASCII);
    assert.ok(sessionId.length >= 16, `session id too short to be random: ${sessionId.length}`);
  });

  it('gives a second client its own session', async () => {
    const other = await connectHttp(server.url);
    try {
      assert.ok(other.transport.sessionId);
      assert.notEqual(other.transport.sessionId, connection.transport.sessionId);
    } finally {
      await other.transport.terminateSession();
      await disconnect(other);
    }
  });

  it('lists every tool with input and output schemas', async () => {
    const { tools } = await connection.client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    assertExactToolSet(tools);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.equal(tool.outputSchema?.type, 'object', tool.name);
    }
  });

  it('calls a read tool through the sandbox', async () => {
    calls += 1;
    const data = assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: 5 }));
    assert.ok(Array.isArray(data.Tags), JSON.stringify(data));
  });

  it('creates, reads and deletes a tag through the sandbox', async () => {
    calls += 1;
    const created = assertSuccess(await callTool(connection.client, 'create_tag',
      { Tag: 'node-http', Description: 'from the HTTP test' }));
    const tagId = Number(created.id);
    assert.ok(tagId >= 1);
    calls += 1;
    const read = assertSuccess(await callTool(connection.client, 'get_tag', { TagId: tagId }));
    assert.equal(read.tag, 'node-http');
    calls += 1;
    const deleted = assertSuccess(await callTool(connection.client, 'delete_tag', { TagId: tagId }));
    assert.equal(deleted.deleted, true);
  });

  it('answers an invalid argument with StatusCode -1 in a schema-valid envelope', async () => {
    calls += 1;
    const result = await callTool(connection.client, 'get_many_tags', { Limit: 1000 });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, -1);
  });

  it('had the SDK validate every result against its outputSchema', () => {
    assert.equal(validator.validated, calls);
    assert.equal(validator.rejected, 0);
  });

  it('answers ping', async () => {
    assert.deepEqual(await connection.client.ping({ timeout: REQUEST_TIMEOUT_MS }), {});
  });

  it('accepts logging/setLevel', async () => {
    assert.deepEqual(await connection.client.setLoggingLevel('warning', { timeout: REQUEST_TIMEOUT_MS }), {});
  });
});

describe('Streamable HTTP session end and reconnect', () => {
  let server;
  before(async () => { server = await startHttpServer(); });
  after(async () => { await server?.stop(); });

  it('ends a session with DELETE; the old id then gets 404', async () => {
    const connection = await connectHttp(server.url);
    const { sessionId } = connection.transport;
    const version = connection.protocolVersion;
    assert.equal(await rawToolsList(server.url, { 'mcp-session-id': sessionId, 'mcp-protocol-version': version }), 200);
    await connection.transport.terminateSession();
    assert.equal(connection.transport.sessionId, undefined, 'the SDK forgets the id after DELETE');
    await disconnect(connection);
    assert.equal(await rawToolsList(server.url, { 'mcp-session-id': sessionId, 'mcp-protocol-version': version }), 404);
  });

  it('answers an unknown session id with 404 and a request without one with 400', async () => {
    assert.equal(await rawToolsList(server.url, { 'mcp-session-id': 'no-such-session' }), 404);
    assert.equal(await rawToolsList(server.url), 400);
  });

  it('lets a client that resumes an ended session see 404, then initialize anew and work', async () => {
    const first = await connectHttp(server.url);
    const endedId = first.transport.sessionId;
    await first.transport.terminateSession();
    await disconnect(first);

    // A client that still holds the ended id (the SDK skips initialize when given one).
    const stale = await connectHttp(server.url, { sessionId: endedId });
    try {
      await assertHttpError(stale.client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS }), 404);
    } finally {
      await disconnect(stale);
    }

    // What the specification tells a client to do on 404: start a new session.
    const fresh = await connectHttp(server.url);
    try {
      assert.ok(fresh.transport.sessionId);
      assert.notEqual(fresh.transport.sessionId, endedId);
      assertSuccess(await callTool(fresh.client, 'get_many_tags', { Limit: 1 }));
    } finally {
      await fresh.transport.terminateSession();
      await disconnect(fresh);
    }
  });

  it('keeps other sessions working when one ends', async () => {
    const staying = await connectHttp(server.url);
    const leaving = await connectHttp(server.url);
    try {
      await leaving.transport.terminateSession();
      assertSuccess(await callTool(staying.client, 'get_many_tags', { Limit: 1 }));
    } finally {
      await disconnect(leaving);
      await staying.transport.terminateSession();
      await disconnect(staying);
    }
  });
});

describe('Streamable HTTP session idle timeout', () => {
  let server;
  before(async () => { server = await startHttpServer({ args: ['--sandbox', '--session-idle-timeout', '1'] }); });
  after(async () => { await server?.stop(); });

  it('expires an idle session (404), after which a new client works', async () => {
    const connection = await connectHttp(server.url);
    const { sessionId } = connection.transport;
    const version = connection.protocolVersion;
    await disconnect(connection);
    // The sweep runs every quarter of the timeout, so the session ends within 1.25 s of its last
    // use; any request before that would count as use and keep it alive.
    await new Promise((resolve) => { setTimeout(resolve, 2_500); });
    const status = await rawToolsList(server.url, { 'mcp-session-id': sessionId, 'mcp-protocol-version': version });
    assert.equal(status, 404);
    const fresh = await connectHttp(server.url);
    try {
      assertSuccess(await callTool(fresh.client, 'get_many_tags', { Limit: 1 }));
    } finally {
      await disconnect(fresh);
    }
  });
});

describe('Streamable HTTP in --stateless mode', () => {
  const validator = new CountingValidator();
  let server;
  let connection;
  before(async () => {
    server = await startHttpServer({ args: ['--sandbox', '--stateless'] });
    connection = await connectHttp(server.url, { validator });
  });
  after(async () => {
    await disconnect(connection);
    await server?.stop();
  });

  it('initializes without issuing a session id', () => {
    assert.equal(connection.client.getServerVersion().name, 'activecampaign-mcp');
    assert.equal(connection.transport.sessionId, undefined);
  });

  it('lists tools and calls one, the result validated by the SDK', async () => {
    const { tools } = await connection.client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    assertExactToolSet(tools);
    const data = assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: 5 }));
    assert.ok(Array.isArray(data.Tags));
    assert.equal(validator.validated, 1);
    assert.equal(validator.rejected, 0);
  });

  it('serves a second client alongside, sharing the same sandbox data', async () => {
    const created = assertSuccess(await callTool(connection.client, 'create_tag',
      { Tag: 'node-stateless', Description: 'shared' }));
    const other = await connectHttp(server.url);
    try {
      const read = assertSuccess(await callTool(other.client, 'get_tag', { TagId: Number(created.id) }));
      assert.equal(read.tag, 'node-stateless');
    } finally {
      await disconnect(other);
    }
  });

  it('answers a self-contained request without any session id', async () => {
    assert.equal(await rawToolsList(server.url, { 'mcp-protocol-version': LATEST_PROTOCOL_VERSION }), 200);
  });
});

describe('Streamable HTTP with a bearer token', () => {
  const token = 'node-test-token-3f9c2a7e1b';
  let directory;
  let server;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'acmcp-node-'));
    const tokenFile = join(directory, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    server = await startHttpServer({ args: ['--sandbox', '--auth-token-file', tokenFile] });
  });
  after(async () => {
    await server?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves a client that sends the right Authorization header', async () => {
    const connection = await connectHttp(server.url, { headers: { Authorization: `Bearer ${token}` } });
    try {
      assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: 1 }));
    } finally {
      await connection.transport.terminateSession();
      await disconnect(connection);
    }
  });

  it('refuses a client without the header with 401', async () => {
    await assertHttpError(connectHttp(server.url), 401);
  });

  it('refuses a client with a wrong token with 401', async () => {
    await assertHttpError(connectHttp(server.url, { headers: { Authorization: `Bearer ${token}x` } }), 401);
  });

  it('says Bearer in WWW-Authenticate', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.body?.cancel();
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer\b/);
  });

  it('never writes the token to stderr', () => {
    assert.ok(!server.stderr.includes(token));
  });
});

describe('Streamable HTTP with MCP_AUTH_TOKEN', () => {
  const token = 'node-env-token-8d1e5c';
  let server;
  before(async () => {
    server = await startHttpServer({ env: { MCP_AUTH_TOKEN: token } });
  });
  after(async () => { await server?.stop(); });

  it('takes the token from the environment', async () => {
    await assertHttpError(connectHttp(server.url), 401);
    const connection = await connectHttp(server.url, { headers: { Authorization: `Bearer ${token}` } });
    try {
      assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: 1 }));
    } finally {
      await disconnect(connection);
    }
  });
});

describe('Streamable HTTP shutdown', () => {
  it('exits cleanly on SIGTERM', async () => {
    const server = await startHttpServer();
    const connection = await connectHttp(server.url);
    await disconnect(connection);
    const { code, signal } = await server.stop();
    assert.equal(signal, null, `killed by ${signal}\nstderr: ${server.stderr}`);
    assert.equal(code, 0, `exit code ${code}\nstderr: ${server.stderr}`);
  });
});
