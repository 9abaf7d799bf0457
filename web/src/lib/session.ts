/**
 * The signed-in session: the access token (short-lived JWT) and the single-use refresh token,
 * kept in localStorage so a reload stays signed in. Components read it with `useSession()`.
 */
import { useSyncExternalStore } from 'react';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  roles: string[];
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

const KEY = 'marketplace.session';
/** The browser's localStorage; absent outside a browser (the client's tests on Node), where sessions live in memory. */
const storage = (globalThis as { localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void } }).localStorage;
type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = storage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(next: Session | null): void {
  current = next;
  if (next) storage?.setItem(KEY, JSON.stringify(next));
  else storage?.removeItem(KEY);
  for (const listener of listeners) listener();
}

/** New tokens from `refreshSession` or `becomeSeller`: the user stays, its roles may change. */
export function updateTokens(tokens: { accessToken: string; refreshToken?: string }, roles?: string[]): void {
  if (!current) return;
  setSession({
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? current.refreshToken,
    user: roles ? { ...current.user, roles } : current.user,
  });
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, getSession, getSession);
}

/** Seconds since the epoch at which a JWT expires (its `exp` claim), or null when unreadable. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/**
 * Whether to refresh before sending: the token expires within `marginSeconds` (a request in
 * flight must not arrive with a token that died on the way). An unreadable token is left to the
 * server to refuse.
 */
export function expiresSoon(token: string, nowMs: number, marginSeconds = 30): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp - marginSeconds <= nowMs / 1000;
}
