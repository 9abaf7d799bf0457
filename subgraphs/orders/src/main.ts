import { runSubgraphProcess } from '@marketplace/runtime';
import { migrate, orders } from './index';

await runSubgraphProcess(orders, migrate);
