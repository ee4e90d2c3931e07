// One call of every tool, in an order where each call can use what earlier calls created, for any
// MCP client: the caller passes `call(name, args)`, which returns the tool's CallToolResult. The
// calls use the sandbox's seed data (src/sandbox/seed.cpp) where they only read, and records the
// plan creates where they change or delete something; whatever a failed step left behind is
// deleted at the end.
import assert from 'node:assert/strict';

import { assertSuccess } from './harness.mjs';

// The ID of a record in a tool's data: its own "id", or that of the one record it wraps
// (create_contact answers {contact: {...}, fieldValues: [...]}).
export function recordId(data) {
  if (data && typeof data === 'object' && 'id' in data) return Number(data.id);
  const nested = Object.values(data ?? {}).filter((value) =>
    value && typeof value === 'object' && !Array.isArray(value) && 'id' in value);
  assert.equal(nested.length, 1, `no record id in ${JSON.stringify(data)?.slice(0, 200)}`);
  return Number(nested[0].id);
}

// Names and emails of the records a run creates end in this, so runs against one account (two
// servers sharing an upstream, a rerun after a failed cleanup) never find each other's records.
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

// Each step: the tool, its arguments (from what earlier steps created), and optionally the name
// under which to keep the ID of the record it created, and the delete that undoes it.
export function plan(suffix) {
  const email = `every-${suffix}@example.com`;
  return [
    // Contacts, lists, tags.
    { tool: 'create_contact', args: () => ({ Email: email, FirstName: 'Every', LastName: 'Tool' }),
      keep: 'contact', undo: (id) => ['delete_contact', { ContactId: id }] },
    { tool: 'get_contact', args: (ids) => ({ ContactId: ids.contact }) },
    { tool: 'get_many_contacts', args: () => ({ Email: email }) },
    { tool: 'update_contact', args: (ids) => ({ ContactId: ids.contact, FirstName: 'Evelyn' }) },
    { tool: 'create_list', args: () => ({ Name: `Every tool ${suffix}`, StringId: `every-${suffix}`,
      SenderUrl: 'https://example.com', SenderReminder: 'You signed up on example.com.' }),
    keep: 'list', undo: (id) => ['delete_list', { ListId: id }] },
    { tool: 'get_list', args: (ids) => ({ ListId: ids.list }) },
    { tool: 'get_many_lists', args: () => ({}) },
    { tool: 'add_contact_to_list', args: (ids) => ({ ContactId: ids.contact, ListId: ids.list }) },
    { tool: 'remove_contact_from_list', args: (ids) => ({ ContactId: ids.contact, ListId: ids.list }) },
    { tool: 'create_tag', args: () => ({ Tag: `every-${suffix}`, Description: 'Made by the every-tool plan' }),
      keep: 'tag', undo: (id) => ['delete_tag', { TagId: id }] },
    { tool: 'get_tag', args: (ids) => ({ TagId: ids.tag }) },
    { tool: 'get_many_tags', args: () => ({ SearchText: `every-${suffix}` }) },
    { tool: 'update_tag', args: (ids) => ({ TagId: ids.tag, Description: 'Renamed by the every-tool plan' }) },
    { tool: 'add_contact_tag', args: (ids) => ({ ContactId: ids.contact, TagId: ids.tag }),
      keep: 'contactTag', undo: (id) => ['remove_contact_tag', { ContactTagId: id }] },
    { tool: 'remove_contact_tag', args: (ids) => ({ ContactTagId: ids.contactTag }), settles: 'contactTag' },

    // Accounts.
    { tool: 'create_account', args: () => ({ Name: `Every Tool ${suffix}` }),
      keep: 'account', undo: (id) => ['delete_account', { AccountId: id }] },
    { tool: 'get_account', args: (ids) => ({ AccountId: ids.account }) },
    { tool: 'get_many_accounts', args: () => ({ SearchName: `Every Tool ${suffix}` }) },
    { tool: 'update_account', args: (ids) => ({ AccountId: ids.account, AccountUrl: 'https://every.example.com' }) },
    { tool: 'create_account_contact', args: (ids) => ({ ContactId: ids.contact, AccountId: ids.account, JobTitle: 'Buyer' }),
      keep: 'association', undo: (id) => ['delete_account_contact', { AssociationId: id }] },
    { tool: 'get_account_contact', args: (ids) => ({ AssociationId: ids.association }) },
    { tool: 'get_many_account_contacts', args: () => ({}) },
    { tool: 'update_account_contact', args: (ids) => ({ AssociationId: ids.association, ContactId: ids.contact,
      AccountId: ids.account, JobTitle: 'Head of Purchasing' }) },
    { tool: 'delete_account_contact', args: (ids) => ({ AssociationId: ids.association }), settles: 'association' },

    // Pipelines, stages, deals, notes.
    { tool: 'create_pipeline', args: () => ({ Title: `Every tool ${suffix}`, Currency: 'USD' }),
      keep: 'pipeline', undo: (id) => ['delete_pipeline', { PipelineId: id }] },
    { tool: 'get_pipeline', args: (ids) => ({ PipelineId: ids.pipeline }) },
    { tool: 'get_many_pipelines', args: () => ({}) },
    { tool: 'update_pipeline', args: (ids) => ({ PipelineId: ids.pipeline, Title: `Every tool ${suffix} (renamed)` }) },
    { tool: 'create_stage', args: (ids) => ({ Title: 'Negotiation', PipelineId: ids.pipeline }),
      keep: 'stage', undo: (id) => ['delete_stage', { StageId: id }] },
    { tool: 'get_stage', args: (ids) => ({ StageId: ids.stage }) },
    { tool: 'get_many_stages', args: (ids) => ({ FilterGroup: ids.pipeline }) },
    { tool: 'update_stage', args: (ids) => ({ StageId: ids.stage, Title: 'Negotiating' }) },
    { tool: 'create_deal', args: (ids) => ({ Title: `Every tool ${suffix}`, ContactId: ids.contact, Value: 125000,
      Currency: 'usd', StageId: ids.stage, PipelineId: ids.pipeline }),
    keep: 'deal', undo: (id) => ['delete_deal', { DealId: id }] },
    { tool: 'get_deal', args: (ids) => ({ DealId: ids.deal }) },
    { tool: 'get_many_deals', args: () => ({ Search: `Every tool ${suffix}` }) },
    { tool: 'update_deal', args: (ids) => ({ DealId: ids.deal, Description: 'Pilot for 3 sites' }) },
    { tool: 'create_deal_note', args: (ids) => ({ DealId: ids.deal, NoteText: 'Kick-off call booked.' }), keep: 'note' },
    { tool: 'update_deal_note', args: (ids) => ({ NoteId: ids.note, DealId: ids.deal, NoteText: 'Kick-off call held.' }) },

    // Ecommerce.
    { tool: 'create_connection', args: () => ({ Service: 'every-tool', ExternalId: `every-${suffix}.example.com`,
      Name: 'Every Tool Store', LogoUrl: 'https://every.example.com/logo.png', LinkUrl: 'https://every.example.com' }),
    keep: 'connection', undo: (id) => ['delete_connection', { ConnectionId: id }] },
    { tool: 'get_connection', args: (ids) => ({ ConnectionId: ids.connection }) },
    { tool: 'get_many_connections', args: () => ({ FilterService: 'every-tool' }) },
    { tool: 'update_connection', args: (ids) => ({ ConnectionId: ids.connection, Service: 'every-tool',
      ExternalId: `every-${suffix}.example.com`, Name: 'Every Tool Store EU' }) },
    { tool: 'create_ecommerce_customer', args: (ids) => ({ Email: email, ConnectionId: ids.connection,
      ExternalId: `cust-${suffix}` }),
    keep: 'customer', undo: (id) => ['delete_ecommerce_customer', { EcommerceCustomerId: id }] },
    { tool: 'get_ecommerce_customer', args: (ids) => ({ EcommerceCustomerId: ids.customer }) },
    { tool: 'get_ecommerce_customers', args: (ids) => ({ ConnectionId: ids.connection }) },
    { tool: 'update_ecommerce_customer', args: (ids) => ({ EcommerceCustomerId: ids.customer, AcceptsMarketing: 1 }) },
    { tool: 'create_ecommerce_order', args: (ids) => ({ ExternalId: `order-${suffix}`, Email: email, TotalPrice: 4900,
      Currency: 'USD', ConnectionId: ids.connection, CustomerId: ids.customer,
      ExternalCreatedDate: '2026-11-02T10:15:00-06:00' }),
    keep: 'order', undo: (id) => ['delete_ecommerce_order', { OrderId: id }] },
    { tool: 'get_ecommerce_order', args: (ids) => ({ OrderId: ids.order }) },
    { tool: 'get_ecommerce_orders', args: (ids) => ({ CustomerId: ids.customer }) },
    { tool: 'update_ecommerce_order', args: (ids) => ({ OrderId: ids.order, TotalPrice: 5900 }) },
    { tool: 'get_ecommerce_order_products_by_order_id', args: () => ({ OrderId: 1 }) },
    { tool: 'get_ecommerce_order_products', args: () => ({}) },
    { tool: 'get_ecommerce_order_product_by_product_id', args: () => ({ ProductId: 1 }) },

    // The deletes, newest record first (a deal's notes go with it).
    { tool: 'delete_ecommerce_order', args: (ids) => ({ OrderId: ids.order }), settles: 'order' },
    { tool: 'delete_ecommerce_customer', args: (ids) => ({ EcommerceCustomerId: ids.customer }), settles: 'customer' },
    { tool: 'delete_connection', args: (ids) => ({ ConnectionId: ids.connection }), settles: 'connection' },
    { tool: 'delete_deal', args: (ids) => ({ DealId: ids.deal }), settles: 'deal' },
    { tool: 'delete_stage', args: (ids) => ({ StageId: ids.stage }), settles: 'stage' },
    { tool: 'delete_pipeline', args: (ids) => ({ PipelineId: ids.pipeline }), settles: 'pipeline' },
    { tool: 'delete_account', args: (ids) => ({ AccountId: ids.account }), settles: 'account' },
    { tool: 'delete_tag', args: (ids) => ({ TagId: ids.tag }), settles: 'tag' },
    { tool: 'delete_list', args: (ids) => ({ ListId: ids.list }), settles: 'list' },
    { tool: 'delete_contact', args: (ids) => ({ ContactId: ids.contact }), settles: 'contact' },
  ];
}

// Runs every step through `call(name, args)` (which resolves to the CallToolResult) and asserts
// each one is a success envelope. With `tools` (the tools/list answer), also asserts that the plan
// calls exactly the listed tools and that every one of them succeeded. Whatever a failed step left
// behind is deleted afterwards, newest first, through `cleanupCall` (default `call`); failures of
// that best-effort cleanup are ignored so the step's own failure is what gets reported.
// Resolves to the names of the tools that were called and succeeded.
export async function runPlan(call, { tools, suffix = uniqueSuffix(), cleanupCall = call } = {}) {
  const steps = plan(suffix);
  if (tools) {
    const listed = new Set(tools.map((tool) => tool.name));
    const planned = new Set(steps.map((step) => step.tool));
    assert.deepEqual([...listed].filter((name) => !planned.has(name)), [], 'listed tools the test does not call');
    assert.deepEqual([...planned].filter((name) => !listed.has(name)), [], 'tools the test calls that are not listed');
  }

  const ids = {};
  const undo = new Map();  // record name -> [tool, args] that deletes it
  const called = new Set();
  try {
    for (const step of steps) {
      const args = step.args(ids);
      let result;
      try {
        result = await call(step.tool, args);
      } catch (error) {
        assert.fail(`${step.tool} ${JSON.stringify(args)} threw: ${error.message}`);
      }
      let data;
      try {
        data = assertSuccess(result);
      } catch (error) {
        assert.fail(`${step.tool} ${JSON.stringify(args)}: ${error.message}\n${JSON.stringify(result?.structuredContent)?.slice(0, 600)}`);
      }
      called.add(step.tool);
      if (step.keep) {
        ids[step.keep] = recordId(data);
        if (step.undo) undo.set(step.keep, step.undo(ids[step.keep]));
      }
      if (step.settles) undo.delete(step.settles);
    }
    if (tools) assert.equal(called.size, tools.length, 'every listed tool was called and succeeded');
  } finally {
    for (const [tool, args] of [...undo.values()].reverse()) {
      try {
        await cleanupCall(tool, args);
      } catch {
        // keep deleting the rest
      }
    }
  }
  return called;
}
