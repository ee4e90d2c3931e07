// Protocol revision 2026-07-28 (stateless: no initialize, no session; every request carries the
// version in _meta and, over HTTP, in the MCP-Protocol-Version / Mcp-Method / Mcp-Name headers) as
// the official MCP TypeScript client 2.x sees it, over stdio and over Streamable HTTP: the client
// pinned to 2026-07-28 must connect as modern, list exactly the tools, and run every tool (it
// validates each structuredContent against the tool's outputSchema), plus one invalid call and
// one call with progress. Over HTTP every exchange is recorded at the fetch level, so the test
// also proves what went over the wire: POSTs only, each with the 2026 headers, no session id.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { Client, PROTOCOL_VERSION_META_KEY, SERVER_INFO_META_KEY, StreamableHTTPClientTransport }
  from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';

import {
  assertExactToolSet, assertSuccess, assertTextMatchesStructured, CountingValidator, REQUEST_TIMEOUT_MS,
  serverBinary, startHttpServer, stopHttpServer,
} from './harness.mjs';
import { runPlan, uniqueSuffix } from './tool-plan.mjs';

const MODERN_VERSION = '2026-07-28';
const SERVER_NAME = 'activecampaign-mcp';
// The plan makes ~70 calls back to back; the client-side rate limit would only slow them down.
const SERVER_ENV = { ACTIVECAMPAIGN_MAX_RPS: '0' };

// The client under test, with a validator that counts, so the test can prove that the client
// really checked every structuredContent against the tool's outputSchema.
function newClient(mode) {
  const validator = new CountingValidator(new AjvJsonSchemaValidator());
  const client = new Client({ name: 'acmcp-e2e', version: '1.0.0' },
    { versionNegotiation: { mode }, jsonSchemaValidator: validator });
  return { client, validator };
}

function callTool(client, name, args, options = {}) {
  return client.callTool({ name, arguments: args }, { timeout: REQUEST_TIMEOUT_MS, ...options });
}

// What connect() learnt from server/discover.
function assertModernServer(client) {
  assert.equal(client.getProtocolEra(), 'modern');
  assert.equal(client.getNegotiatedProtocolVersion(), MODERN_VERSION);
  const info = client.getServerVersion();
  assert.equal(info?.name, SERVER_NAME, `serverInfo ${JSON.stringify(info)}`);
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  const instructions = client.getInstructions();
  assert.equal(typeof instructions, 'string');
  assert.match(instructions, /sandbox/i);
  assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
  const discover = client.getDiscoverResult();
  assert.ok(discover?.supportedVersions?.includes(MODERN_VERSION),
    `supportedVersions ${JSON.stringify(discover?.supportedVersions)}`);
}

async function assertEveryToolSucceeds({ client, validator }) {
  const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
  assertExactToolSet(tools);
  const called = await runPlan((name, args) => callTool(client, name, args), { tools });
  assert.equal(called.size, tools.length);
  assert.ok(validator.validated >= tools.length,
    `${validator.validated} outputSchema validations by the client for ${tools.length} tools`);
  assert.equal(validator.rejected, 0, 'the client rejected no structuredContent');
}

// A wrongly typed argument is a tool-level failure (a result), not a JSON-RPC error.
async function assertInvalidArgumentsAreAToolError(client) {
  const result = await callTool(client, 'get_contact', { ContactId: 'abc' });
  assert.equal(result.isError, true);
  assert.equal(result.structuredContent.StatusCode, -1);
  assert.match(result.structuredContent.ErrorMessage, /ContactId/);
  assertTextMatchesStructured(result);
}

// Create a Tag reports its two steps (look for an existing tag, then create it) as progress.
// The 2.x client hands a notification to its handler a microtask later but settles a response at
// once, so progress that arrives in the same read as the result (the usual case on stdio, where
// the sandbox answers within microseconds) finds its handler gone and reaches onerror as "a
// progress notification for an unknown token" instead of onprogress. Those still count as
// progress the server sent when they carry the call's token (`expectedToken(tag)`, known only
// after the call); over HTTP each SSE event is its own read, so there all of it must reach
// onprogress.
async function assertProgressIsReported(client, { allViaCallback, expectedToken }) {
  const viaCallback = [];
  const late = [];
  const onerror = client.onerror;
  client.onerror = (error) => {
    const match = /progress notification for an unknown token: (.*)$/s.exec(error?.message ?? '');
    if (match) late.push(JSON.parse(match[1]).params);
    else onerror?.(error);
  };
  const tagName = `progress-${uniqueSuffix()}`;
  let result;
  try {
    result = await callTool(client, 'create_tag', { Tag: tagName },
      { onprogress: (update) => viaCallback.push(update) });
    // Late notifications were queued before the result settled; let them all run.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    client.onerror = onerror;
  }
  const tag = assertSuccess(result);
  try {
    const all = JSON.stringify({ viaCallback, late });
    if (allViaCallback) assert.deepEqual(late, [], `every progress notification reached onprogress: ${all}`);
    for (const update of late) assert.equal(update.progressToken, expectedToken?.(tagName), `token of ${all}`);
    const seen = [...viaCallback, ...late];
    assert.ok(seen.length >= 2, `progress notifications: ${all}`);
    for (let i = 1; i < seen.length; i += 1) {
      assert.ok(seen[i].progress > seen[i - 1].progress, `progress increases: ${all}`);
    }
    for (const update of seen) assert.ok(update.total === undefined || update.progress <= update.total, all);
    assert.ok(seen.some((update) => /Creating the tag/.test(update.message ?? '')),
      `a step says it creates the tag: ${all}`);
  } finally {
    await callTool(client, 'delete_tag', { TagId: Number(tag.id) }).catch(() => {});
  }
}

// What a connected 2026-07-28 client gets on either transport; `progress` says how progress
// notifications must reach it (see assertProgressIsReported).
function itServesAModernClient(connection, progress) {
  it('connects as modern: version, server name, instructions', () => {
    assertModernServer(connection().client);
  });

  it('lists exactly the tools and runs every one of them successfully', async () => {
    await assertEveryToolSucceeds(connection());
  });

  it('answers invalid arguments with isError and StatusCode -1', async () => {
    await assertInvalidArgumentsAreAToolError(connection().client);
  });

  it('reports progress for a call that asks for it', async () => {
    await assertProgressIsReported(connection().client, progress);
  });
}

describe('2026-07-28 through the official 2.x client over stdio', () => {
  let connection;
  const sent = [];  // every message the client wrote to the server's stdin
  before(async () => {
    // The client probes with server/discover on a short-lived sibling process spawned from these
    // same parameters, then starts this transport's process for the session.
    const transport = new StdioClientTransport({
      command: serverBinary(),
      args: ['--sandbox'],
      env: { ...getDefaultEnvironment(), ...SERVER_ENV },
      stderr: 'pipe',
    });
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      sent.push(message);
      return send(message, options);
    };
    // Drained rather than inherited: the server's info lines would only clutter the test output.
    transport.stderr?.resume();
    connection = { transport, ...newClient({ pin: MODERN_VERSION }) };
    await connection.client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
  });
  after(async () => { await connection?.client.close(); });

  // The token the client put in the create_tag request's _meta.
  const expectedToken = (tagName) => sent.find((message) => message.method === 'tools/call' &&
    message.params.arguments?.Tag === tagName)?.params._meta?.progressToken;
  itServesAModernClient(() => connection, { allViaCallback: false, expectedToken });

  it('sent the session process only enveloped requests, never initialize', () => {
    assert.ok(sent.length > 0);
    for (const message of sent) {
      assert.ok(!['initialize', 'notifications/initialized'].includes(message.method),
        `sent ${JSON.stringify(message).slice(0, 200)}`);
      if ('id' in message) {
        assert.equal(message.params?._meta?.[PROTOCOL_VERSION_META_KEY], MODERN_VERSION,
          `request without the 2026 envelope: ${JSON.stringify(message).slice(0, 300)}`);
      }
    }
  });
});

// A fetch that records each exchange: the request as sent and the response with its full body
// (read from a clone, so the client reads its own copy as usual).
function recordingFetch(exchanges) {
  return async (url, init = {}) => {
    const exchange = {
      method: (init.method ?? 'GET').toUpperCase(),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    };
    exchanges.push(exchange);
    const response = await fetch(url, init);
    exchange.status = response.status;
    exchange.responseHeaders = response.headers;
    exchange.responseText = response.clone().text().catch((error) => `unreadable: ${error.message}`);
    return response;
  };
}

// The JSON-RPC messages of a response body: one JSON object, or the data of each SSE event.
function responseMessages(exchange, text) {
  const type = exchange.responseHeaders.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    return text.split(/\r?\n\r?\n/).map((event) => event.split(/\r?\n/)
      .filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n'))
      .filter((data) => data !== '').map((data) => JSON.parse(data));
  }
  return text === '' ? [] : [JSON.parse(text)];
}

// Everything the client sent over HTTP was a POST of one 2026 request with matching headers, and
// no response opened or named a session.
async function assertStatelessWire(exchanges) {
  assert.ok(exchanges.length > 0, 'the client sent something');
  const sentMethods = [];
  for (const exchange of exchanges) {
    const what = `${exchange.method} ${JSON.stringify(exchange.body)?.slice(0, 200)}`;
    assert.equal(exchange.method, 'POST', `only POSTs: ${what}`);
    const request = exchange.body;
    assert.ok(request && !Array.isArray(request) && typeof request.method === 'string' && 'id' in request,
      `one request per POST: ${what}`);
    sentMethods.push(request.method);
    assert.equal(exchange.headers.get('mcp-protocol-version'), MODERN_VERSION, `MCP-Protocol-Version on ${what}`);
    assert.equal(exchange.headers.get('mcp-method'), request.method, `Mcp-Method on ${what}`);
    if (request.method === 'tools/call') {
      assert.equal(exchange.headers.get('mcp-name'), request.params.name, `Mcp-Name on ${what}`);
    }
    assert.equal(exchange.headers.get('mcp-session-id'), null, `no session id sent: ${what}`);
    assert.equal(request.params?._meta?.[PROTOCOL_VERSION_META_KEY], MODERN_VERSION, `_meta version on ${what}`);

    assert.equal(exchange.status, 200, `status of ${what}`);
    assert.equal(exchange.responseHeaders.get('mcp-session-id'), null, `no session id answered: ${what}`);
    // A proxy must pass progress on as it comes rather than buffer the stream.
    if (exchange.responseHeaders.get('content-type')?.startsWith('text/event-stream')) {
      assert.equal(exchange.responseHeaders.get('x-accel-buffering'), 'no', `X-Accel-Buffering on ${what}`);
    }
    const messages = responseMessages(exchange, await exchange.responseText);
    const answer = messages.at(-1);
    assert.equal(answer?.id, request.id, `the response answers ${what}: ${JSON.stringify(messages).slice(0, 300)}`);
    assert.ok(answer.result, `a result for ${what}: ${JSON.stringify(answer).slice(0, 300)}`);
    assert.equal(answer.result.resultType, 'complete', `resultType of ${what}`);
    assert.equal(answer.result._meta?.[SERVER_INFO_META_KEY]?.name, SERVER_NAME, `serverInfo in _meta of ${what}`);
    for (const notification of messages.slice(0, -1)) {
      assert.equal(notification.method, 'notifications/progress', `only progress before the result of ${what}`);
    }
  }
  assert.ok(!sentMethods.includes('initialize'), 'no initialize');
  assert.equal(sentMethods[0], 'server/discover', 'connect probes with server/discover');
  return sentMethods;
}

describe('2026-07-28 through the official 2.x client over HTTP', () => {
  let server;
  before(async () => { server = await startHttpServer({ env: SERVER_ENV }); });
  after(async () => { await stopHttpServer(server); });

  describe('pinned to 2026-07-28', () => {
    let connection;
    const exchanges = [];
    before(async () => {
      const transport = new StreamableHTTPClientTransport(new URL(server.url),
        { fetch: recordingFetch(exchanges) });
      connection = { transport, ...newClient({ pin: MODERN_VERSION }) };
      await connection.client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    });
    after(async () => { await connection?.client.close(); });

    itServesAModernClient(() => connection, { allViaCallback: true });

    // Last, after close(), so a GET or DELETE sent on closing would be seen too.
    it('sent only POSTs with the 2026 headers, and no session was opened', async () => {
      await connection.client.close();
      const methods = await assertStatelessWire(exchanges);
      assert.ok(methods.includes('tools/list'));
      assert.ok(methods.filter((method) => method === 'tools/call').length >= 63, 'every tool was called');
      assert.ok(exchanges.some((exchange) =>
        exchange.responseHeaders.get('content-type')?.startsWith('text/event-stream')),
      'the progress call was answered with an event stream');
    });
  });

  describe("in 'auto' mode", () => {
    it('connects as modern without an initialize, and calls a tool', async () => {
      const exchanges = [];
      const transport = new StreamableHTTPClientTransport(new URL(server.url),
        { fetch: recordingFetch(exchanges) });
      const { client } = newClient('auto');
      try {
        await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
        assertModernServer(client);
        const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
        assertExactToolSet(tools);
        assertSuccess(await callTool(client, 'get_many_tags', {}));
      } finally {
        await client.close();
      }
      assert.deepEqual(await assertStatelessWire(exchanges), ['server/discover', 'tools/list', 'tools/call']);
    });
  });
});
