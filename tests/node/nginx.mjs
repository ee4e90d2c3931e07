// nginx (Debian's nginx-light) as a round-robin load balancer in front of MCP servers, run from a
// throwaway prefix so it needs no system configuration and leaves nothing behind.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

import { freePort } from './harness.mjs';

export const NGINX = '/usr/sbin/nginx';

const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

// nginx started with detached: true leads its own process group (master and worker), so one
// signal to the group reaches both; a master killed alone would leave its worker listening.
const liveGroups = new Set();
process.on('exit', () => {
  for (const pid of liveGroups) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

// nginx writes its pid file after it has bound its listening socket. Waiting for it, rather than
// for the port to accept connections, cannot mistake a process that took the port in between
// for nginx (that nginx exits with "Address already in use" instead).
function pidFileWritten(prefix, pid) {
  try {
    return Number(readFileSync(join(prefix, 'nginx.pid'), 'utf8').trim()) === pid;
  } catch {
    return false;
  }
}

// One request per upstream connection (no `keepalive` in the upstream block), so round robin
// picks a server for every request, never for a connection. `proxy_next_upstream off`: a request
// that fails on one server is answered with that failure instead of being retried on the other,
// so the log shows exactly one server per request. Host is passed through because the servers
// accept only loopback Host headers (DNS-rebinding protection), and nginx would send "mcp".
// proxy_buffering off streams SSE answers (progress) as they come. One worker process: each
// worker keeps its own round-robin position, so with more, two requests in a row could both go
// to the same server.
function config(prefix, port, upstreams) {
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
lock_file ${prefix}/nginx.lock;
error_log stderr warn;
events { worker_connections 64; }
http {
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  access_log off;
  log_format replicas '$request_method|$status|$upstream_addr|$upstream_status|$http_mcp_method|$http_mcp_name|$upstream_http_mcp_session_id';
  upstream mcp {
${upstreams.map((address) => `    server ${address};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location /mcp {
      proxy_pass http://mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_next_upstream off;
      access_log ${prefix}/access.log replicas;
    }
  }
}
`;
}

// Starts nginx balancing /mcp over `upstreams` ("127.0.0.1:PORT" each); resolves once it listens,
// to { url, upstreams, stderr() (nginx's error log), accessLog(), stop() }.
export async function startNginx(upstreams) {
  assert.ok(existsSync(NGINX),
    `${NGINX} is missing: install Debian's nginx-light (tools/install-deps.sh test installs it)`);
  const prefix = mkdtempSync(join(tmpdir(), 'acmcp-nginx-'));
  // When the tests run as root, nginx's worker runs as "nobody" and must reach its temp dirs.
  chmodSync(prefix, 0o755);
  let lastError;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    writeFileSync(join(prefix, 'nginx.conf'), config(prefix, port, upstreams));
    try {
      const nginx = await launch(prefix, port);
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        upstreams,
        stderr: () => nginx.stderr,
        accessLog: () => parseAccessLog(join(prefix, 'access.log')),
        stop: async () => {
          await stop(nginx);
          rmSync(prefix, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      if (!/Address already in use/.test(error.message)) break;
    }
  }
  rmSync(prefix, { recursive: true, force: true });
  throw lastError;
}

function launch(prefix, port) {
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const nginx = {
    child,
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  liveGroups.add(child.pid);
  nginx.exited.then(() => liveGroups.delete(child.pid));
  child.stderr.on('data', (chunk) => { nginx.stderr += chunk.toString(); });
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        stop(nginx).then(() => reject(error));
      } else {
        resolve(nginx);
      }
    };
    const timer = setTimeout(() => finish(new Error(
      `nginx did not listen on port ${port} within ${START_TIMEOUT_MS} ms\nstderr: ${nginx.stderr}`)),
    START_TIMEOUT_MS);
    child.once('error', (error) => finish(error));
    nginx.exited.then(({ code, signal }) => finish(new Error(
      `nginx exited (${code ?? signal}) while starting\nstderr: ${nginx.stderr}`)));
    (async () => {
      while (!done) {
        if (pidFileWritten(prefix, child.pid)) { finish(); return; }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  });
}

// SIGQUIT lets nginx finish open requests; SIGKILL to the whole group if that takes too long.
async function stop(nginx) {
  if (nginx.child.exitCode !== null || nginx.child.signalCode !== null) return nginx.exited;
  try { process.kill(-nginx.child.pid, 'SIGQUIT'); } catch { /* already gone */ }
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      try { process.kill(-nginx.child.pid, 'SIGKILL'); } catch { /* already gone */ }
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  await Promise.race([nginx.exited, killed]);
  clearTimeout(timer);
  return nginx.exited;
}

// One entry per proxied request, in the order nginx finished them:
// { method, status, upstream, upstreamStatus, mcpMethod, mcpName, sessionId } (the request's
// Mcp-Method and Mcp-Name headers, the server's Mcp-Session-Id; "-" when nginx had no value;
// upstream lists every server tried, comma-separated, so a retry would show).
function parseAccessLog(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [method, status, upstream, upstreamStatus, mcpMethod, mcpName, sessionId] = line.split('|');
    return { method, status: Number(status), upstream, upstreamStatus, mcpMethod, mcpName, sessionId };
  });
}
