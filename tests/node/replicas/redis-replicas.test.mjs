// Many replicas, one rate limit: three server processes share one account's 5 requests per second
// through a Redis started here (Debian's redis-server, on loopback). A burst of 100 tool calls
// spread over them must reach the account no faster than 5 in any second, draw no 429, and take
// about the 20 s that 100 calls at 5 per second need. Killing Redis in the middle of a burst must
// lose no call. One replica on its own is measured the same way, for comparison.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import { freePort, sandboxAccount, startHttpServer, stopHttpServer } from '../harness.mjs';
import { startPacedUpstream } from '../paced-upstream.mjs';

const REDIS = '/usr/bin/redis-server';
const CALLS = 100;
// 100 calls at 5 per second: the first five at once, the last five 19 windows later. The floor
// the goal is stated against is 20 s; within 10% of it is 22 s.
const LIMIT_MS = 22_000;
const CALL_TIMEOUT_MS = 60_000;

async function startRedis(port) {
  const child = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    const watch = (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}):\n${output}`)); });
  });
  await ready;
  return child;
}

function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  return exited;
}

// One stateless tools/call (revision 2026-07-28) of get_contact; resolves to its envelope.
async function getContact(url, id) {
  const message = {
    jsonrpc: '2.0', id, method: 'tools/call',
    params: {
      name: 'get_contact', arguments: { ContactId: 1 },
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} },
    },
  };
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'get_contact',
    },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  assert.equal(response.status, 200, `call ${id}: HTTP ${response.status}`);
  const answer = await response.json();
  assert.ok(answer.result, `call ${id}: ${JSON.stringify(answer).slice(0, 300)}`);
  return answer.result;
}

// Fires CALLS calls at once, spread round-robin over `urls`, while `during` runs (it may disturb
// the burst); resolves to the milliseconds until every call has answered.
async function burst(urls, during = async () => {}) {
  // The account's budget is counted over a sliding window, so the previous burst's last starts
  // would delay this one's first: let them leave the window first.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const started = performance.now();
  const calls = Array.from({ length: CALLS }, (_, index) => getContact(urls[index % urls.length], index + 1));
  const [results] = await Promise.all([Promise.all(calls), during()]);
  const elapsed = performance.now() - started;
  results.forEach((result, index) => {
    assert.equal(result.isError, false, `call ${index + 1}: ${result.structuredContent?.ErrorMessage}`);
    assert.equal(result.structuredContent.StatusCode, 200);
  });
  return elapsed;
}

// No 429, and no second with more than 5 arrivals; on failure, the arrival times say where.
function assertKeptToTheLimit(seen) {
  const first = Math.min(...seen.arrivals);
  const offsets = seen.arrivals.map((at) => Math.round(at - first)).sort((a, b) => a - b).join(' ');
  assert.equal(seen.refused, 0, `429s answered; arrivals (ms): ${offsets}`);
  assert.ok(seen.busiest <= 5, `${seen.busiest} requests arrived within one second; arrivals (ms): ${offsets}`);
}

describe('replicas share one account\'s rate limit through Redis', { timeout: 240_000 }, () => {
  let redis;
  let redisPort;
  let sandboxServer;
  let upstream;
  const replicas = [];

  before(async () => {
    // Missing Redis fails the test rather than skipping it.
    assert.ok(existsSync(REDIS),
      `${REDIS} is missing: install Debian's redis-server (tools/install-deps.sh test installs it)`);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    sandboxServer = await startHttpServer({ args: ['--sandbox'], env: { ACTIVECAMPAIGN_MAX_RPS: '0' } });
    const account = await sandboxAccount(sandboxServer);
    upstream = await startPacedUpstream({ account });
    for (let i = 0; i < 3; i += 1) {
      replicas.push(await startHttpServer({
        // The test is one client address with up to 100 calls open at once.
        args: ['--rate-limit-redis', `redis://127.0.0.1:${redisPort}`, '--rate-limit-replicas', '3',
          '--max-connections-per-client', '0'],
        env: { ACTIVECAMPAIGN_API_URL: upstream.url, ACTIVECAMPAIGN_API_TOKEN: account.token },
      }));
    }
    // The bursts measure running replicas: a process's first calls also open its connections and
    // warm its code, which delayed some of its first starts by about 0.1 s after Redis booked
    // them, enough for a strict one-second window to count six.
    for (const [index, replica] of replicas.entries()) await getContact(replica.url, `warm-${index}`);
  });

  after(async () => {
    for (const replica of replicas) await stopHttpServer(replica);
    await upstream?.close();
    await stopHttpServer(sandboxServer);
    await stopChild(redis);
  });

  it('one replica alone keeps to 5 per second (the comparison)', async (t) => {
    await upstream.reset();
    const elapsed = await burst([replicas[0].url]);
    const seen = await upstream.stats();
    assertKeptToTheLimit(seen);
    assert.ok(elapsed <= LIMIT_MS, `${Math.round(elapsed)} ms for ${CALLS} calls`);
    t.diagnostic(`one replica: ${CALLS} calls in ${Math.round(elapsed)} ms, busiest second ${seen.busiest}`);
  });

  it('three replicas together keep to 5 per second, with no 429 and no time lost', async (t) => {
    await upstream.reset();
    const elapsed = await burst(replicas.map((replica) => replica.url));
    const seen = await upstream.stats();
    assert.equal(seen.arrivals.length, CALLS, 'every call reached the account once');
    assertKeptToTheLimit(seen);
    assert.ok(elapsed >= 19_000, `${Math.round(elapsed)} ms: faster than the limit allows`);
    assert.ok(elapsed <= LIMIT_MS, `${Math.round(elapsed)} ms for ${CALLS} calls, over ${LIMIT_MS}`);
    t.diagnostic(`three replicas: ${CALLS} calls in ${Math.round(elapsed)} ms, busiest second ${seen.busiest}`);
  });

  it('loses no call when Redis dies in the middle of a burst, and says so once', async (t) => {
    await upstream.reset();
    const elapsed = await burst(replicas.map((replica) => replica.url), async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await stopChild(redis);
    });
    const seen = await upstream.stats();
    assertKeptToTheLimit(seen);
    for (const replica of replicas) {
      const warnings = replica.stderr.match(/Redis at 127\.0\.0\.1:\d+ is unusable/g) ?? [];
      assert.equal(warnings.length, 1, `one warning per replica:\n${replica.stderr}`);
    }
    t.diagnostic(`Redis killed after 5 s: ${CALLS} calls in ${Math.round(elapsed)} ms, `
      + `busiest second ${seen.busiest}`);
  });
});
