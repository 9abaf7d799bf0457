/**
 * Stands in for the products subgraph's `productsByIds` internal operation (InternalApi contract),
 * serving a catalog the test controls, behind the same service-identity check.
 */
import { IDENTITY_HEADER, verifyIdentityAssertion, type ProductSummary } from '@marketplace/runtime';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startProductsStub(catalog: Map<string, ProductSummary>) {
  const server = createServer(async (req, res) => {
    const identity = await verifyIdentityAssertion(req.headers[IDENTITY_HEADER] as string | undefined);
    if (req.method !== 'POST' || req.url !== '/internal/productsByIds' || identity.kind !== 'service') {
      res.writeHead(identity.kind === 'service' ? 404 : 403).end();
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const { ids } = JSON.parse(body) as { ids: string[] };
    const result = ids.flatMap((id) => catalog.get(id) ?? []);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
