/**
 * `pnpm --silent deploy:env > .env`: fresh secrets for docker-compose.yml (keys, the operator's
 * password, Postgres' password), as the `.env` file compose reads. Nothing like it is baked into
 * the image; keep the file out of version control (.gitignore lists it).
 */
import { generateKeyEnv } from '@marketplace/runtime';
import { randomBytes } from 'node:crypto';

const secret = () => randomBytes(18).toString('base64url');
const env: Record<string, string> = {
  ...(await generateKeyEnv()),
  ADMIN_EMAIL: 'admin@marketplace.local',
  ADMIN_PASSWORD: secret(),
  POSTGRES_PASSWORD: secret(),
};
// Single quotes: compose takes a JWK's JSON as it is.
for (const [name, value] of Object.entries(env)) console.log(`${name}='${value}'`);
