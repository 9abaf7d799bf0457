import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProduction, setting } from './settings';
import { REPO_ROOT } from './subgraphs';

/**
 * Two Ed25519 key pairs:
 * - `accessToken`: users signs access tokens with the private key; the gateway verifies them.
 * - `internal`: the gateway signs identity assertions for subgraphs, and services sign their
 *   service-to-service calls; every subgraph verifies with the public key.
 * Taken from the environment (`ACCESS_TOKEN_PRIVATE_JWK`, `ACCESS_TOKEN_PUBLIC_JWK`,
 * `INTERNAL_PRIVATE_JWK`, `INTERNAL_PUBLIC_JWK`, each a JWK as JSON). Outside production, a
 * missing pair comes from `.dev-keys.json` (KEYS_FILE), generated once and shared by every local process.
 */
type PairName = 'accessToken' | 'internal';
interface KeyFile {
  accessToken: { privateJwk: JWK; publicJwk: JWK };
  internal: { privateJwk: JWK; publicJwk: JWK };
}
type KeySetting = 'ACCESS_TOKEN_PRIVATE_JWK' | 'ACCESS_TOKEN_PUBLIC_JWK' | 'INTERNAL_PRIVATE_JWK' | 'INTERNAL_PUBLIC_JWK';
const ENV: Record<PairName, { priv: KeySetting; pub: KeySetting }> = {
  accessToken: { priv: 'ACCESS_TOKEN_PRIVATE_JWK', pub: 'ACCESS_TOKEN_PUBLIC_JWK' },
  internal: { priv: 'INTERNAL_PRIVATE_JWK', pub: 'INTERNAL_PUBLIC_JWK' },
};
export const ALGORITHM = 'EdDSA';

const keysFile = () => setting('KEYS_FILE') ?? join(REPO_ROOT, '.dev-keys.json');

async function newPair() {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/** Creates the development key file if it is missing (the launcher calls this before starting processes). */
export async function ensureDevKeys(): Promise<void> {
  const file = keysFile();
  if (existsSync(file)) return;
  const keys: KeyFile = { accessToken: await newPair(), internal: await newPair() };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(keys), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Fresh key material as environment variables, for tests and launchers that pass keys explicitly. */
export async function generateKeyEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of ['accessToken', 'internal'] as const) {
    const pair = await newPair();
    env[ENV[name].priv] = JSON.stringify(pair.privateJwk);
    env[ENV[name].pub] = JSON.stringify(pair.publicJwk);
  }
  return env;
}

const cache = new Map<string, Promise<CryptoKey>>();

function jwkFor(name: PairName, part: 'private' | 'public'): JWK {
  const fromEnv = setting(part === 'private' ? ENV[name].priv : ENV[name].pub);
  if (fromEnv) return JSON.parse(fromEnv) as JWK;
  if (isProduction()) throw new Error(`${ENV[name][part === 'private' ? 'priv' : 'pub']} is not set`);
  const file = keysFile();
  if (!existsSync(file)) throw new Error(`No keys: set ${ENV[name].pub} or run \`pnpm start\` once to create ${file}`);
  const keys = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  return part === 'private' ? keys[name].privateJwk : keys[name].publicJwk;
}

export function getKey(name: PairName, part: 'private' | 'public'): Promise<CryptoKey> {
  const id = `${name}:${part}`;
  let key = cache.get(id);
  if (!key) {
    key = importJWK(jwkFor(name, part), ALGORITHM) as Promise<CryptoKey>;
    cache.set(id, key);
  }
  return key;
}
