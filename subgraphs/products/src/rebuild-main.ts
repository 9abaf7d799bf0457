/** `pnpm rebuild:projections`: rebuilds products' copies of stock and ratings; inventory and reviews must be up. */
import { closeCommandRedis } from '@marketplace/runtime';
import { database } from './db/client';
import { rebuildProjections } from './rebuild';

process.env.SERVICE_NAME ??= 'products';
try {
  const counts = await rebuildProjections();
  console.log(`rebuilt: ${counts.variants} variants' stock, ${counts.ratedProducts} products' ratings`);
} finally {
  await database.close();
  closeCommandRedis();
}
