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

  it('gives every tool a unique activecampaign_ name', () => {
    const names = tools.map((tool) => tool.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^activecampaign_[a-z_]+$/);
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

  it('annotates every tool with read-only and destructive hints', () => {
    for (const tool of tools) {
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', tool.name);
      assert.equal(typeof tool.annotations?.destructiveHint, 'boolean', tool.name);
    }
    const deleteTag = tools.find((tool) => tool.name === 'activecampaign_delete_tag');
    assert.equal(deleteTag.annotations.destructiveHint, true);
    const getTags = tools.find((tool) => tool.name === 'activecampaign_get_many_tags');
    assert.equal(getTags.annotations.readOnlyHint, true);
  });
});
