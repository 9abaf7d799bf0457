/**
 * The image's HEALTHCHECK (and compose's): exits 0 when the process this container runs
 * (`SERVICE`) answers its readiness endpoint, 1 otherwise. One-shot tasks (migrate, seed) have no
 * endpoint and count as healthy while they run.
 */
import { setting } from '@marketplace/runtime';
import { imageProcess, READINESS_PATH } from '../deploy/processes';

const chosen = imageProcess(setting('SERVICE') ?? '');
if (!chosen) process.exit(1);
if (chosen.kind === 'task') process.exit(0);
const port = setting(chosen.portSetting) as number;
const ready = await fetch(`http://127.0.0.1:${port}${READINESS_PATH}`, { signal: AbortSignal.timeout(2500) }).then(
  (res) => res.ok,
  () => false,
);
process.exit(ready ? 0 : 1);
