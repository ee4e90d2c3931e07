// A stand-in for Maton: its gateway (https://gateway.maton.ai/active-campaign/api/3/...) and its
// connection service (https://ctrl.maton.ai/connections), on one loopback port. The gateway checks
// what the real one needs (the path prefix, the Bearer key, the Maton-Connection header), then
// passes the request on to an ActiveCampaign API (the sandbox) with that account's Api-Token, as
// Maton does with the OAuth token it manages. Errors are shaped after Maton's documented ones:
// 401 for a bad key, 400 when no connection can be used.
import { createServer } from 'node:http';

const PREFIX = '/active-campaign/api/3/';

function reply(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

// `account`: { url: 'http://127.0.0.1:P/api/3', token } of the ActiveCampaign API behind it.
// `connections`: the user's connections ({ connection_id, status }); `defaultConnection`: false
// to answer 400 when a request names no connection (as when the user has none active).
export async function startMatonGateway({ apiKey, account, connections, defaultConnection = true }) {
  const requests = [];  // every request received: { method, path, authorization, connection, apiToken }
  const violations = [];  // what the real gateway would refuse for a reason the test did not intend

  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://gateway');
    const seen = {
      method: request.method,
      path: url.pathname,
      authorization: request.headers.authorization ?? null,
      connection: request.headers['maton-connection'] ?? null,
      apiToken: request.headers['api-token'] ?? null,
    };
    requests.push(seen);
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);

    if (seen.authorization !== `Bearer ${apiKey}`) {
      reply(response, 401, { error: { message: 'Invalid API key' } });
      return;
    }
    if (url.pathname === '/connections' && request.method === 'GET') {
      const app = url.searchParams.get('app');
      const status = url.searchParams.get('status');
      reply(response, 200, {
        connections: connections.filter((each) =>
          (!app || app === 'active-campaign') && (!status || each.status === status)),
      });
      return;
    }
    if (!url.pathname.startsWith(PREFIX)) {
      violations.push(`path outside ${PREFIX}: ${request.method} ${url.pathname}`);
      reply(response, 404, { error: { message: 'Not found' } });
      return;
    }
    const active = connections.filter((each) => each.status === 'ACTIVE');
    if (seen.connection !== null ? !active.some((each) => each.connection_id === seen.connection)
      : !defaultConnection || active.length === 0) {
      reply(response, 400, { error: { message: 'No active connection found for app active-campaign' } });
      return;
    }

    const upstream = new URL(account.url);
    const target = `${upstream.origin}${upstream.pathname.replace(/\/$/, '')}/${url.pathname.slice(PREFIX.length)}${url.search}`;
    const headers = { 'api-token': account.token, accept: 'application/json' };
    if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
    try {
      const answer = await fetch(target, {
        method: request.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const text = await answer.text();
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    } catch (error) {
      violations.push(`forwarding ${request.method} ${url.pathname} failed: ${error.message}`);
      reply(response, 502, { error: { message: 'Bad gateway' } });
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
