import { runSubgraphProcess } from '@marketplace/runtime';
import { inventory, migrate } from './index';

await runSubgraphProcess(inventory, migrate);
