// Failure paths and the small protocol methods, through the official MCP TypeScript SDK client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  assertSuccess, assertTextMatchesStructured, callTool, connectStdio, CountingValidator, disconnect,
  REQUEST_TIMEOUT_MS,
} from './harness.mjs';

describe('argument validation', () => {
  const validator = new CountingValidator();
  let connection;
  before(async () => {
    connection = await connectStdio({ validator });
    await connection.client.listTools();
  });
  after(async () => { await disconnect(connection); });

  it('answers a wrongly typed argument with StatusCode -1 and isError', async () => {
    const result = await callTool(connection.client, 'get_contact', { ContactId: 'abc' });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, -1);
    assert.equal(result.structuredContent.OriginalStatusCode, 0);
    assert.match(result.structuredContent.ErrorMessage, /ContactId/);
    assert.deepEqual(result.structuredContent.Contact, {});
    assertTextMatchesStructured(result);
  });

  it('answers a missing required argument with StatusCode -1', async () => {
    const result = await callTool(connection.client, 'get_tag', {});
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, -1);
    assert.match(result.structuredContent.ErrorMessage, /TagId/);
  });

  it('answers an ID below 1 with StatusCode -1', async () => {
    const result = await callTool(connection.client, 'delete_tag', { TagId: 0 });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, -1);
  });

  it('accepts a numeric string where an integer is expected', async () => {
    const data = assertSuccess(await callTool(connection.client, 'get_many_tags', { Limit: '5' }));
    assert.ok(data);
  });

  it('validates even error envelopes against the outputSchema', () => {
    assert.ok(validator.validated >= 4, `validated ${validator.validated}`);
    assert.equal(validator.rejected, 0);
  });

  it('answers an upstream 404 with StatusCode 200 and a message', async () => {
    const result = await callTool(connection.client, 'get_tag', { TagId: 999999 });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, 200);
    assert.equal(result.structuredContent.OriginalStatusCode, 404);
    assert.notEqual(result.structuredContent.ErrorMessage, '');
  });

  it('rejects an unknown tool with a JSON-RPC invalid-params error', async () => {
    await assert.rejects(callTool(connection.client, 'no_such_tool', {}), (error) => {
      assert.ok(error instanceof McpError);
      assert.equal(error.code, ErrorCode.InvalidParams);
      return true;
    });
  });
});

describe('the SDK really checks structuredContent against outputSchema', () => {
  let connection;
  before(async () => { connection = await connectStdio(); });
  after(async () => { await disconnect(connection); });

  it('makes callTool throw when the result does not match the cached schema', async () => {
    const { tools } = await connection.client.listTools();
    const tool = structuredClone(tools.find((t) => t.name === 'get_many_tags'));
    // Demand a key the server never sends: if the SDK skipped validation, this call would pass.
    tool.outputSchema.required = [...tool.outputSchema.required, 'KeyTheServerNeverSends'];
    connection.client.cacheToolMetadata([tool]);
    await assert.rejects(callTool(connection.client, tool.name, {}), (error) => {
      assert.ok(error instanceof McpError);
      assert.match(error.message, /output schema/);
      return true;
    });
  });
});

describe('protocol methods', () => {
  let connection;
  before(async () => { connection = await connectStdio(); });
  after(async () => { await disconnect(connection); });

  it('answers ping', async () => {
    const result = await connection.client.ping({ timeout: REQUEST_TIMEOUT_MS });
    assert.deepEqual(result, {});
  });

  it('accepts logging/setLevel for every MCP level', async () => {
    for (const level of ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']) {
      const result = await connection.client.setLoggingLevel(level, { timeout: REQUEST_TIMEOUT_MS });
      assert.deepEqual(result, {}, level);
    }
  });

  it('rejects an unknown logging level with invalid params', async () => {
    await assert.rejects(connection.client.setLoggingLevel('loud', { timeout: REQUEST_TIMEOUT_MS }),
      (error) => {
        assert.ok(error instanceof McpError);
        assert.equal(error.code, ErrorCode.InvalidParams);
        assert.match(error.message, /level/);
        return true;
      });
  });

  it('keeps serving tool calls after the errors', async () => {
    assertSuccess(await callTool(connection.client, 'get_many_lists', {}));
  });
});
