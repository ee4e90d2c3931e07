// Every tool, through the official MCP TypeScript SDK client, against the sandbox over stdio: the
// client validates each structuredContent against the tool's outputSchema (and throws when it
// does not match), and every call must succeed (StatusCode 200, empty ErrorMessage). The steps
// and their cleanup are in tool-plan.mjs, which the 2026-07-28 client test runs as well.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  assertExactToolSet, callTool, connectStdio, CountingValidator, disconnect,
} from './harness.mjs';
import { runPlan } from './tool-plan.mjs';

const CLEANUP_CALL_TIMEOUT_MS = 2_000;

// Runs the plan against a fresh sandbox server started with `args`.
async function everyTool(args) {
  const validator = new CountingValidator();
  const connection = await connectStdio({ args, validator, env: { ACTIVECAMPAIGN_MAX_RPS: '0' } });
  try {
    const { tools } = await connection.client.listTools();
    assertExactToolSet(tools);
    await runPlan((name, toolArgs) => callTool(connection.client, name, toolArgs), {
      tools,
      cleanupCall: (name, toolArgs) => connection.client.callTool({ name, arguments: toolArgs }, undefined,
        { timeout: CLEANUP_CALL_TIMEOUT_MS }),
    });
    assert.ok(validator.validated >= tools.length,
      `${validator.validated} outputSchema validations by the SDK client for ${tools.length} tools`);
    assert.equal(validator.rejected, 0, 'the SDK client rejected no structuredContent');
  } finally {
    await disconnect(connection);
  }
}

describe('every tool through the official SDK client (sandbox)', { timeout: 60_000 }, () => {
  it('calls all tools with valid arguments; each validates and succeeds (compact results)', async () => {
    await everyTool(['--sandbox']);
  });

  // Records as the sandbox sends them, nulls included (the default stages of a new pipeline have
  // null dates, a list never updated a null udate, ...): each must still match the outputSchema.
  it('does the same with --result-format full', async () => {
    await everyTool(['--sandbox', '--result-format', 'full']);
  });
});
