/**
 * Identical query fetches in flight at once share one request to the subgraph
 * (SUBGRAPH_FETCH_DEDUP, gateway/src/deduplicating-data-source.ts); different callers and
 * mutations never do. The users subgraph runs behind a door this test holds shut, so that
 * requests pile up at the gateway as they do under load; the door counts what reaches users.
 */
import { metricsRegistry, startSubgraph, type RunningServer } from '@marketplace/runtime';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { users } from '../subgraphs/users/src/index';
import { createCategory, createProduct, operatorToken, registerCustomer, registerSeller } from './helpers';

/** Headers that belong to one connection, not to the request: not passed on. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * The users subgraph's front door: the GraphQL operations that reach users, by name, in order;
 * while shut for an operation, requests for it wait at the door until it opens (or fails them).
 */
class Door {
  private readonly arrived: string[] = [];
  /** The fetches of the operation under watch: `<operation>__users__<n>`, as the gateway names them. */
  private watched = '';
  private shut = false;
  private waiting: ((outcome: 'pass' | 'fail') => void)[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly target: string) {}

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Holds the query plan fetches of `operation` from now on, and counts them afresh. */
  shutFor(operation: string): void {
    this.arrived.length = 0;
    this.watched = `${operation}__users__`;
    this.shut = true;
  }

  /** How many fetches of the watched operation reached users. */
  count(): number {
    return this.arrived.filter((name) => name.startsWith(this.watched)).length;
  }

  /** Lets the held fetches through to users, or answers them with a 502. */
  open(outcome: 'pass' | 'fail' = 'pass'): void {
    this.shut = false;
    this.waiting.splice(0).forEach((release) => release(outcome));
  }

  close(): Promise<void> {
    this.open();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url === '/graphql') {
      const { operationName } = JSON.parse(body.toString()) as { operationName?: string };
      this.arrived.push(operationName ?? '');
      if (this.shut && operationName?.startsWith(this.watched)) {
        if ((await new Promise((resolve) => this.waiting.push(resolve))) === 'fail') {
          res.writeHead(502).end();
          return;
        }
      }
    }
    const answer = await fetch(`${this.target}${req.url}`, {
      method: req.method,
      headers: passedOn(req.headers),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'cache-control']) {
      const value = answer.headers.get(name);
      if (value) headers[name] = value;
    }
    res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
  }
}

function passedOn(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** Query fetches to users the gateway did not send, having joined an identical one in flight. */
async function sharedUsersFetches(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('gateway_subgraph_fetches_shared_total')!.get();
  return metric.values.find((sample) => sample.labels.subgraph === 'users')?.value ?? 0;
}

/** Until each of `requests` reached users or waits for a fetch that did: all are at the door. */
async function untilAllAtTheDoor(requests: number, sharedBefore: number): Promise<void> {
  await expect.poll(async () => door.count() + (await sharedUsersFetches()) - sharedBefore, { timeout: 10_000, interval: 20 }).toBe(requests);
}

let usersServer: RunningServer;
let door: Door;
let stack: Stack;
let productId: string;
let storeName: string;

beforeAll(async () => {
  usersServer = await startSubgraph(users, { port: 0 });
  door = new Door(usersServer.url);
  stack = await startStack({ external: { users: await door.listen() } });
  const admin = await operatorToken(stack);
  const category = await createCategory(stack, admin);
  const seller = await registerSeller(stack);
  storeName = seller.storeName;
  // No reviews: the product page's one fetch from users is its store's name.
  productId = (await createProduct(stack, seller.token, category.id)).id;
}, 60_000);
afterAll(async () => {
  await stack.stop();
  await door.close();
  await usersServer.stop();
});

const addressInput = { fullName: 'Jo Buyer', line1: '5 Elm St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' };

describe('subgraph fetches in flight', () => {
  it('are shared by identical anonymous queries: one fetch from users for six product pages', async () => {
    const sharedBefore = await sharedUsersFetches();
    door.shutFor('ProductPage');
    const pages = Array.from({ length: 6 }, () => stack.request(op('ProductPage'), { id: productId }));
    await untilAllAtTheDoor(6, sharedBefore);
    door.open();
    for (const page of await Promise.all(pages)) {
      expect(page.errors).toBeUndefined();
      expect(page.data.product.seller.storeName).toBe(storeName);
    }
    expect(door.count()).toBe(1);
    expect((await sharedUsersFetches()) - sharedBefore).toBe(5);
  });

  it('are never shared by two signed-in users: one fetch each, and each sees their own account', async () => {
    const [ann, bob] = await Promise.all([registerCustomer(stack, 'Ann'), registerCustomer(stack, 'Bob')]);
    const sharedBefore = await sharedUsersFetches();
    door.shutFor('Me');
    const asked = [ann, bob, ann, bob, ann, bob].map((who) => ({ who, answer: stack.request(op('Me'), {}, who.token) }));
    await untilAllAtTheDoor(6, sharedBefore);
    door.open();
    for (const { who, answer } of asked) {
      const { data, errors } = await answer;
      expect(errors).toBeUndefined();
      expect(data.me).toMatchObject({ id: who.userId, email: who.email });
    }
    // Each user's three identical requests shared one fetch.
    expect(door.count()).toBe(2);
  });

  it('are never shared by mutations: three identical ones add three addresses', async () => {
    const buyer = await registerCustomer(stack);
    const sharedBefore = await sharedUsersFetches();
    door.shutFor('AddAddress');
    const added = Array.from({ length: 3 }, () => stack.request(op('AddAddress'), { input: addressInput }, buyer.token));
    await untilAllAtTheDoor(3, sharedBefore);
    door.open();
    const ids = (await Promise.all(added)).map((res) => res.data.addAddress.address.id);
    expect(new Set(ids).size).toBe(3);
    expect(door.count()).toBe(3);
    expect(await sharedUsersFetches()).toBe(sharedBefore);
    const me = await stack.request(op('Me'), {}, buyer.token);
    expect(me.data.me.addresses.map((a: { id: string }) => a.id).sort()).toEqual([...ids].sort());
  });

  it('are not joined by a query sent after a mutation was answered: it reads the change', async () => {
    const buyer = await registerCustomer(stack);
    const sharedBefore = await sharedUsersFetches();
    door.shutFor('Me');
    const before = stack.request(op('Me'), {}, buyer.token);
    await untilAllAtTheDoor(1, sharedBefore);
    const added = await stack.request(op('AddAddress'), { input: addressInput }, buyer.token);
    const after = stack.request(op('Me'), {}, buyer.token);
    await untilAllAtTheDoor(2, sharedBefore);
    door.open();
    await before;
    expect((await after).data.me.addresses.map((a: { id: string }) => a.id)).toEqual([added.data.addAddress.address.id]);
    expect(door.count()).toBe(2);
  });

  it('fail all their waiters alike when the shared fetch fails', async () => {
    const sharedBefore = await sharedUsersFetches();
    door.shutFor('ProductPage');
    const pages = Array.from({ length: 4 }, () => stack.request(op('ProductPage'), { id: productId }));
    await untilAllAtTheDoor(4, sharedBefore);
    door.open('fail');
    const answers = await Promise.all(pages);
    expect(door.count()).toBe(1);
    for (const { data, errors } of answers) {
      expect(errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      // extensions aside: each carries its own client's rate-limit bucket.
      expect({ data, errors }).toEqual({ data: answers[0]!.data, errors: answers[0]!.errors });
    }
  });
});
