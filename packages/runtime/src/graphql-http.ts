import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * `POST /graphql` served by Apollo Server straight from node:http, ahead of Express: the path
 * every subgraph fetch and gateway request takes. It does what `expressMiddleware` with
 * `express.json()` does (read and parse the JSON body, hand Apollo the headers, write its answer)
 * without Express's router, body-parser's content negotiation and `res.send`, which profiles
 * showed as a measurable share of a subgraph fetch. Every other method and path (GET /graphql,
 * /health, /internal/…, routes other issues add) still goes to the Express app.
 * Measured in bench/results/gateway.md. Express middleware therefore does not see JSON POSTs to
 * /graphql: per-operation work (metrics, tracing, draining counts) belongs in Apollo plugins,
 * which run for both paths.
 */
export function withGraphQLFastPath<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
  fallback: RequestListener,
  opts: { limitBytes: number },
): RequestListener {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    let body: unknown;
    try {
      body = await readJson(req, opts.limitBytes);
    } catch (err) {
      const tooLarge = err instanceof BodyTooLarge;
      res.writeHead(tooLarge ? 413 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: tooLarge ? 'request body too large' : 'request body is not valid JSON' }] }));
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url!.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: search === -1 ? '' : req.url!.slice(search), body },
      context: () => context(req),
    });
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return (req, res) => {
    const path = req.url?.split('?', 1)[0];
    // Other content types get Express's (and Apollo's) answers, as before.
    if (req.method !== 'POST' || path !== '/graphql' || !req.headers['content-type']?.includes('json')) return void fallback(req, res);
    serve(req, res).catch((err: unknown) => {
      // Apollo answers GraphQL errors itself; this is a failure of the transport (a reset socket).
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'internal server error' }] }));
      void err;
    });
  };
}

class BodyTooLarge extends Error {}

/** The request's body parsed as JSON (an empty body is `{}`, as express.json() gives). */
async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return {};
  return JSON.parse(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
}
