// The conformance suite against the Streamable HTTP endpoint as a 2025-06-18 client and in
// --stateless mode (conformance.test.mjs has the 2025-11-25 run of every required scenario).
import { describe } from 'node:test';

import { conformanceRun } from './conformance-harness.mjs';

// 2025-06-18 clients are still served; the scenarios that exist for that version.
describe('conformance suite against the Streamable HTTP endpoint (protocol 2025-06-18)', () => {
  conformanceRun({
    scenarios: ['server-initialize', 'server-session-lifecycle', 'ping', 'logging-set-level', 'tools-list'],
    specVersion: '2025-06-18',
  });
});

// Behind a load balancer: no sessions, every request self-contained. server-session-lifecycle
// and server-sse-multiple-streams need a session id, so the suite only notes that there is none.
describe('conformance suite against the Streamable HTTP endpoint in --stateless mode', () => {
  conformanceRun({
    scenarios: ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'dns-rebinding-protection'],
    serverArgs: ['--sandbox', '--stateless'],
  });
});
