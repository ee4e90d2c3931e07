// One HTTP server for many accounts (--per-client-credentials): each client names its account in
// headers, read once per session by a 2025 client and on every request by a 2026-07-28 client.
// The server under test has no account of its own. A --sandbox server process provides the
// account; a stand-in Maton gateway (maton-gateway.mjs) in front of it serves the Maton headers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';

import {
  assertSuccess, callTool, connectHttp, disconnect, REQUEST_TIMEOUT_MS, sandboxAccount,
  startHttpServer, stopHttpServer,
} from './harness.mjs';
import { startMatonGateway } from './maton-gateway.mjs';

const MATON_KEY = 'maton-key-per-client-51ab';
const UNLIMITED = { ACTIVECAMPAIGN_MAX_RPS: '0' };
const INITIALIZE = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

// A raw POST of an initialize with `headers`; resolves to { status, body }.
async function rawInitialize(url, headers) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(INITIALIZE),
  });
  return { status: response.status, body: await response.json(), sessionId: response.headers.get('mcp-session-id') };
}

describe('one server, many accounts: credentials per client', { timeout: 60_000 }, () => {
  let sandboxServer;
  let account;
  let gateway;
  let server;
  let direct;  // the headers that name the sandbox's account

  before(async () => {
    sandboxServer = await startHttpServer({ args: ['--sandbox'], env: UNLIMITED });
    account = await sandboxAccount(sandboxServer);
    gateway = await startMatonGateway({
      apiKey: MATON_KEY, account, connections: [{ connection_id: 'c-1', status: 'ACTIVE' }],
    });
    const origin = new URL(account.url).origin;
    server = await startHttpServer({
      args: ['--per-client-credentials', '--per-client-api-urls', origin, '--log-level', 'debug'],
      env: { ...UNLIMITED, MATON_GATEWAY_URL: gateway.url },
    });
    direct = { 'X-ActiveCampaign-Api-Url': account.url, 'X-ActiveCampaign-Api-Token': account.token };
  });

  after(async () => {
    await stopHttpServer(server);
    await gateway?.close();
    await stopHttpServer(sandboxServer);
  });

  it('serves a 2025 session with the account its initialize named', async () => {
    const connection = await connectHttp(server.url, { headers: direct });
    try {
      const { Tags } = assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: 2 }));
      assert.ok(Tags.length > 0, JSON.stringify(Tags));
      const created = assertSuccess(await callTool(connection.client, 'create_tag',
        { Tag: `per-client-${Date.now()}`, Description: 'per-client test' }));
      assertSuccess(await callTool(connection.client, 'delete_tag', { TagId: Number(created.id) }));
    } finally {
      await disconnect(connection);
    }
  });

  it('serves 2026-07-28 requests with the account each one names', async () => {
    const client = new ModernClient({ name: 'acmcp-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const transport = new ModernTransport(new URL(server.url), { requestInit: { headers: direct } });
    try {
      await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
      assert.equal(client.getProtocolEra(), 'modern');
      const result = await client.callTool({ name: 'get_contact', arguments: { ContactId: 1 } },
        { timeout: REQUEST_TIMEOUT_MS });
      assert.equal(assertSuccess(result).id, '1');
    } finally {
      await client.close();
    }
  });

  it('sends a client\'s Maton key through the server\'s gateway', async () => {
    const before = gateway.requests.length;
    const connection = await connectHttp(server.url, {
      headers: { 'X-Maton-Api-Key': MATON_KEY, 'X-Maton-Connection': 'c-1' },
    });
    try {
      assertSuccess(await callTool(connection.client, 'get_contact', { ContactId: 1 }));
    } finally {
      await disconnect(connection);
    }
    const sent = gateway.requests.slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].authorization, `Bearer ${MATON_KEY}`);
    assert.equal(sent[0].connection, 'c-1');
  });

  it('names the header to check when the account refuses a client\'s token', async () => {
    const connection = await connectHttp(server.url, {
      headers: { ...direct, 'X-ActiveCampaign-Api-Token': 'wrong-token-9f3a' },
    });
    try {
      const result = await callTool(connection.client, 'get_contact', { ContactId: 1 });
      assert.equal(result.isError, true);
      assert.match(result.structuredContent.ErrorMessage, /Check the X-ActiveCampaign-Api-Token header/);
    } finally {
      await disconnect(connection);
    }
  });

  it('refuses a client without credentials, with an incomplete pair, or with a URL off the allowlist', async () => {
    const none = await rawInitialize(server.url, {});
    assert.equal(none.status, 401);
    assert.match(none.body.error.message, /send X-ActiveCampaign-Api-Url and X-ActiveCampaign-Api-Token, or X-Maton-Api-Key/);
    assert.equal(none.sessionId, null);

    const half = await rawInitialize(server.url, { 'X-ActiveCampaign-Api-Url': account.url });
    assert.equal(half.status, 400);

    const elsewhere = await rawInitialize(server.url, {
      'X-ActiveCampaign-Api-Url': 'https://attacker.example', 'X-ActiveCampaign-Api-Token': 'stolen-1',
    });
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.body.error.message, /attacker\.example:443 is not an API URL this server may reach/);
    assert.equal(elsewhere.sessionId, null);

    // 2026-07-28 requests are read one by one: a request without credentials is refused even
    // right after one with them was served.
    const list = {
      jsonrpc: '2.0', id: 'm-7', method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
    };
    const modernHeaders = {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list',
    };
    const served = await fetch(server.url, { method: 'POST', headers: { ...modernHeaders, ...direct }, body: JSON.stringify(list) });
    assert.equal(served.status, 200);
    const refused = await fetch(server.url, { method: 'POST', headers: modernHeaders, body: JSON.stringify(list) });
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).id, 'm-7');
  });

  it('never logs a client\'s token or key, even at debug level', () => {
    for (const secret of [account.token, 'wrong-token-9f3a', MATON_KEY, 'stolen-1']) {
      assert.ok(!server.stderr.includes(secret), `the server logged ${secret}`);
    }
    assert.match(server.stderr, /ready \(the accounts the clients name at http:\/\/127\.0\.0\.1:\d+\)/);
  });
});
