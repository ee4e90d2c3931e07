// Replays every 2xx response example of ActiveCampaign's OpenAPI (tests/data/openapi-examples.json,
// extracted by tools/extract-openapi-examples.mjs) through the tools that read its endpoint, as
// the upstream answer: a fake ActiveCampaign on a loopback port answers each request with the
// example of its endpoint, the real binary talks to it, and the official MCP TypeScript SDK
// client calls every tool. Each structuredContent is validated twice against the tool's
// outputSchema: by the SDK client (ajv, as it always does; it throws on a mismatch) and here with
// ajv's JSON Schema 2020-12 validator and ajv-formats. Once with --result-format full (records as
// ActiveCampaign sent them, nulls and links included) and once with the default (compact).
//
// Which endpoints a tool reads comes from its upstream row or steps in schemas/*.json. A tool
// that reads several endpoints is called in rounds, round r serving each endpoint its example
// r (modulo its count), then once more for any example a round did not reach (a lookup that
// failed first, say), so that every example of every endpoint reaches every tool that reads it;
// the test checks that it did. An example that is not valid JSON is replayed as published (the
// tool must still answer a valid envelope, an error one) and, where the generator knows the slip,
// repaired. Error envelopes are fine here as long as they validate; every call that did not end
// with StatusCode 200 and an empty ErrorMessage is listed in the test's diagnostics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

import { callTool, connectStdio, disconnect } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const TOKEN = 'test';

const EXAMPLES = JSON.parse(readFileSync(join(root, 'tests', 'data', 'openapi-examples.json'), 'utf8'));

// tool name -> ["METHOD /path/{Arg}", ...]: the endpoints its upstream row or steps call.
function toolEndpointsFromSchemas() {
  const byTool = new Map();
  const dir = join(root, 'schemas');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    for (const tool of JSON.parse(readFileSync(join(dir, file), 'utf8')).tools) {
      const rows = tool.upstream ? [tool.upstream] : Object.values(tool.steps ?? {});
      byTool.set(tool.name, [...new Set(rows.map((row) => `${row.method.toUpperCase()} ${row.path}`))]);
    }
  }
  return byTool;
}

const segmentsOf = (path) => path.split('/').filter(Boolean);
const isPlaceholder = (segment) => segment.startsWith('{') && segment.endsWith('}');

// One endpoint of the fake upstream: the OpenAPI key, what it matches, and what it may answer.
// `variants` is empty for an endpoint the OpenAPI does not document.
function endpointTable() {
  const table = [];
  for (const [key, { examples }] of Object.entries(EXAMPLES.endpoints)) {
    const [method, path] = key.split(' ');
    const variants = [];
    for (const example of examples) {
      if (example.json === false) {
        variants.push({ label: `"${example.name}" as published (not JSON)`, status: example.status,
          text: example.text });
        if (example.repaired !== undefined) {
          variants.push({ label: `"${example.name}" repaired`, status: example.status, text: example.repaired });
        }
      } else {
        variants.push({ label: `"${example.name}"`, status: example.status, text: example.text });
      }
    }
    table.push({ key, method, segments: segmentsOf(path), variants });
  }
  for (const endpoint of EXAMPLES.undocumented) {
    const [method, path] = endpoint.split(' ');
    table.push({ key: endpoint, method, segments: segmentsOf(path), variants: [] });
  }
  return table;
}

// The table entry for a request "METHOD /path": the same literal segments, a placeholder
// matching any one segment; the most literal match wins.
function matchEndpoint(table, method, path) {
  const wanted = segmentsOf(path);
  let best;
  let bestLiterals = -1;
  for (const endpoint of table) {
    if (endpoint.method !== method || endpoint.segments.length !== wanted.length) continue;
    const matches = endpoint.segments.every((segment, i) => isPlaceholder(segment) || segment === wanted[i]);
    const literals = endpoint.segments.filter((segment) => !isPlaceholder(segment)).length;
    if (matches && literals > bestLiterals) {
      best = endpoint;
      bestLiterals = literals;
    }
  }
  return best;
}

// For our templates, a placeholder must meet a placeholder (not a literal such as "sync").
function matchTemplate(table, method, template) {
  const wanted = segmentsOf(template);
  return table.find((endpoint) => endpoint.method === method &&
    endpoint.segments.length === wanted.length &&
    endpoint.segments.every((segment, i) =>
      (isPlaceholder(segment) ? isPlaceholder(wanted[i]) : segment === wanted[i])));
}

// The fake ActiveCampaign: answers each request with the planned variant of its endpoint.
class FakeUpstream {
  constructor(table) {
    this.table = table;
    this.plan = new Map();  // endpoint key -> variant index
    this.tool = undefined;  // the tool being called, for the record
    this.served = [];       // {tool, key, variant} of every answered request
    this.unexpected = [];   // requests that matched no endpoint, or lacked the token
    this.server = createServer((request, response) => this.answer(request, response));
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }

  answer(request, response) {
    request.resume();
    request.on('end', () => {
      const url = new URL(request.url, 'http://upstream');
      const path = url.pathname.replace(/^\/api\/3(?=\/)/, '');
      const send = (status, text) => {
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(text);
      };
      if (request.headers['api-token'] !== TOKEN) {
        this.unexpected.push(`${this.tool}: ${request.method} ${request.url} without Api-Token ${TOKEN}`);
      }
      const endpoint = matchEndpoint(this.table, request.method, path);
      if (!endpoint) {
        this.unexpected.push(`${this.tool}: ${request.method} ${request.url} is no endpoint with examples`);
        send(404, '{"message":"No Result found"}');
        return;
      }
      if (endpoint.variants.length === 0) {
        // Not in the OpenAPI: answer as an API without that route does.
        this.served.push({ tool: this.tool, key: endpoint.key, variant: -1 });
        send(405, '{"message":"Method Not Allowed"}');
        return;
      }
      const variant = (this.plan.get(endpoint.key) ?? 0) % endpoint.variants.length;
      this.served.push({ tool: this.tool, key: endpoint.key, variant });
      send(endpoint.variants[variant].status, endpoint.variants[variant].text);
    });
  }
}

// Valid arguments for each tool; several entries where the arguments choose which endpoints a
// multi-step tool reads (a lookup that finds the record, or one that does not and creates it).
// Values match the examples where a handler compares them (names, emails, external IDs).
const ARGUMENTS = {
  create_account_contact: [{ ContactId: 1, AccountId: 1, JobTitle: 'Buyer' }],
  delete_account_contact: [{ AssociationId: 1 }],
  get_many_account_contacts: [{}],
  get_account_contact: [{ AssociationId: 1 }],
  update_account_contact: [{ AssociationId: 1, ContactId: 1, AccountId: 1, JobTitle: 'Head buyer' }],
  create_account: [{ Name: 'Replay Account' }, { Name: 'First Example Account' }],
  delete_account: [{ AccountId: 1 }],
  get_many_accounts: [{}],
  get_account: [{ AccountId: 1 }],
  update_account: [{ AccountId: 1, Name: 'Renamed Account' }],
  create_connection: [
    { Service: 'replay', ExternalId: 'replay.example.com', Name: 'Replay', LogoUrl: 'https://replay.example.com/logo.png',
      LinkUrl: 'https://replay.example.com' },
    { Service: 'shopify', ExternalId: 'foo.myshopify.com', Name: 'Foo, Inc.', LogoUrl: '', LinkUrl: '' },
  ],
  delete_connection: [{ ConnectionId: 1 }],
  get_many_connections: [{}],
  get_connection: [{ ConnectionId: 1 }],
  update_connection: [{ ConnectionId: 1, Service: 'shopify', ExternalId: 'foo.myshopify.com', Name: 'Foo, Inc.' }],
  add_contact_to_list: [{ ContactId: 1, ListId: 1 }],
  remove_contact_from_list: [{ ContactId: 19, ListId: 1 }],
  add_contact_tag: [{ ContactId: 1, TagId: 1 }],
  remove_contact_tag: [{ ContactTagId: 1 }],
  create_contact: [
    { Email: 'johndoe@example.com', FirstName: 'John', LastName: 'Doe' },
    { AllowNullEmail: true, Phone: '+15555550100' },
  ],
  delete_contact: [{ ContactId: 1 }],
  get_many_contacts: [{}],
  get_contact: [{ ContactId: 1 }],
  update_contact: [{ ContactId: 1, FirstName: 'Jane' }],
  create_deal_note: [{ DealId: 1, NoteText: 'Called, left a message.' }],
  update_deal_note: [{ NoteId: 1, DealId: 1, NoteText: 'Called twice.' }],
  create_deal: [{ Title: 'Replay deal', ContactId: 1, Value: 10000, Currency: 'usd', StageId: 1, PipelineId: 1 }],
  delete_deal: [{ DealId: 1 }],
  get_many_deals: [{}],
  get_deal: [{ DealId: 1 }],
  update_deal: [{ DealId: 1, Title: 'Renamed deal' }],
  create_ecommerce_customer: [{ Email: 'alice@example.com', ConnectionId: 1, ExternalId: '56789' }],
  delete_ecommerce_customer: [{ EcommerceCustomerId: 1 }],
  get_ecommerce_customers: [{}, { Search: 'alice' }],
  get_ecommerce_customer: [{ EcommerceCustomerId: 1 }, { Email: 'alice@example.com' }],
  update_ecommerce_customer: [{ EcommerceCustomerId: 1, AcceptsMarketing: 1 }],
  get_ecommerce_order_product_by_product_id: [{ ProductId: 1 }],
  get_ecommerce_order_products: [{}],
  get_ecommerce_order_products_by_order_id: [{ OrderId: 1 }],
  create_ecommerce_order: [{ ExternalId: '3246315234', Email: 'alice@example.com', TotalPrice: 9111, Currency: 'USD',
    ConnectionId: 1, CustomerId: 1, ExternalCreatedDate: '2016-09-13T17:41:39-04:00' }],
  delete_ecommerce_order: [{ OrderId: 1 }],
  get_ecommerce_orders: [{}, { ExternalId: '56789' }],
  get_ecommerce_order: [{ OrderId: 1 }],
  update_ecommerce_order: [{ OrderId: 1, TotalPrice: 9999 }],
  create_list: [
    { Name: 'Replay List', StringId: 'replay-list', SenderUrl: 'https://example.com', SenderReminder: 'You signed up.' },
    { Name: 'Email Subscription', StringId: 'email-subscription', SenderUrl: 'http://www.ilankreimont.com',
      SenderReminder: 'You signed up for my mailing list.' },
  ],
  delete_list: [{ ListId: 1 }],
  get_many_lists: [{}],
  get_list: [{ ListId: 1 }],
  create_pipeline: [{ Title: 'Qualifications', Currency: 'eur' }],
  delete_pipeline: [{ PipelineId: 1 }],
  get_many_pipelines: [{}],
  get_pipeline: [{ PipelineId: 1 }],
  update_pipeline: [{ PipelineId: 1, Title: 'Renamed pipeline' }],
  create_stage: [{ Title: 'Initial Contact', PipelineId: 1 }],
  delete_stage: [{ StageId: 1 }],
  get_many_stages: [{}],
  get_stage: [{ StageId: 1 }],
  update_stage: [{ StageId: 1, Title: 'Renamed stage' }],
  create_tag: [{ Tag: 'replay-tag' }, { Tag: 'one' }],
  delete_tag: [{ TagId: 1 }],
  get_many_tags: [{}],
  get_tag: [{ TagId: 1 }],
  update_tag: [{ TagId: 1, TagName: 'renamed' }],
};

// The SDK's own validator, counting, and keeping what it was given: when the SDK throws on a
// mismatch, the structuredContent it rejected is still at hand for the report.
class RecordingValidator {
  constructor() {
    this.inner = new AjvJsonSchemaValidator();
    this.validated = 0;
    this.last = undefined;
  }

  getValidator(schema) {
    const validate = this.inner.getValidator(schema);
    return (input) => {
      this.validated += 1;
      this.last = input;
      return validate(input);
    };
  }
}

function newAjv2020() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

// "Contact.fieldValues[0].value must be string" from ajv's errors, with the value at fault.
function describeErrors(errors, data) {
  return errors.map((error) => {
    let value = data;
    for (const part of error.instancePath.split('/').slice(1)) {
      value = value?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    const where = error.instancePath || '(root)';
    const extra = error.keyword === 'additionalProperties' ? ` (${error.params.additionalProperty})` : '';
    return `${where} ${error.message}${extra}, is ${JSON.stringify(value)?.slice(0, 80)}`;
  });
}

// One replay against one server process; `args` are the binary's extra flags.
async function replay(t, label, args) {
  const table = endpointTable();
  const upstream = new FakeUpstream(table);
  await upstream.start();
  const validator = new RecordingValidator();
  const ajv = newAjv2020();
  let connection;
  const outcome = { calls: 0, ownValidations: 0, mismatches: [], notSuccess: [] };
  try {
    connection = await connectStdio({
      args,
      validator,
      env: {
        ACTIVECAMPAIGN_API_URL: upstream.url,
        ACTIVECAMPAIGN_API_TOKEN: TOKEN,
        ACTIVECAMPAIGN_MAX_RPS: '0',
      },
    });
    const { tools } = await connection.client.listTools();
    assert.ok(tools.length > 0, 'tools/list is empty');
    const endpointsByTool = toolEndpointsFromSchemas();
    const compiled = new Map();

    // Every listed tool: known endpoints (all with examples or undocumented) and arguments.
    for (const tool of tools) {
      assert.ok(tool.outputSchema, `${tool.name} has no outputSchema`);
      assert.ok(ARGUMENTS[tool.name], `no replay arguments for ${tool.name}: add them to ARGUMENTS`);
      const endpoints = endpointsByTool.get(tool.name);
      assert.ok(endpoints?.length > 0, `${tool.name} has no upstream row or steps in schemas/*.json`);
      for (const endpoint of endpoints) {
        const [method, path] = endpoint.split(' ');
        assert.ok(matchTemplate(table, method, path),
          `${tool.name} calls ${endpoint}, which tests/data/openapi-examples.json lacks: run tools/extract-openapi-examples.mjs`);
      }
      compiled.set(tool.name, ajv.compile(tool.outputSchema));
    }

    const call = async (tool, toolArgs, plan) => {
      upstream.tool = tool.name;
      upstream.plan = plan;
      const servedBefore = upstream.served.length;
      validator.last = undefined;
      outcome.calls += 1;
      let result;
      let sdkError;
      try {
        result = await callTool(connection.client, tool.name, toolArgs);
      } catch (error) {
        sdkError = error;
      }
      const served = upstream.served.slice(servedBefore).map(({ key, variant }) => {
        const endpoint = table.find((entry) => entry.key === key);
        return variant < 0 ? `${key}: no example (405)` : `${key}: ${endpoint.variants[variant].label}`;
      });
      const content = result?.structuredContent ?? validator.last;
      const context = `${tool.name} ${JSON.stringify(toolArgs)} <- ${served.join(' | ') || 'no upstream request'}`;
      if (sdkError && content === undefined) {
        outcome.mismatches.push(`${context}\n    the SDK client threw before validating: ${sdkError.message}`);
        return;
      }
      assert.ok(content && typeof content === 'object', `${context}: no structuredContent`);
      const validate = compiled.get(tool.name);
      outcome.ownValidations += 1;
      if (!validate(content)) {
        outcome.mismatches.push(`${context}\n    ajv 2020: ${describeErrors(validate.errors, content).join('\n    ajv 2020: ')}` +
          (sdkError ? `\n    SDK client: ${sdkError.message}` : '\n    SDK client: accepted it'));
      } else if (sdkError) {
        outcome.mismatches.push(`${context}\n    ajv 2020 accepted it, the SDK client threw: ${sdkError.message}`);
      }
      if (content.StatusCode !== 200 || content.ErrorMessage !== '') {
        outcome.notSuccess.push(`${context}: StatusCode ${content.StatusCode}, ` +
          `OriginalStatusCode ${content.OriginalStatusCode}, ErrorMessage ${JSON.stringify(content.ErrorMessage)}`);
      }
    };

    for (const tool of [...tools].sort((a, b) => a.name.localeCompare(b.name))) {
      const endpoints = endpointsByTool.get(tool.name)
        .map((endpoint) => matchTemplate(table, ...endpoint.split(' ')))
        .filter((endpoint, i, all) => all.indexOf(endpoint) === i);
      const withExamples = endpoints.filter((endpoint) => endpoint.variants.length > 0);
      const rounds = Math.max(1, ...withExamples.map((endpoint) => endpoint.variants.length));
      for (const toolArgs of ARGUMENTS[tool.name]) {
        for (let round = 0; round < rounds; round += 1) {
          await call(tool, toolArgs, new Map(withExamples.map((endpoint) => [endpoint.key, round])));
        }
      }
      // Examples no round reached (an earlier step failed on the example it got): once more,
      // with that example and, for the other endpoints, the first one that parses.
      const reached = (endpoint, variant) => upstream.served.some((hit) =>
        hit.tool === tool.name && hit.key === endpoint.key && hit.variant === variant);
      const parses = (variant) => { try { JSON.parse(variant.text); return true; } catch { return false; } };
      for (const endpoint of withExamples) {
        for (let variant = 0; variant < endpoint.variants.length; variant += 1) {
          if (reached(endpoint, variant)) continue;
          const plan = new Map(withExamples.map((other) =>
            [other.key, Math.max(0, other.variants.findIndex(parses))]));
          plan.set(endpoint.key, variant);
          for (const toolArgs of ARGUMENTS[tool.name]) {
            if (!reached(endpoint, variant)) await call(tool, toolArgs, plan);
          }
        }
      }
    }

    // Every example of every endpoint went through every listed tool that reads it.
    const missing = [];
    for (const tool of tools) {
      for (const endpoint of endpointsByTool.get(tool.name)) {
        const entry = matchTemplate(table, ...endpoint.split(' '));
        entry.variants.forEach((variant, index) => {
          if (!upstream.served.some((hit) => hit.tool === tool.name && hit.key === entry.key && hit.variant === index)) {
            missing.push(`${tool.name}: ${entry.key} ${variant.label}`);
          }
        });
      }
    }

    for (const line of outcome.notSuccess) t.diagnostic(`${label}: not a success: ${line}`);
    t.diagnostic(`${label}: ${outcome.calls} calls of ${tools.length} tools, ${upstream.served.length} upstream answers, ` +
      `${validator.validated} SDK validations, ${outcome.ownValidations} ajv 2020 validations, ` +
      `${outcome.mismatches.length} mismatches, ${outcome.notSuccess.length} not successes`);

    assert.deepEqual(upstream.unexpected, [], 'requests the fake upstream could not answer');
    assert.deepEqual(missing, [], 'examples never replayed through a tool that reads them');
    // Every call's structuredContent went through both validators: none can pass vacuously.
    const totalVariants = table.reduce((sum, endpoint) => sum + endpoint.variants.length, 0);
    assert.ok(outcome.calls >= tools.length && outcome.calls >= totalVariants,
      `${outcome.calls} calls for ${tools.length} tools and ${totalVariants} examples`);
    assert.equal(outcome.ownValidations, outcome.calls, 'every call validated with ajv 2020');
    assert.equal(validator.validated, outcome.calls, 'every call validated by the SDK client');
    assert.deepEqual(outcome.mismatches, [], `structuredContent that does not match the outputSchema (${label})`);
  } finally {
    await disconnect(connection);
    await upstream.stop();
  }
}

describe('OpenAPI response examples replayed through every tool', { timeout: 120_000 }, () => {
  it('validates every result with --result-format full', async (t) => {
    await replay(t, 'full', ['--result-format', 'full']);
  });

  it('validates every result with the default (compact) result format', async (t) => {
    await replay(t, 'compact', []);
  });
});
