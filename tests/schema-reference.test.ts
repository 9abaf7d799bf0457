import { describe, expect, it } from 'vitest';
import { checkedInReference, currentApiSchemaSdl, renderSchemaReference } from '../scripts/docs-schema';

describe('the schema reference (docs/schema/)', () => {
  it('is generated from the current schema (run `pnpm docs:schema` after changing it)', async () => {
    const fresh = await renderSchemaReference(currentApiSchemaSdl());
    const onDisk = checkedInReference();
    expect([...onDisk.keys()].sort(), 'pages added or removed').toEqual([...fresh.keys()].sort());
    for (const [page, content] of fresh) expect(onDisk.get(page), `docs/schema/${page} is stale`).toBe(content);
  }, 60_000);

  it('documents every root field with its description and links the types it returns', async () => {
    const pages = checkedInReference();
    const checkout = pages.get('operations/mutations/checkout.md')!;
    expect(checkout).toContain('Buy the cart');
    expect(checkout).toContain('[`CheckoutPayload`](../../types/objects/checkout-payload.md)');
    expect(pages.get('README.md')).toContain('- [`checkout`](operations/mutations/checkout.md)');
  });
});
