import { runSubgraphProcess } from '@marketplace/runtime';
import { migrate, reviews } from './index';

await runSubgraphProcess(reviews, migrate);
