// Protocol 2026-07-28 is stateless: any server process may answer any request. Proven with two
// server processes behind one round-robin nginx and the official 2.x client pinned to 2026-07-28,
// whose requests therefore alternate between the two: every tool is called once and must succeed,
// so a record one process created is read, changed and deleted by the other. Both processes use
// one account: A's sandbox, which B reaches as its ActiveCampaign API.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';

import {
  assertExactToolSet, CountingValidator, REQUEST_TIMEOUT_MS, sandboxAccount, startHttpServer,
  stopHttpServer,
} from './harness.mjs';
import { NGINX, startNginx } from './nginx.mjs';
import { runPlan } from './tool-plan.mjs';

const MODERN = '2026-07-28';
const CLEANUP_CALL_TIMEOUT_MS = 2_000;
const ACCESS_LOG_WAIT_MS = 2_000;

// No upstream rate limit: the plan's calls are sequential and the sandbox does not need one.
const UNLIMITED = { ACTIVECAMPAIGN_MAX_RPS: '0' };

// nginx writes a request's log line just after it has passed on the end of the answer, so the
// client can hold its last answer before that line is in the file. Each earlier line is written
// before the client's next request reaches nginx, so the lines come in the order of the requests.
async function loggedPosts(nginx, count) {
  const deadline = Date.now() + ACCESS_LOG_WAIT_MS;
  for (;;) {
    const posts = nginx.accessLog().filter((entry) => entry.method === 'POST');
    if (posts.length >= count || Date.now() > deadline) return posts;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function hostPort(url) {
  return new URL(url).host;
}

describe('two server processes behind nginx serve one 2026-07-28 client', { timeout: 60_000 }, () => {
  let serverA;
  let serverB;
  let nginx;
  let client;

  after(async () => {
    // Each step runs even when an earlier one throws, so nothing is left running.
    const steps = [
      () => client?.close(),
      () => nginx?.stop(),
      () => stopHttpServer(serverB),
      () => stopHttpServer(serverA),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // keep stopping the rest
      }
    }
  });

  it('answers every tool call through either process, without a session', async (t) => {
    // Missing nginx fails the test rather than skipping it: this is the proof that no request needs
    // the process that answered the one before.
    assert.ok(existsSync(NGINX),
      `${NGINX} is missing: install Debian's nginx-light (tools/install-deps.sh test installs it)`);
    const launched = performance.now();
    serverA = await startHttpServer({ args: ['--sandbox'], env: UNLIMITED });
    const account = await sandboxAccount(serverA);
    serverB = await startHttpServer({
      args: [],
      env: { ...UNLIMITED, ACTIVECAMPAIGN_API_URL: account.url, ACTIVECAMPAIGN_API_TOKEN: account.token },
    });
    nginx = await startNginx([hostPort(serverA.url), hostPort(serverB.url)]);
    const startMs = performance.now() - launched;

    const exchanges = [];  // what the client sent and got back, one entry per HTTP request
    const recordingFetch = async (input, init) => {
      const response = await fetch(input, init);
      const sent = new Headers(init?.headers);
      exchanges.push({
        method: init?.method ?? 'GET',
        mcpMethod: sent.get('mcp-method'),
        mcpName: sent.get('mcp-name'),
        protocolVersion: sent.get('mcp-protocol-version'),
        sentSessionId: sent.get('mcp-session-id'),
        status: response.status,
        sessionId: response.headers.get('mcp-session-id'),
      });
      return response;
    };
    const validator = new CountingValidator(new AjvJsonSchemaValidator());
    client = new Client({ name: 'acmcp-e2e', version: '1.0.0' }, {
      versionNegotiation: { mode: { pin: MODERN } },
      jsonSchemaValidator: validator,
    });
    const transport = new StreamableHTTPClientTransport(new URL(nginx.url), { fetch: recordingFetch });

    const started = performance.now();
    await client.connect(transport, { timeout: REQUEST_TIMEOUT_MS });
    assert.equal(client.getProtocolEra(), 'modern');
    assert.equal(client.getServerVersion()?.name, 'activecampaign-mcp');
    const { tools } = await client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
    assertExactToolSet(tools);
    const called = await runPlan(
      (name, args) => client.callTool({ name, arguments: args }, { timeout: REQUEST_TIMEOUT_MS }),
      {
        tools,
        cleanupCall: (name, args) =>
          client.callTool({ name, arguments: args }, { timeout: CLEANUP_CALL_TIMEOUT_MS }),
      });
    const callsMs = performance.now() - started;
    assert.equal(called.size, tools.length);
    assert.ok(validator.validated >= tools.length,
      `${validator.validated} outputSchema validations by the client for ${tools.length} tools`);
    assert.equal(validator.rejected, 0, 'the client rejected no structuredContent');

    // The client: only POSTs, each with the 2026-07-28 headers, and no session on either side.
    assert.ok(exchanges.length >= tools.length + 2, `${exchanges.length} HTTP requests`);
    for (const exchange of exchanges) {
      assert.equal(exchange.method, 'POST', JSON.stringify(exchange));
      assert.equal(exchange.status, 200, JSON.stringify(exchange));
      assert.equal(exchange.protocolVersion, MODERN, JSON.stringify(exchange));
      assert.equal(exchange.sentSessionId, null, JSON.stringify(exchange));
      assert.equal(exchange.sessionId, null, `a response carried Mcp-Session-Id: ${JSON.stringify(exchange)}`);
    }

    // nginx: one line per client request, each answered by exactly one process, A and B in turn.
    const a = hostPort(serverA.url);
    const b = hostPort(serverB.url);
    const posts = await loggedPosts(nginx, exchanges.length);
    assert.equal(posts.length, exchanges.length, 'nginx logged every request the client sent');
    posts.forEach((entry, index) => {
      assert.ok(entry.upstream === a || entry.upstream === b,
        `request ${index} (${entry.mcpMethod} ${entry.mcpName}) went to ${entry.upstream}`);
      assert.equal(entry.status, 200, `request ${index}: ${JSON.stringify(entry)}`);
      assert.equal(entry.sessionId, '-', `request ${index} got Mcp-Session-Id ${entry.sessionId}`);
      if (index > 0) {
        assert.notEqual(entry.upstream, posts[index - 1].upstream,
          `requests ${index - 1} and ${index} both went to ${entry.upstream}`);
      }
    });
    // A server that closed a connection early or answered garbage shows here even when the
    // client's call still succeeded.
    assert.doesNotMatch(nginx.stderr(), /\[(error|crit|alert|emerg)\]/, 'nginx logged no errors');
    const byA = posts.filter((entry) => entry.upstream === a).length;
    const byB = posts.length - byA;
    assert.ok(byA >= posts.length / 3 && byB >= posts.length / 3, `A served ${byA}, B ${byB}`);

    // Spelled out for the records the plan creates and reads back at once: the process that
    // created one is not the one that read it.
    const served = (name) => posts.filter((entry) => entry.mcpName === name).map((entry) => entry.upstream);
    for (const resource of ['contact', 'tag', 'deal']) {
      const [creator] = served(`create_${resource}`);
      const [reader] = served(`get_${resource}`);
      assert.ok(creator && reader, `create_${resource} and get_${resource} were logged`);
      assert.notEqual(reader, creator, `create_${resource} and get_${resource} both went to ${creator}`);
    }

    t.diagnostic(`${posts.length} requests: ${byA} by A, ${byB} by B; start ${Math.round(startMs)} ms, `
      + `connect + ${called.size} calls ${Math.round(callsMs)} ms`);
  });
});
