// A contact's whole journey through the sandbox, driven by the official MCP TypeScript SDK client.
// The SDK validates every structuredContent against the tool's outputSchema by itself: listTools()
// compiles a validator per tool and callTool() rejects a result that does not match (see
// Client.callTool in node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js). The
// counting validator below proves that this happened for every call, and errors.test.mjs proves a
// mismatch really makes callTool() throw.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { assertSuccess, callTool, connectStdio, CountingValidator, disconnect } from './harness.mjs';

describe('contact journey through the sandbox', () => {
  const validator = new CountingValidator();
  let connection;
  let calls = 0;
  const ids = {};

  async function step(name, args) {
    calls += 1;
    const result = await callTool(connection.client, name, args);
    return assertSuccess(result);
  }

  before(async () => {
    connection = await connectStdio({ validator });
    await connection.client.listTools();
  });
  after(async () => { await disconnect(connection); });

  it('creates a contact', async () => {
    const data = await step('create_contact',
      { Email: 'node.journey@example.com', FirstName: 'Node', LastName: 'Journey' });
    ids.contact = Number(data.contact.id);
    assert.ok(ids.contact >= 1);
    assert.equal(data.contact.email, 'node.journey@example.com');
  });

  it('gets the contact back', async () => {
    const data = await step('get_contact', { ContactId: ids.contact });
    assert.equal(Number(data.id), ids.contact);
    assert.equal(data.firstName, 'Node');
  });

  it('creates a list', async () => {
    const data = await step('create_list', {
      Name: 'Node journey', StringId: 'node-journey', SenderUrl: 'https://example.com',
      SenderReminder: 'You signed up on example.com',
    });
    ids.list = Number(data.id);
    assert.ok(ids.list >= 1);
    assert.equal(data.name, 'Node journey');
  });

  it('adds the contact to the list', async () => {
    const data = await step('add_contact_to_list', { ContactId: ids.contact, ListId: ids.list });
    assert.equal(Number(data.contact), ids.contact);
    assert.equal(Number(data.list), ids.list);
    assert.equal(String(data.status), '1');
  });

  it('creates a tag', async () => {
    const data = await step('create_tag', { Tag: 'node-journey', Description: 'from node' });
    ids.tag = Number(data.id);
    assert.ok(ids.tag >= 1);
    assert.equal(data.tag, 'node-journey');
  });

  it('tags the contact', async () => {
    const data = await step('add_contact_tag', { ContactId: ids.contact, TagId: ids.tag });
    ids.contactTag = Number(data.id);
    assert.equal(Number(data.contact), ids.contact);
    assert.equal(Number(data.tag), ids.tag);
  });

  it('removes the tag from the contact', async () => {
    const data = await step('remove_contact_tag', { ContactTagId: ids.contactTag });
    assert.equal(data.deleted, true);
  });

  it('removes the contact from the list', async () => {
    const data = await step('remove_contact_from_list', { ContactId: ids.contact, ListId: ids.list });
    assert.equal(data.RemovedCount, 1);
  });

  it('deletes the tag', async () => {
    const data = await step('delete_tag', { TagId: ids.tag });
    assert.equal(data.deleted, true);
  });

  it('deletes the list', async () => {
    const data = await step('delete_list', { ListId: ids.list });
    assert.equal(data.deleted, true);
  });

  it('deletes the contact', async () => {
    const data = await step('delete_contact', { ContactId: ids.contact });
    assert.equal(data.deleted, true);
  });

  it('finds the deleted contact gone', async () => {
    calls += 1;
    const result = await callTool(connection.client, 'get_contact', { ContactId: ids.contact });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent.StatusCode, 200);
    assert.equal(result.structuredContent.OriginalStatusCode, 404);
    assert.match(result.structuredContent.ErrorMessage, /not found/i);
  });

  it('had the SDK validate every result against its outputSchema', () => {
    assert.equal(calls, 12);
    assert.equal(validator.validated, calls);
    assert.equal(validator.rejected, 0);
  });
});
