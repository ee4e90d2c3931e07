// Three multi-resource journeys an agent takes through the sandbox over stdio (accounts, deals,
// ecommerce), driven by the official MCP TypeScript SDK client, which validates every result
// against the tool's outputSchema. Each journey creates its own records and deletes them even if
// a step fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { assertSuccess, callTool, connectStdio, CountingValidator, disconnect } from './harness.mjs';

// A journey takes about a second; each call is bounded by REQUEST_TIMEOUT_MS and the whole by
// this. A clean-up call gets less time: if the server hangs, the journey has failed anyway.
const JOURNEY_TIMEOUT_MS = 30_000;
const CLEANUP_CALL_TIMEOUT_MS = 2_000;

// Distinguishes this run's records from anything else in the store (names, emails, external IDs).
function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

// One server process and the calls made to it, with the deletes still owed. `undo` holds, per
// record, the call that deletes it; the journey settles each one as it deletes the record, and
// cleanUp() makes whichever remain (newest first) when a step failed before reaching them.
class Journey {
  constructor() {
    this.validator = new CountingValidator();
    this.calls = 0;
    this.undo = new Map();
  }

  // The client-side rate limit (5 requests a second by default, as ActiveCampaign allows) is
  // lifted: it has its own tests, and here it would only stretch each journey to seconds.
  async start() {
    this.connection = await connectStdio({ validator: this.validator, env: { ACTIVECAMPAIGN_MAX_RPS: '0' } });
    await this.connection.client.listTools();
  }

  async call(name, args) {
    this.calls += 1;
    return callTool(this.connection.client, name, args);
  }

  // A call that must succeed; answers its business data.
  async step(name, args) {
    return assertSuccess(await this.call(name, args));
  }

  // A call that must find nothing: the upstream answered 404, reported as an error envelope.
  async expectNotFound(name, args) {
    const result = await this.call(name, args);
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should fail`);
    assert.equal(result.structuredContent.StatusCode, 200);
    assert.equal(result.structuredContent.OriginalStatusCode, 404);
    assert.match(result.structuredContent.ErrorMessage, /not found/i);
    return result;
  }

  owe(record, tool, args) {
    this.undo.set(record, { tool, args });
  }

  // Deletes a record as a journey step (it must succeed) and settles the debt.
  async remove(record) {
    const { tool, args } = this.undo.get(record);
    this.undo.delete(record);
    return this.step(tool, args);
  }

  // Best effort: the journey has already failed when anything is left here, and that failure is
  // the one to report.
  async cleanUp() {
    for (const { tool, args } of [...this.undo.values()].reverse()) {
      try {
        await this.connection.client.callTool({ name: tool, arguments: args }, undefined,
          { timeout: CLEANUP_CALL_TIMEOUT_MS });
      } catch {
        // keep deleting the rest
      }
    }
    this.undo.clear();
    await disconnect(this.connection);
  }

  assertEveryResultValidated() {
    assert.equal(this.validator.validated, this.calls);
    assert.equal(this.validator.rejected, 0);
  }
}

// Runs a journey on its own server process and always cleans up after it.
async function runJourney(body) {
  const journey = new Journey();
  await journey.start();
  try {
    await body(journey);
    assert.equal(journey.undo.size, 0, `records left undeleted: ${[...journey.undo.keys()]}`);
    journey.assertEveryResultValidated();
  } finally {
    await journey.cleanUp();
  }
}

// Every account contact, page by page, as an agent pages with HasMore (the tool has no filter).
async function allAccountContacts(journey) {
  const found = [];
  for (let offset = 0; ; offset += 100) {
    const page = await journey.step('get_many_account_contacts', { Limit: 100, Offset: offset });
    assert.equal(page.Limit, 100);
    assert.equal(page.Offset, offset);
    found.push(...page.AccountContacts);
    if (!page.HasMore) {
      assert.equal(found.length, page.Total);
      return found;
    }
  }
}

describe('multi-resource journeys through the sandbox', () => {
  it('links a contact to an account, changes the job title and unlinks them', { timeout: JOURNEY_TIMEOUT_MS }, () =>
    runJourney(async (journey) => {
      const suffix = uniqueSuffix();
      const email = `account.journey.${suffix}@example.com`;
      const accountName = `Journey Account ${suffix}`;
      const ids = {};

      const contact = await journey.step('create_contact',
        { Email: email, FirstName: 'Account', LastName: 'Journey' });
      ids.contact = Number(contact.contact.id);
      journey.owe('contact', 'delete_contact', { ContactId: ids.contact });
      assert.ok(ids.contact >= 1);
      assert.equal(contact.contact.email, email);

      const account = await journey.step('create_account',
        { Name: accountName, AccountUrl: 'https://journey.example.com' });
      ids.account = Number(account.id);
      journey.owe('account', 'delete_account', { AccountId: ids.account });
      assert.ok(ids.account >= 1);
      assert.equal(account.name, accountName);
      assert.equal(account.accountUrl, 'https://journey.example.com');

      const link = await journey.step('create_account_contact',
        { ContactId: ids.contact, AccountId: ids.account, JobTitle: 'Buyer' });
      ids.link = Number(link.id);
      journey.owe('link', 'delete_account_contact', { AssociationId: ids.link });
      assert.ok(ids.link >= 1);
      assert.equal(Number(link.contact), ids.contact);
      assert.equal(Number(link.account), ids.account);
      assert.equal(link.jobTitle, 'Buyer');

      const ofAccount = (await allAccountContacts(journey)).filter((each) => Number(each.account) === ids.account);
      assert.equal(ofAccount.length, 1);
      assert.equal(Number(ofAccount[0].id), ids.link);
      assert.equal(Number(ofAccount[0].contact), ids.contact);
      assert.equal(ofAccount[0].jobTitle, 'Buyer');

      const updated = await journey.step('update_account_contact',
        { AssociationId: ids.link, ContactId: ids.contact, AccountId: ids.account, JobTitle: 'Head of Sales' });
      assert.equal(Number(updated.id), ids.link);
      assert.equal(Number(updated.contact), ids.contact);
      assert.equal(Number(updated.account), ids.account);
      assert.equal(updated.jobTitle, 'Head of Sales');

      const reread = await journey.step('get_account_contact', { AssociationId: ids.link });
      assert.equal(reread.jobTitle, 'Head of Sales');

      const fetched = await journey.step('get_account', { AccountId: ids.account });
      assert.equal(Number(fetched.id), ids.account);
      assert.equal(fetched.name, accountName);

      // The account list counts the account's contacts.
      const listed = await journey.step('get_many_accounts', { SearchName: suffix });
      assert.equal(listed.Total, 1);
      assert.equal(Number(listed.Accounts[0].id), ids.account);
      assert.equal(Number(listed.Accounts[0].contactCount), 1);

      const unlinked = await journey.remove('link');
      assert.equal(unlinked.deleted, true);
      await journey.expectNotFound('get_account_contact', { AssociationId: ids.link });
      // Unlinking leaves both sides in place.
      await journey.step('get_contact', { ContactId: ids.contact });
      await journey.step('get_account', { AccountId: ids.account });

      const deletedAccount = await journey.remove('account');
      assert.equal(deletedAccount.deleted, true);
      assert.equal(Number(deletedAccount.accountId), ids.account);
      await journey.expectNotFound('get_account', { AccountId: ids.account });

      const deletedContact = await journey.remove('contact');
      assert.equal(deletedContact.deleted, true);
      await journey.expectNotFound('get_contact', { ContactId: ids.contact });
    }));

  it('moves a deal with a note through a new pipeline and stage, keeping its value on a title change',
    { timeout: JOURNEY_TIMEOUT_MS }, () =>
      runJourney(async (journey) => {
        const suffix = uniqueSuffix();
        const dealTitle = `Journey deal ${suffix}`;
        const renamedTitle = `Journey deal ${suffix} (renamed)`;
        const ids = {};

        const pipeline = await journey.step('create_pipeline',
          { Title: `Journey pipeline ${suffix}`, Currency: 'USD' });
        ids.pipeline = Number(pipeline.id);
        journey.owe('pipeline', 'delete_pipeline', { PipelineId: ids.pipeline });
        assert.ok(ids.pipeline >= 1);
        assert.equal(pipeline.currency, 'usd');

        const stage = await journey.step('create_stage',
          { Title: `Journey stage ${suffix}`, PipelineId: ids.pipeline });
        ids.stage = Number(stage.id);
        journey.owe('stage', 'delete_stage', { StageId: ids.stage });
        assert.ok(ids.stage >= 1);
        assert.equal(Number(stage.group), ids.pipeline);

        const contact = await journey.step('create_contact',
          { Email: `deal.journey.${suffix}@example.com`, FirstName: 'Deal', LastName: 'Journey' });
        ids.contact = Number(contact.contact.id);
        journey.owe('contact', 'delete_contact', { ContactId: ids.contact });

        // 45678 cents = $456.78; the server sends it as given.
        const deal = await journey.step('create_deal', {
          Title: dealTitle, ContactId: ids.contact, Value: 45678, Currency: 'USD',
          PipelineId: ids.pipeline, StageId: ids.stage,
        });
        ids.deal = Number(deal.id);
        journey.owe('deal', 'delete_deal', { DealId: ids.deal });
        assert.ok(ids.deal >= 1);
        assert.equal(deal.title, dealTitle);
        assert.equal(Number(deal.value), 45678);
        assert.equal(deal.currency, 'usd');
        assert.equal(Number(deal.group), ids.pipeline);
        assert.equal(Number(deal.pipeline), ids.pipeline);
        assert.equal(Number(deal.stage), ids.stage);
        assert.equal(Number(deal.contact), ids.contact);

        const note = await journey.step('create_deal_note',
          { DealId: ids.deal, NoteText: `[${suffix}] Call back on Monday` });
        ids.note = Number(note.id);
        assert.ok(ids.note >= 1);
        assert.equal(note.note, `[${suffix}] Call back on Monday`);
        assert.equal(Number(note.relid), ids.deal);

        const editedNote = await journey.step('update_deal_note',
          { NoteId: ids.note, DealId: ids.deal, NoteText: `[${suffix}] Called; sending the proposal` });
        assert.equal(Number(editedNote.id), ids.note);
        assert.equal(editedNote.note, `[${suffix}] Called; sending the proposal`);
        assert.equal(Number(editedNote.relid), ids.deal);

        // Only the title is given: merge-before-put must carry value, currency, pipeline and stage over.
        const renamed = await journey.step('update_deal', { DealId: ids.deal, Title: renamedTitle });
        assert.equal(renamed.title, renamedTitle);
        assert.equal(Number(renamed.value), 45678);

        const fetched = await journey.step('get_deal', { DealId: ids.deal });
        assert.equal(fetched.title, renamedTitle);
        assert.equal(Number(fetched.value), 45678);
        assert.equal(fetched.currency, 'usd');
        assert.equal(Number(fetched.group), ids.pipeline);
        assert.equal(Number(fetched.stage), ids.stage);
        assert.equal(Number(fetched.contact), ids.contact);

        // The tool searches titles only; the pipeline and stage are checked on what it found.
        const search = await journey.step('get_many_deals', { Search: suffix });
        assert.equal(search.total, 1);
        const inStage = search.deals.filter(
          (each) => Number(each.group) === ids.pipeline && Number(each.stage) === ids.stage);
        assert.equal(inStage.length, 1);
        assert.equal(Number(inStage[0].id), ids.deal);
        assert.equal(inStage[0].title, renamedTitle);
        assert.equal(Number(inStage[0].value), 45678);

        const deletedDeal = await journey.remove('deal');
        assert.equal(deletedDeal.deleted, true);
        await journey.expectNotFound('get_deal', { DealId: ids.deal });

        const deletedStage = await journey.remove('stage');
        assert.equal(deletedStage.Deleted, true);
        await journey.expectNotFound('get_stage', { StageId: ids.stage });

        const deletedPipeline = await journey.remove('pipeline');
        assert.equal(deletedPipeline.Deleted, true);
        await journey.expectNotFound('get_pipeline', { PipelineId: ids.pipeline });

        const deletedContact = await journey.remove('contact');
        assert.equal(deletedContact.deleted, true);
        await journey.expectNotFound('get_contact', { ContactId: ids.contact });
      }));

  it('records an order of two products for a store customer and removes it again',
    { timeout: JOURNEY_TIMEOUT_MS }, () =>
      runJourney(async (journey) => {
        const suffix = uniqueSuffix();
        const email = `shop.journey.${suffix}@example.com`;
        const products = [
          { externalid: `PROD-A-${suffix}`, name: 'Pogo Stick', price: 4900, quantity: 1, category: 'Toys' },
          { externalid: `PROD-B-${suffix}`, name: 'Jump Rope', price: 1250, quantity: 3, sku: 'ROPE-3' },
        ];
        const ids = {};

        const connection = await journey.step('create_connection', {
          Service: 'Custom', ExternalId: `store-${suffix}`, Name: `Journey store ${suffix}`,
          LogoUrl: 'https://journey.example.com/logo.png', LinkUrl: 'https://journey.example.com/admin',
        });
        ids.connection = Number(connection.id);
        journey.owe('connection', 'delete_connection', { ConnectionId: ids.connection });
        assert.ok(ids.connection >= 1);
        assert.equal(connection.externalid, `store-${suffix}`);

        const customer = await journey.step('create_ecommerce_customer',
          { Email: email, ConnectionId: ids.connection, ExternalId: `cust-${suffix}` });
        ids.customer = Number(customer.id);
        journey.owe('customer', 'delete_ecommerce_customer', { EcommerceCustomerId: ids.customer });
        assert.ok(ids.customer >= 1);
        assert.equal(customer.email, email);
        assert.equal(Number(customer.connectionid), ids.connection);

        // 4900 + 3 x 1250 = 8650 cents.
        const order = await journey.step('create_ecommerce_order', {
          ExternalId: `order-${suffix}`, Email: email, TotalPrice: 8650, Currency: 'usd',
          ConnectionId: ids.connection, CustomerId: ids.customer, ExternalCreatedDate: '2026-03-19T10:00:00Z',
          AdditionalFields: { source: 0, orderProducts: products },
        });
        ids.order = Number(order.id);
        journey.owe('order', 'delete_ecommerce_order', { OrderId: ids.order });
        assert.ok(ids.order >= 1);
        assert.equal(order.externalid, `order-${suffix}`);
        assert.equal(Number(order.totalPrice), 8650);
        assert.equal(order.currency, 'USD');
        assert.equal(Number(order.customerid), ids.customer);

        const orders = await journey.step('get_ecommerce_orders', { CustomerId: ids.customer });
        assert.equal(orders.total, 1);
        assert.equal(orders.hasMore, false);
        assert.deepEqual(orders.orders.map((each) => Number(each.id)), [ids.order]);

        // The same customer found by its ID in the store.
        const byStoreId = await journey.step('get_ecommerce_orders', { ExternalId: `cust-${suffix}` });
        assert.deepEqual(byStoreId.orders.map((each) => Number(each.id)), [ids.order]);

        const lines = await journey.step('get_ecommerce_order_products_by_order_id', { OrderId: ids.order });
        assert.equal(lines.length, 2);
        const byName = new Map(lines.map((line) => [line.name, line]));
        for (const product of products) {
          const line = byName.get(product.name);
          assert.ok(line, `order products include ${product.name}`);
          assert.equal(Number(line.orderid), ids.order);
          assert.equal(Number(line.price), product.price);
          assert.equal(Number(line.quantity), product.quantity);
          assert.equal(line.externalid, product.externalid);
        }

        const rope = byName.get('Jump Rope');
        const line = await journey.step('get_ecommerce_order_product_by_product_id',
          { ProductId: Number(rope.id) });
        assert.equal(Number(line.id), Number(rope.id));
        assert.equal(line.name, 'Jump Rope');
        assert.equal(line.price, 1250);
        assert.equal(line.quantity, 3);
        assert.equal(line.sku, 'ROPE-3');
        assert.equal(Number(line.orderId), ids.order);
        assert.equal(line.productId, `PROD-B-${suffix}`);

        const deletedOrder = await journey.remove('order');
        assert.equal(deletedOrder.deleted, true);
        assert.equal(Number(deletedOrder.orderId), ids.order);
        await journey.expectNotFound('get_ecommerce_order', { OrderId: ids.order });
        await journey.expectNotFound('get_ecommerce_order_product_by_product_id',
          { ProductId: Number(rope.id) });

        const deletedCustomer = await journey.remove('customer');
        assert.equal(deletedCustomer.deleted, true);
        await journey.expectNotFound('get_ecommerce_customer', { EcommerceCustomerId: ids.customer });

        const deletedConnection = await journey.remove('connection');
        assert.equal(deletedConnection.deleted, true);
        await journey.expectNotFound('get_connection', { ConnectionId: ids.connection });
      }));
});
