/**
 * The container image's entry point: runs the one process named by `SERVICE` (`gateway`, a
 * subgraph, `migrate` or `seed`; listed in deploy/processes.ts) in this Node process, so signals
 * reach it directly and it handles them itself (PID 1 needs its own SIGTERM handler: ours stop
 * cleanly, `stopOnSignals`).
 */
import { REPO_ROOT, setting, validateSettingsOrExit } from '@marketplace/runtime';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IMAGE_PROCESSES, imageProcess } from '../deploy/processes';

validateSettingsOrExit();
const name = setting('SERVICE');
const chosen = name ? imageProcess(name) : undefined;
if (!chosen) {
  process.stderr.write(`SERVICE must name one of: ${IMAGE_PROCESSES.map((p) => p.name).join(', ')} (got ${JSON.stringify(name ?? '')})\n`);
  process.exit(64);
}
process.env.SERVICE_NAME ??= chosen.name;
const module = (await import(pathToFileURL(join(REPO_ROOT, chosen.entry)).href)) as { main?: () => Promise<void> };
// Servers start when their module is imported; tasks export what they do.
if (chosen.kind === 'task') await module.main!();
