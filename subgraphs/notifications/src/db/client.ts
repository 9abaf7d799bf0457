import { createDatabase } from '@marketplace/runtime';
import * as tables from './schema';

export const database = createDatabase(tables);
export const db = database.db;
export type Db = typeof db;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
