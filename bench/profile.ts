/**
 * `pnpm bench:profile <dir> [--skip-seconds N | --last-seconds N] [--top N]`: where the CPU of the V8 profiles in
 * `<dir>` went (written by a bench run with CPU_PROFILE_DIR). Self time per sample, bucketed by
 * what the sampled frame's code belongs to: a package (node_modules), one of our workspaces, Node's
 * own modules, GC; then the functions with the most self time. `--skip-seconds` leaves out each
 * profile's first seconds (start-up, migrations, seeding); `--last-seconds` keeps only its last
 * ones (a benchmark's final phase).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'skip-seconds': { type: 'string', default: '0' }, 'last-seconds': { type: 'string' }, top: { type: 'string', default: '25' } },
});
const dir = positionals[0];
if (!dir) {
  console.error('usage: pnpm bench:profile <dir> [--skip-seconds N | --last-seconds N] [--top N]');
  process.exit(2);
}

/** What a frame's code belongs to. */
function bucketOf({ url, functionName }: ProfileNode['callFrame']): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  const pkg = /node_modules\/(?!\.pnpm)((?:@[^/]+\/)?[^/]+)/.exec(url.replace(/.*node_modules\/\.pnpm\/[^/]+\//, ''))?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return /^node:internal\/(?:deps\/)?([^/]+)/.exec(url)?.[1] ? `node:${/^node:internal\/(?:deps\/)?([^/]+)/.exec(url)![1]}` : url;
  const ours = /\/(gateway|packages\/[^/]+|subgraphs\/[^/]+|scripts|bench)\//.exec(url)?.[1];
  return ours ?? url;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Native frames (no url) count with their caller, as their cost is the caller's doing.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const attributed = (id: number): ProfileNode => {
    let node = byId.get(id)!;
    while (!node.callFrame.url && !['(garbage collector)', '(idle)', '(program)', '(root)'].includes(node.callFrame.functionName) && parentOf.has(node.id)) {
      node = byId.get(parentOf.get(node.id)!)!;
    }
    return node;
  };
  const totalUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const skipUs = values['last-seconds'] ? totalUs - Number(values['last-seconds']) * 1e6 : Number(values['skip-seconds']) * 1e6;
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let elapsed = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsed += delta;
    if (elapsed < skipUs) return;
    const own = byId.get(id)!;
    if (own.callFrame.functionName === '(idle)') return;
    const frame = attributed(id).callFrame;
    busy += delta;
    const bucket = bucketOf(frame);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta);
    const fn = `${own.callFrame.functionName || '(anonymous)'} ${bucket === own.callFrame.url ? '' : `[${bucketOf(own.callFrame)}]`}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
  });
  const share = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  console.log(`\n## ${file}: ${(busy / 1e6).toFixed(1)} s busy\n`);
  console.log('| share | what |\n|---|---|');
  for (const [bucket, us] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`| ${share(us)} | ${bucket} |`);
  console.log(`\nTop functions (self time):\n`);
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`- ${share(us)} ${fn}`);
}
