/**
 * Who a request counts against: the API key, else the signed-in account, else the address it came
 * from. The address is the socket's peer, or the `X-Forwarded-For` entry a trusted proxy added
 * (TRUSTED_PROXIES): a header anyone can write is believed only from proxies we run.
 */
import { setting, type Identity, type SettingName } from '@marketplace/runtime';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';
import type { BucketLimits } from './bucket';

export type ClientKind = 'anonymous' | 'user' | 'apiKey' | 'operator';

export interface Client {
  /** Stable key of the client's bucket, e.g. `key:<id>`, `user:<id>`, `ip:203.0.113.7`. */
  id: string;
  kind: ClientKind;
}

const LIMIT_SETTING: Record<ClientKind, SettingName & `TRAFFIC_RATE_LIMIT_${string}`> = {
  anonymous: 'TRAFFIC_RATE_LIMIT_ANONYMOUS',
  user: 'TRAFFIC_RATE_LIMIT_USER',
  apiKey: 'TRAFFIC_RATE_LIMIT_API_KEY',
  operator: 'TRAFFIC_RATE_LIMIT_OPERATOR',
};

export function limitsOf(kind: ClientKind): BucketLimits {
  const { size, restorePerSecond } = setting(LIMIT_SETTING[kind]) as { size: number; restorePerSecond: number };
  return { size, restorePerSecond };
}

let trusted: { text: string | undefined; trust: (addr: string, i: number) => boolean } | undefined;
function trustedProxies(): (addr: string, i: number) => boolean {
  const text = setting('TRUSTED_PROXIES');
  if (trusted === undefined || trusted.text !== text) {
    const list = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    trusted = { text, trust: list.length ? proxyAddr.compile(list) : () => false };
  }
  return trusted.trust;
}

/**
 * The client's address: the peer, or what the trusted proxies in front of us say the client was.
 * An IPv6 client counts by its /64, the block one subscriber gets (it could rotate through the rest
 * at will); an IPv4-mapped address as the IPv4 address it is.
 */
export function clientAddress(req: IncomingMessage): string {
  const address = proxyAddr(req, trustedProxies());
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}

export function clientOf(identity: Identity, address: string): Client {
  switch (identity.kind) {
    case 'apiKey':
      return { id: `key:${identity.keyId}`, kind: 'apiKey' };
    case 'user':
      return { id: `user:${identity.userId}`, kind: identity.roles.includes('ADMIN') ? 'operator' : 'user' };
    default:
      return { id: `ip:${address}`, kind: 'anonymous' };
  }
}
