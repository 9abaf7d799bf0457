import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, SETTINGS, SettingsError, validateSettings } from '@marketplace/runtime';
import { describe, expect, it } from 'vitest';
import { readmeWithSettings, README_PATH } from '../scripts/docs-settings';

const run = promisify(execFile);

describe('settings', () => {
  it('the README table is the one rendered from the declaration (run `pnpm docs:settings`)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(readmeWithSettings(readme));
  });

  it('every variable the code reads from process.env is declared', async () => {
    // Configuration goes through setting(); a bare process.env read of an undeclared name is a knob with no home.
    const { stdout } = await run('git', ['grep', '-ohE', 'process\\.env\\.[A-Z_]+', '--', '*.ts', ':!**/__generated__/**'], { cwd: REPO_ROOT });
    const names = new Set(stdout.split('\n').filter(Boolean).map((m) => m.slice('process.env.'.length)));
    const undeclared = [...names].filter((name) => !(name in SETTINGS));
    expect(undeclared).toEqual([]);
  });

  it('a bad value is refused with a message naming each bad variable', () => {
    const attempt = () => validateSettings({ PORT: 'eighty', DB_POOL_SIZE: '-1', REDIS_URL: 'not a url' });
    expect(attempt).toThrow(SettingsError);
    try {
      attempt();
    } catch (err) {
      const { problems } = err as SettingsError;
      expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'DB_POOL_SIZE', 'REDIS_URL']);
    }
  });

  it('production requires its secrets', () => {
    expect(() => validateSettings({ NODE_ENV: 'production' })).toThrow(/ADMIN_PASSWORD is required in production/);
  });

  it('a process started with a bad value stops at once with a clear message and status 78', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', join('gateway', 'src', 'main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: 'eighty' },
    }).catch((err: { code: number; stderr: string }) => err);
    expect((failure as { code: number }).code).toBe(78);
    expect((failure as { stderr: string }).stderr).toContain('Invalid environment:\n  - PORT="eighty"');
    expect((failure as { stderr: string }).stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
