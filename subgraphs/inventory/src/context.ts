import type { BaseContext } from '@marketplace/runtime';
import { db, type Db } from './db/client';
import { createLoaders, type Loaders } from './loaders';

export interface Context extends BaseContext {
  db: Db;
  loaders: Loaders;
}

export function createContext(base: BaseContext): Context {
  return { ...base, db, loaders: createLoaders(db) };
}
