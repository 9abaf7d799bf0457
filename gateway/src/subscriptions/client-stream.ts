/**
 * One client's stream of results: its source pushes, graphql-ws pulls. Bounded: beyond `capacity`
 * undelivered results the oldest is dropped, so a slow client never holds anyone up. Hand-written
 * rather than a general async-iterator library because it runs once per client per event (10,000
 * times for one change to a watched product) and that path is the gateway's hottest
 * (bench/subscriptions.ts).
 */
export class ClientStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ended = false;
  private closed = false;

  /** `onClose` runs once, when the client leaves or the stream has ended. */
  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const deliver = this.waiting;
      this.waiting = null;
      deliver({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.capacity) this.buffer.shift();
    this.buffer.push(value);
  }

  /** No more results: what is buffered is still delivered, then the stream completes. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting) this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.ended) return Promise.resolve(this.finish());
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client unsubscribed (or disconnected). */
  async return(): Promise<IteratorResult<T>> {
    this.ended = true;
    this.buffer.length = 0;
    return this.finish();
  }

  async throw(): Promise<IteratorResult<T>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): IteratorResult<T> {
    const done: IteratorResult<T> = { value: undefined, done: true };
    if (this.waiting) {
      this.waiting(done);
      this.waiting = null;
    }
    if (!this.closed) {
      this.closed = true;
      this.onClose();
    }
    return done;
  }
}
