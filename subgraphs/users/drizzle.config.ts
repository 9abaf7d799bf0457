import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['users'],
  migrations: { schema: 'users', table: '__drizzle_migrations' },
});
