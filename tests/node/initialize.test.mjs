// The initialize handshake as the official MCP TypeScript SDK client sees it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, disconnect, serverBinary } from './harness.mjs';

describe('initialize in --sandbox mode', () => {
  let connection;
  before(async () => { connection = await connectStdio(); });
  after(async () => { await disconnect(connection); });

  it('reports the server name and title', () => {
    const info = connection.client.getServerVersion();
    assert.equal(info.name, 'activecampaign-mcp');
    assert.equal(typeof info.title, 'string');
    assert.match(info.title, /ActiveCampaign/);
  });

  it('reports the same version as --version', () => {
    const printed = execFileSync(serverBinary(), ['--version'], { encoding: 'utf8' });
    const version = connection.client.getServerVersion().version;
    assert.match(version, /^\d+\.\d+\.\d+/);
    assert.ok(printed.includes(version), `--version printed ${JSON.stringify(printed)}, serverInfo says ${version}`);
  });

  it('declares the tools and logging capabilities', () => {
    const capabilities = connection.client.getServerCapabilities();
    assert.ok(capabilities.tools, 'tools capability');
    assert.ok(capabilities.logging, 'logging capability');
  });

  it('gives instructions that mention the sandbox', () => {
    const instructions = connection.client.getInstructions();
    assert.equal(typeof instructions, 'string');
    assert.match(instructions, /sandbox/i);
  });

  it('agrees on the protocol version the SDK asked for', () => {
    // The SDK offers its latest version; a server that supports it must answer with it.
    assert.ok(SUPPORTED_PROTOCOL_VERSIONS.includes(connection.protocolVersion),
      `negotiated ${connection.protocolVersion}`);
    assert.equal(connection.protocolVersion, LATEST_PROTOCOL_VERSION);
  });
});

describe('initialize against a configured account', () => {
  let connection;
  // Nothing is sent upstream during initialize, so an unreachable loopback URL is enough.
  before(async () => {
    connection = await connectStdio({
      args: [],
      env: { ACTIVECAMPAIGN_API_URL: 'http://127.0.0.1:9', ACTIVECAMPAIGN_API_TOKEN: 'not-a-real-token' },
    });
  });
  after(async () => { await disconnect(connection); });

  it('gives instructions that do not claim to be the sandbox', () => {
    const instructions = connection.client.getInstructions();
    assert.equal(typeof instructions, 'string');
    assert.ok(instructions.length > 0);
    assert.doesNotMatch(instructions, /sandbox/i);
  });

  it('never writes the token to stderr', () => {
    assert.ok(!connection.stderr.includes('not-a-real-token'));
  });
});
