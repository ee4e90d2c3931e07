// An ActiveCampaign API in front of the sandbox that holds the account to its documented limit
// (5 requests in any second, else 429 with Retry-After) and records when each request arrived, so
// a test can prove that replicas together kept to the limit. It runs in a process of its own: in
// the test's process, a busy event loop (a hundred calls in flight) would take the arrival times
// late and bunch them, which is the test's doing, not the replicas'.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const STATS = '/paced-upstream/stats';
const RESET = '/paced-upstream/reset';

// The most of `arrivals` (milliseconds) within any `span` milliseconds.
function busiest(arrivals, span = 1000) {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last] - sorted[first] >= span) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

function reply(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

// In the child: serves until stdin closes. `account`: { url, token } of the sandbox behind it.
async function serve(account, perSecond) {
  let arrivals = [];
  let refused = 0;
  const upstream = new URL(account.url);
  const server = createServer(async (request, response) => {
    if (request.url === STATS) return reply(response, 200, { arrivals, refused, busiest: busiest(arrivals) });
    if (request.url === RESET) {
      arrivals = [];
      refused = 0;
      return reply(response, 200, {});
    }
    const now = performance.now();
    arrivals.push(now);
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    if (arrivals.filter((at) => at > now - 1000).length > perSecond) {
      refused += 1;
      return reply(response, 429, { message: `Rate limit exceeded: at most ${perSecond} requests per second` },
        { 'retry-after': '1' });
    }
    const body = Buffer.concat(chunks);
    const headers = { 'api-token': request.headers['api-token'] ?? '', accept: 'application/json' };
    if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
    try {
      const answer = await fetch(`${upstream.origin}${request.url}`, {
        method: request.method, headers, body: body.length > 0 ? body : undefined,
      });
      return reply(response, answer.status, await answer.json());
    } catch (error) {
      return reply(response, 502, { message: `sandbox unreachable: ${error.message}` });
    }
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await serve(JSON.parse(process.argv[2]), Number(process.argv[3]));
}

// In the test: starts the child and resolves to its handle.
export async function startPacedUpstream({ account, perSecond = 5 }) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(account), String(perSecond)],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`paced upstream did not start: ${output}`)), 10_000);
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = output.match(/listening (\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`paced upstream exited (${code})`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    // { arrivals (ms), refused (429s answered), busiest (most arrivals within one second) }
    stats: async () => (await fetch(`${url}${STATS}`)).json(),
    reset: async () => { await fetch(`${url}${RESET}`); },
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    }),
  };
}
