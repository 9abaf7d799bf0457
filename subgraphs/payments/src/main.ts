import { runSubgraphProcess } from '@marketplace/runtime';
import { migrate, payments } from './index';

await runSubgraphProcess(payments, migrate);
