// Shared by the conformance test files: run tools/run-conformance.sh against a freshly started
// server and read the checks the suite recorded, scenario by scenario.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startHttpServer } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const conformanceScript = join(here, '..', '..', 'tools', 'run-conformance.sh');
// A scenario takes about a second; these bound a server that stops answering.
const SCENARIO_TIMEOUT_S = 15;
const RUN_TIMEOUT_MS = 50_000;

// The scenarios that apply to a server offering tools; docs/conformance.md says why the others do not apply.
export const REQUIRED_SCENARIOS = [
  'server-initialize', 'server-session-lifecycle', 'ping', 'logging-set-level', 'tools-list',
  'dns-rebinding-protection', 'server-sse-multiple-streams',
];

// The checks the suite recorded for one scenario (it writes DIR/server-<scenario>-<time>/checks.json).
export function readChecks(outputDir, scenario) {
  const runs = readdirSync(outputDir).filter((name) => name.startsWith(`server-${scenario}-`));
  assert.equal(runs.length, 1, `one result directory for ${scenario}, found ${JSON.stringify(runs)}`);
  return JSON.parse(readFileSync(join(outputDir, runs[0], 'checks.json'), 'utf8'));
}

export function describeChecks(checks) {
  return checks.map((check) => `${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`)
    .join('\n');
}

// Runs the runner once for all `scenarios` (a failing scenario must not hide the others) against
// a fresh server started with `serverArgs`, keeping the suite's checks in a temporary directory.
export function conformanceRun({ scenarios, serverArgs = ['--sandbox'], specVersion }) {
  const state = { server: undefined, outputDir: undefined, run: undefined };
  before(async () => {
    state.server = await startHttpServer({ args: serverArgs });
    state.outputDir = mkdtempSync(join(tmpdir(), 'acmcp-conformance-'));
    const env = { ...process.env, ACMCP_CONFORMANCE_OUTPUT_DIR: state.outputDir, ACMCP_CONFORMANCE_TIMEOUT_S: String(SCENARIO_TIMEOUT_S) };
    if (specVersion) env.ACMCP_CONFORMANCE_SPEC_VERSION = specVersion;
    state.run = await new Promise((resolve) => {
      execFile('bash', [conformanceScript, state.server.url, ...scenarios],
        { timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env },
        (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr }));
    });
  });
  after(async () => {
    await state.server?.stop();
    if (state.outputDir) rmSync(state.outputDir, { recursive: true, force: true });
  });

  it('passes every scenario (runner exit status)', () => {
    assert.equal(state.run.code, 0, `${state.run.stdout}\n${state.run.stderr}`);
    assert.match(state.run.stdout, new RegExp(`conformance: ${scenarios.length} passed, 0 failed`));
  });

  for (const scenario of scenarios) {
    it(`${scenario}: no failed check, at least one passed`, () => {
      const checks = readChecks(state.outputDir, scenario);
      const failures = checks.filter((check) => check.status === 'FAILURE');
      assert.deepEqual(failures, [], describeChecks(checks));
      assert.ok(checks.some((check) => check.status === 'SUCCESS'), describeChecks(checks));
    });
  }
  return state;
}

export function checkStatuses(state, scenario) {
  const checks = readChecks(state.outputDir, scenario);
  return { status: Object.fromEntries(checks.map((check) => [check.id, check.status])), text: describeChecks(checks) };
}
