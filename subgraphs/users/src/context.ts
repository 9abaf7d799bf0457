import type { BaseContext } from '@marketplace/runtime';
import { db, type Db } from './db/client';
import { createLoaders, type Loaders } from './loaders';

export interface Context extends BaseContext {
  db: Db;
  loaders: Loaders;
  /**
   * Accounts that proved their credentials in this request (register, login, refreshSession).
   * The caller is still anonymous, but the payload's `user` is theirs to read in full.
   */
  signedInUserIds: Set<string>;
}

export function createContext(base: BaseContext): Context {
  return { ...base, db, loaders: createLoaders(db), signedInUserIds: new Set() };
}
