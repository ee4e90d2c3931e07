#!/usr/bin/env node
// Extracts the 2xx response examples of ActiveCampaign's OpenAPI (API v3) for the endpoints our
// tools call, into tests/data/openapi-examples.json, which tests/node/openapi-replay.test.mjs
// replays through the tools as the upstream answer.
//
// Run by hand (nothing in the build or the tests runs it; the tests read only its output, so a
// plain clone needs neither the OpenAPI document nor this script), after the OpenAPI document or
// the endpoints in schemas/*.json change, and commit the result:
//
//   node tools/extract-openapi-examples.mjs [PATH/TO/activecampaign-openapi-v3.json]
//
// The default document is /work/shared/spec/activecampaign-openapi-v3.json. Any Node.js 18+.
//
// Which endpoints: every `upstream` row and every row of `steps` of every tool in schemas/*.json
// (method and path relative to /api/3, with {Argument} placeholders). A path matches the OpenAPI
// path template with the same literal segments, whatever the placeholders are called
// ("/contacts/{ContactId}" is "GET /contacts/{id}"). The output is keyed by the OpenAPI's method
// and path template; an endpoint the OpenAPI does not document is listed under "undocumented".
//
// Each example is kept as the text the OpenAPI gives (examples are JSON inside strings), so the
// replay sends exactly that. A few of them are not valid JSON (a missing comma or quote, a
// trailing comma, an array written with keys) or are empty; each is marked "json": false with
// the parser's complaint, and where REPAIRS below knows the slip, "repaired" holds the text with
// only that slip fixed, so the replay can check the real shapes as well. A repair that no longer
// applies (the document changed) stops the script rather than being skipped.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = process.argv[2] ?? '/work/shared/spec/activecampaign-openapi-v3.json';
const outputPath = join(root, 'tests', 'data', 'openapi-examples.json');

// Known slips in the examples, by endpoint and example name: each `from` must occur exactly
// `count` times (default 1) and is replaced by `to`; the result must parse.
const REPAIRS = {
  'GET /accounts': {
    Result: [
      { why: '"links" is written as an array holding key/value pairs; it is an object',
        from: '"links": [', to: '"links": {', count: 2 },
      { why: '(the same array\'s closing bracket)',
        from: '/accountContacts"],', to: '/accountContacts"},', count: 2 },
    ],
  },
  'POST /deals': {
    Result: [{ why: 'missing comma after "deal" before "dealStages"',
      from: '"customerAccount": 45\n    }\n  "dealStages"', to: '"customerAccount": 45\n    },\n  "dealStages"' }],
  },
  'PUT /deals/{id}': {
    Result: [{ why: 'missing comma after "deal" before "dealStages"',
      from: '"customerAccount": 45\n    }\n  "dealStages"', to: '"customerAccount": 45\n    },\n  "dealStages"' }],
  },
  'GET /deals/{id}': {
    'with pipeline permission': [{ why: 'missing opening quote of the "links.contact" value',
      from: '"contact":/api/3/deals/46/contact"', to: '"contact": "/api/3/deals/46/contact"' }],
  },
  'GET /ecomOrders': {
    Result: [{ why: 'trailing comma after the last order',
      from: '"id": "2"\n    },\n  ],', to: '"id": "2"\n    }\n  ],' }],
  },
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function segments(path) {
  return path.split('/').filter(Boolean);
}

function isPlaceholder(segment) {
  return segment.startsWith('{') && segment.endsWith('}');
}

// Same number of segments, the same literals, placeholders where the other has placeholders.
function samePathShape(a, b) {
  const x = segments(a);
  const y = segments(b);
  return x.length === y.length &&
    x.every((segment, i) => (isPlaceholder(segment) ? isPlaceholder(y[i]) : segment === y[i]));
}

function parseError(text) {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return text.trim() === '' ? 'empty body' : error.message.replace(/\s+/g, ' ');
  }
}

function repair(key, name, text) {
  const fixes = REPAIRS[key]?.[name];
  if (!fixes) return undefined;
  let repaired = text;
  for (const { from, to, count = 1 } of fixes) {
    const found = repaired.split(from).length - 1;
    if (found !== count) {
      throw new Error(`${key} example "${name}": repair expects ${count} of ${JSON.stringify(from)}, found ${found}`);
    }
    repaired = repaired.split(from).join(to);
  }
  const error = parseError(repaired);
  if (error) throw new Error(`${key} example "${name}" still does not parse after its repairs: ${error}`);
  return { text: repaired, why: fixes.map((fix) => fix.why) };
}

// The endpoints the tools call: "METHOD /path/{Arg}" from every upstream and steps row.
function toolEndpoints() {
  const endpoints = new Set();
  const schemaDir = join(root, 'schemas');
  for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.json')).sort()) {
    for (const tool of JSON.parse(readFileSync(join(schemaDir, file), 'utf8')).tools) {
      const rows = tool.upstream ? [tool.upstream] : Object.values(tool.steps ?? {});
      if (rows.length === 0) throw new Error(`${file}: tool ${tool.name} has neither upstream nor steps`);
      for (const row of rows) endpoints.add(`${row.method.toUpperCase()} ${row.path}`);
    }
  }
  return [...endpoints];
}

const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const output = {
  description: 'The 2xx response examples of ActiveCampaign\'s OpenAPI (API v3) for the endpoints the ' +
    'tools call, keyed by method and OpenAPI path template (relative to /api/3). Generated by ' +
    'tools/extract-openapi-examples.mjs; do not edit by hand. "text" is the example exactly as the ' +
    'OpenAPI gives it; "json": false marks one that does not parse, and "repaired" is that text ' +
    'with only the slips named in "repairs" fixed.',
  source: `ActiveCampaign API v3 OpenAPI document (openapi ${spec.openapi}, ${Object.keys(spec.paths).length} paths)`,
  endpoints: {},
  undocumented: [],
};
const applied = new Set();

for (const endpoint of toolEndpoints().sort()) {
  const [method, ourPath] = endpoint.split(' ');
  const matches = Object.keys(spec.paths).filter((path) =>
    samePathShape(path, ourPath) && spec.paths[path][method.toLowerCase()]);
  if (matches.length === 0) {
    output.undocumented.push(endpoint);
    continue;
  }
  if (matches.length > 1) throw new Error(`${endpoint} matches several OpenAPI paths: ${matches.join(', ')}`);
  const key = `${method} ${matches[0]}`;
  if (output.endpoints[key]) continue;  // two of our spellings of one endpoint
  const operation = spec.paths[matches[0]][method.toLowerCase()];
  const examples = [];
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (!/^2\d\d$/.test(status)) continue;
    for (const [contentType, content] of Object.entries(response.content ?? {})) {
      const named = Object.entries(content.examples ?? {}).map(([name, example]) => [name, example.value]);
      if ('example' in content) named.push(['example', content.example]);
      for (const [name, value] of named) {
        const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
        const example = { name, status: Number(status), contentType, text };
        const error = parseError(text);
        if (error) {
          example.json = false;
          example.parseError = error;
          const fixed = repair(key, name, text);
          if (fixed) {
            example.repaired = fixed.text;
            example.repairs = fixed.why;
            applied.add(`${key}\n${name}`);
          }
        }
        examples.push(example);
      }
    }
  }
  if (examples.length === 0) throw new Error(`${key} has no 2xx response example`);
  output.endpoints[key] = { operationId: operation.operationId, examples };
}

for (const [key, byName] of Object.entries(REPAIRS)) {
  for (const name of Object.keys(byName)) {
    if (!applied.has(`${key}\n${name}`)) {
      throw new Error(`the repair of ${key} example "${name}" was not used: the example parses now, or is gone`);
    }
  }
}
output.endpoints = Object.fromEntries(Object.entries(output.endpoints).sort(([a], [b]) => {
  const [ma, pa] = a.split(' ');
  const [mb, pb] = b.split(' ');
  return pa === pb ? ma.localeCompare(mb) : pa.localeCompare(pb);
}));

writeFileSync(outputPath, `${JSON.stringify(output, null, 2)}\n`);
const count = Object.values(output.endpoints).reduce((sum, { examples }) => sum + examples.length, 0);
console.log(`${relative(process.cwd(), outputPath)}: ${count} examples of ${Object.keys(output.endpoints).length} ` +
  `endpoints; not in the OpenAPI: ${output.undocumented.join(', ') || 'none'}`);
