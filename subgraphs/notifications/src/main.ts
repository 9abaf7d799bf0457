import { runSubgraphProcess } from '@marketplace/runtime';
import { migrate, notifications } from './index';

await runSubgraphProcess(notifications, migrate);
