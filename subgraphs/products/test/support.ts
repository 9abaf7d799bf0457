import { asAdmin, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';

/** A new category, created by an operator through the subgraph at `url`; answers its id. */
export async function createTestCategory(url: string, name: string): Promise<string> {
  const res = await subgraphRequest(
    url,
    `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } } }`,
    { input: { name, slug: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}` } },
    asAdmin(randomUUID()),
  );
  return res.data!.createCategory.category.id;
}
