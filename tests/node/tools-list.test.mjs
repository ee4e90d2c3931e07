// tools/list as the official MCP TypeScript SDK client sees it: every tool fully described.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { assertExactToolSet, connectStdio, disconnect, ENVELOPE_KEYS } from './harness.mjs';

describe('tools/list', () => {
  let connection;
  let tools;
  before(async () => {
    connection = await connectStdio();
    ({ tools } = await connection.client.listTools());
  });
  after(async () => { await disconnect(connection); });

  it('lists exactly the 63 tools, one per operation of the spec', () => {
    assertExactToolSet(tools);
  });

  it('names every tool uniquely, within the limits of clients that namespace tools', () => {
    const names = tools.map((tool) => tool.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) {
      assert.match(name, /^[A-Za-z0-9_.-]+$/);
      // Claude Code calls a tool mcp__<server>__<tool>, and the model API refuses names over 64.
      const namespaced = `mcp__activecampaign__${name}`;
      assert.ok(namespaced.length <= 64, `${namespaced} is ${namespaced.length} characters`);
    }
  });

  it('gives every tool a title and a description', () => {
    for (const tool of tools) {
      assert.ok(tool.title, `${tool.name} has no title`);
      assert.ok(tool.description && tool.description.length > 20, `${tool.name} has no description`);
    }
  });

  it('gives every tool an object inputSchema', () => {
    for (const tool of tools) {
      assert.equal(tool.inputSchema?.type, 'object', tool.name);
      assert.equal(typeof tool.inputSchema.properties, 'object', tool.name);
    }
  });

  it('gives every tool an outputSchema that requires the envelope', () => {
    for (const tool of tools) {
      const schema = tool.outputSchema;
      assert.equal(schema?.type, 'object', tool.name);
      for (const key of ENVELOPE_KEYS) {
        assert.ok(schema.required?.includes(key), `${tool.name} outputSchema does not require ${key}`);
        assert.ok(schema.properties?.[key], `${tool.name} outputSchema does not describe ${key}`);
      }
      const dataKeys = Object.keys(schema.properties).filter((key) => !ENVELOPE_KEYS.includes(key));
      assert.equal(dataKeys.length, 1, `${tool.name} data keys: ${dataKeys}`);
    }
  });

  it('annotates every tool, leaving out only hints that equal the MCP defaults', () => {
    for (const tool of tools) {
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', tool.name);
      for (const hint of ['destructiveHint', 'idempotentHint', 'openWorldHint']) {
        const value = tool.annotations[hint];
        assert.ok(value === undefined || typeof value === 'boolean', `${tool.name} ${hint}`);
      }
    }
    // MCP defaults: destructiveHint true, idempotentHint false.
    const hint = (name, key) => tools.find((tool) => tool.name === name).annotations[key];
    assert.notEqual(hint('delete_tag', 'destructiveHint'), false);
    assert.equal(hint('delete_tag', 'idempotentHint'), true);
    assert.notEqual(hint('update_contact', 'destructiveHint'), false);
    assert.equal(hint('add_contact_tag', 'destructiveHint'), false);
    assert.equal(hint('get_many_tags', 'readOnlyHint'), true);
  });

  it('serves flat input schemas: no combinator or conditional at the top level', () => {
    const keywords = ['allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', 'not', 'dependentRequired',
      'dependentSchemas'];
    for (const tool of tools) {
      for (const keyword of keywords) {
        assert.ok(!(keyword in tool.inputSchema), `${tool.name} has ${keyword}`);
      }
    }
  });
});
