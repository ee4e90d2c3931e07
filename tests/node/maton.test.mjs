// The Maton gateway as the upstream: every tool through it, the errors a user must be able to act
// on, and `--check` for both kinds of upstream. A --sandbox server process provides the account;
// a stand-in gateway (maton-gateway.mjs) sits between it and the server under test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

import {
  assertExactToolSet, callTool, connectStdio, CountingValidator, disconnect, REQUEST_TIMEOUT_MS,
  sandboxAccount, serverBinary, startHttpServer, stopHttpServer,
} from './harness.mjs';
import { startMatonGateway } from './maton-gateway.mjs';
import { runPlan } from './tool-plan.mjs';

const KEY = 'maton-key-7d1e93c0a4';
const CONNECTION = '9e8ba2aa-25ec-4ba0-8815-3068be304dca';
const CONNECTIONS = [
  { connection_id: CONNECTION, status: 'ACTIVE', creation_time: '2026-02-09T20:03:16.595823Z' },
  { connection_id: '11111111-2222-4333-8444-555555555555', status: 'ACTIVE', creation_time: '2026-03-01T08:00:00Z' },
];
// The plan's calls are sequential; the gateway's pacing is not what this file tests.
const UNLIMITED = { ACTIVECAMPAIGN_MAX_RPS: '0' };

function matonEnv(gateway, overrides = {}) {
  return {
    ...UNLIMITED,
    MATON_API_KEY: KEY,
    MATON_CONNECTION: CONNECTION,
    MATON_GATEWAY_URL: gateway.url,
    MATON_CTRL_URL: gateway.url,
    ACTIVECAMPAIGN_MAX_RETRIES: '0',
    ...overrides,
  };
}

// Runs `activecampaign-mcp --check` with exactly `env` (no inherited credentials).
function runCheck(env, args = []) {
  return new Promise((resolve) => {
    execFile(serverBinary(), ['--check', ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

function assertNoKey(text, where) {
  assert.ok(!text.includes(KEY), `${where} printed the Maton API key:\n${text}`);
}

describe('the Maton gateway as the upstream', { timeout: 90_000 }, () => {
  let sandboxServer;
  let account;
  let gateway;

  before(async () => {
    sandboxServer = await startHttpServer({ args: ['--sandbox'], env: UNLIMITED });
    account = await sandboxAccount(sandboxServer);
    gateway = await startMatonGateway({ apiKey: KEY, account, connections: CONNECTIONS });
  });

  after(async () => {
    await gateway?.close();
    await stopHttpServer(sandboxServer);
  });

  it('serves every tool through the gateway, with the key as Bearer and the chosen connection', async () => {
    const validator = new CountingValidator();
    const connection = await connectStdio({ args: [], env: matonEnv(gateway), validator });
    try {
      const { tools } = await connection.client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
      assertExactToolSet(tools);
      const before = gateway.requests.length;
      const called = await runPlan((name, args) => callTool(connection.client, name, args), { tools });
      assert.equal(called.size, 63);
      assert.equal(validator.rejected, 0, 'the client rejected no structuredContent');

      const sent = gateway.requests.slice(before);
      assert.ok(sent.length >= 63, `${sent.length} requests reached the gateway`);
      for (const request of sent) {
        assert.ok(request.path.startsWith('/active-campaign/api/3/'), JSON.stringify(request));
        assert.equal(request.authorization, `Bearer ${KEY}`, JSON.stringify(request));
        assert.equal(request.connection, CONNECTION, JSON.stringify(request));
        assert.equal(request.apiToken, null, 'no Api-Token header goes to Maton');
      }
      assert.deepEqual(gateway.violations, []);
      assertNoKey(connection.stderr, 'stderr');
    } finally {
      await disconnect(connection);
    }
  });

  it('tells the user to check MATON_API_KEY when the gateway rejects the key', async () => {
    const connection = await connectStdio({ args: [], env: matonEnv(gateway, { MATON_API_KEY: 'not-the-key' }) });
    try {
      const result = await callTool(connection.client, 'get_contact', { ContactId: 1 });
      assert.equal(result.isError, true);
      const envelope = result.structuredContent;
      assert.equal(envelope.StatusCode, 200);
      assert.equal(envelope.OriginalStatusCode, 401);
      assert.match(envelope.ErrorMessage, /the Maton gateway rejected the API key \(HTTP 401: Invalid API key\)/);
      assert.match(envelope.ErrorMessage, /Check MATON_API_KEY: .*https:\/\/maton\.ai\/settings/);
      assert.ok(!JSON.stringify(result).includes('not-the-key'), 'the result does not echo the key');
      assert.ok(!connection.stderr.includes('not-the-key'), 'stderr does not show the key');
    } finally {
      await disconnect(connection);
    }
  });

  it('tells the user to create or pick a connection when the gateway has none to use', async () => {
    const strict = await startMatonGateway({ apiKey: KEY, account, connections: CONNECTIONS, defaultConnection: false });
    try {
      for (const [connectionId, advice] of [
        [undefined, /Create an ActiveCampaign connection at https:\/\/ctrl\.maton\.ai, or set MATON_CONNECTION/],
        ['00000000-0000-4000-8000-000000000000', /Check MATON_CONNECTION: it must name an active ActiveCampaign connection/],
      ]) {
        const env = matonEnv(strict, { MATON_CONNECTION: connectionId ?? '' });
        const connection = await connectStdio({ args: [], env });
        try {
          const result = await callTool(connection.client, 'get_contact', { ContactId: 1 });
          const envelope = result.structuredContent;
          assert.equal(result.isError, true);
          assert.equal(envelope.OriginalStatusCode, 400);
          assert.match(envelope.ErrorMessage, /the Maton gateway has no ActiveCampaign connection to use/);
          assert.match(envelope.ErrorMessage, advice);
          assert.match(envelope.ErrorMessage, /activecampaign-mcp --check lists them/);
        } finally {
          await disconnect(connection);
        }
      }
    } finally {
      await strict.close();
    }
  });

  it('--check lists the active connections and accepts good credentials with exit code 0', async () => {
    const { code, stdout, stderr } = await runCheck(matonEnv(gateway));
    assert.equal(code, 0, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.match(stdout, /through the Maton gateway at http:\/\/127\.0\.0\.1:\d+ \(connection 9e8ba2aa/);
    assert.match(stdout, /active ActiveCampaign connections at Maton: 2/);
    for (const each of CONNECTIONS) assert.ok(stdout.includes(each.connection_id), stdout);
    assert.match(stdout, /^OK: the credentials are accepted \(user admin <admin@example\.com>\)$/m);
    assertNoKey(stdout + stderr, '--check');
  });

  it('--check fails with exit code 1 and says what to do when a credential is wrong', async () => {
    const badKey = await runCheck(matonEnv(gateway, { MATON_API_KEY: 'not-the-key' }));
    assert.equal(badKey.code, 1, badKey.stdout);
    assert.match(badKey.stdout, /^FAILED: .*the Maton gateway rejected the API key.*Check MATON_API_KEY/m);
    assert.ok(!(badKey.stdout + badKey.stderr).includes('not-the-key'));

    const badConnection = await runCheck(matonEnv(gateway, { MATON_CONNECTION: 'gone' }));
    assert.equal(badConnection.code, 1, badConnection.stdout);
    assert.match(badConnection.stdout, /MATON_CONNECTION gone is not among them/);
    assert.match(badConnection.stdout, /^FAILED: .*no ActiveCampaign connection to use/m);
  });

  it('--check verifies a direct ActiveCampaign token the same way', async () => {
    const base = { ...UNLIMITED, ACTIVECAMPAIGN_API_URL: account.url };
    const good = await runCheck({ ...base, ACTIVECAMPAIGN_API_TOKEN: account.token });
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /^OK: the credentials are accepted/m);
    assert.ok(!good.stdout.includes(account.token), 'the token is not printed');

    const bad = await runCheck({ ...base, ACTIVECAMPAIGN_API_TOKEN: 'wrong-token-1234' });
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /^FAILED: .*Check ACTIVECAMPAIGN_API_TOKEN/m);
    assert.ok(!(bad.stdout + bad.stderr).includes('wrong-token-1234'));

    const unset = await runCheck({});
    assert.equal(unset.code, 2, 'no credentials is a configuration error');
    assert.match(unset.stderr, /no ActiveCampaign account configured/);
  });
});
