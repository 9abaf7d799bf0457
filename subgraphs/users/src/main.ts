import { runSubgraphProcess } from '@marketplace/runtime';
import { ensureOperator, migrate, users } from './index';

await runSubgraphProcess(users, async () => {
  await migrate();
  await ensureOperator();
});
