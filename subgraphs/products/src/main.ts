import { runSubgraphProcess } from '@marketplace/runtime';
import { migrate, products } from './index';

await runSubgraphProcess(products, migrate);
