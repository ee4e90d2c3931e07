// An ActiveCampaign API in front of the sandbox that holds the account to its documented limit
// (5 requests in any second, else 429 with Retry-After) and records when each request arrived, so
// a test can prove that replicas together kept to the limit.
import { createServer } from 'node:http';

// `account`: { url: 'http://127.0.0.1:P/api/3', token } of the sandbox behind it.
export async function startPacedUpstream({ account, perSecond = 5 }) {
  const arrivals = [];  // performance.now() of every request, answered or refused
  let refused = 0;
  const upstream = new URL(account.url);

  const server = createServer(async (request, response) => {
    const now = performance.now();
    arrivals.push(now);
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const recent = arrivals.filter((at) => at > now - 1000).length;
    if (recent > perSecond) {
      refused += 1;
      const text = JSON.stringify({ message: `Rate limit exceeded: at most ${perSecond} requests per second` });
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    const body = Buffer.concat(chunks);
    const headers = { 'api-token': request.headers['api-token'] ?? '', accept: 'application/json' };
    if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
    const answer = await fetch(`${upstream.origin}${request.url}`, {
      method: request.method, headers, body: body.length > 0 ? body : undefined,
    });
    const text = await answer.text();
    response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    refused: () => refused,
    reset: () => { arrivals.length = 0; refused = 0; },
    // The most requests that arrived within any `span` milliseconds.
    busiest: (span = 1000) => {
      const sorted = [...arrivals].sort((a, b) => a - b);
      let most = 0;
      for (let first = 0, last = 0; last < sorted.length; last += 1) {
        while (sorted[last] - sorted[first] >= span) first += 1;
        most = Math.max(most, last - first + 1);
      }
      return most;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
