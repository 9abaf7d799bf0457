import { setting } from '@marketplace/runtime';

/**
 * When a supervised process that exited is started again: after 0.5 s, 1 s, 2 s … at most 10 s by
 * its number of exits in the window; not at all once it exited `SUPERVISOR_MAX_RESTARTS` times
 * within `SUPERVISOR_WINDOW_MS` (a crash loop restarts nothing useful).
 */
export class RestartPolicy {
  private readonly exits: number[] = [];

  /** Records an exit; the delay before restarting, or undefined to leave it down. */
  exited(now = Date.now()): { restartInMs?: number; exits: number } {
    this.exits.push(now);
    while (this.exits[0]! < now - setting('SUPERVISOR_WINDOW_MS')) this.exits.shift();
    const exits = this.exits.length;
    if (exits >= setting('SUPERVISOR_MAX_RESTARTS')) return { exits };
    return { restartInMs: Math.min(500 * 2 ** (exits - 1), 10_000), exits };
  }
}
