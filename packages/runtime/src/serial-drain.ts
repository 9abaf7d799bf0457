/**
 * Runs `drain` one at a time for a loop fed by notifications and polling (the outbox relay,
 * notifications' dispatcher): a wake-up while a drain runs causes exactly one more after it, and
 * `idle()` resolves once a drain finished with no wake-up pending. A failed drain is reported to
 * `onError` and retried at the next wake-up.
 */
export interface SerialDrain {
  wake(): void;
  /** Resolves when everything woken for so far has been drained. */
  idle(): Promise<void>;
  /** No more drains; resolves when the one running (if any) is done. */
  stop(): Promise<void>;
}

export function serialDrain(drain: () => Promise<void>, onError: (err: unknown) => void): SerialDrain {
  let stopped = false;
  let again = false;
  let running: Promise<void> = Promise.resolve();
  const idleWaiters: (() => void)[] = [];

  function wake(): void {
    if (stopped || again) return;
    again = true;
    running = running.then(async () => {
      again = false;
      try {
        await drain();
      } catch (err) {
        onError(err);
      }
      if (!again) idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  return {
    wake,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      }),
    async stop() {
      stopped = true;
      await running;
    },
  };
}
