/** A subscriber's bounded stream at the gateway: order kept, a slow reader loses the oldest, never blocks the source. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientStream } from '../src/subscriptions/client-stream';

const CAPACITY = 5;

describe('ClientStream', () => {
  it('delivers in push order and, to a reader that falls behind, the newest results only', async () => {
    // A run is a sequence of pushes and reads; the model is a queue that drops its oldest when full.
    const steps = fc.array(fc.oneof(fc.constant('read' as const), fc.integer({ min: 0, max: 1000 })), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(steps, async (run) => {
        const stream = new ClientStream<number>(CAPACITY, () => {});
        const model: number[] = [];
        let pendingRead: Promise<IteratorResult<number>> | null = null;
        for (const step of run) {
          if (step === 'read') {
            if (pendingRead) continue;
            if (model.length > 0) expect((await stream.next()).value).toBe(model.shift());
            else pendingRead = stream.next();
            continue;
          }
          stream.push(step);
          if (pendingRead) {
            // A reader already waiting gets the value at once; nothing is buffered.
            expect((await pendingRead).value).toBe(step);
            pendingRead = null;
            continue;
          }
          model.push(step);
          if (model.length > CAPACITY) model.shift();
        }
        stream.end();
        const rest: number[] = [];
        if (pendingRead) expect((await pendingRead).done).toBe(true);
        else for (let r = await stream.next(); !r.done; r = await stream.next()) rest.push(r.value);
        expect(rest).toEqual(model);
      }),
    );
  });

  it('tells its source once when the client leaves, and takes no more results', async () => {
    let closed = 0;
    const stream = new ClientStream<number>(CAPACITY, () => closed++);
    stream.push(1);
    await stream.return();
    await stream.return();
    stream.push(2);
    expect(closed).toBe(1);
    expect((await stream.next()).done).toBe(true);
  });
});
