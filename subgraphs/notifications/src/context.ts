import type { BaseContext } from '@marketplace/runtime';
import { db, type Db } from './db/client';

export interface Context extends BaseContext {
  db: Db;
}

export function createContext(base: BaseContext): Context {
  return { ...base, db };
}
