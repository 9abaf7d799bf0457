import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['orders'],
  migrations: { schema: 'orders', table: '__drizzle_migrations' },
});
