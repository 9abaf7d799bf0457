import { sqlStatements, startSubgraph, type Identity, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { reviews as reviewsTable, type ReviewRow } from '../src/db/schema';
import { reviews } from '../src/index';

let server: RunningServer;
beforeAll(async () => {
  server = await startSubgraph(reviews, { port: 0 });
});
afterAll(() => server.stop());

const request = (query: string, variables: Record<string, unknown> = {}, identity?: Identity) =>
  subgraphRequest(server.url, query, variables, identity);

type NewReview = Partial<typeof reviewsTable.$inferInsert>;

/** Reviews in any state, inserted directly (writeReview has tests of its own in write-review.test.ts). */
async function insertReviews(...rows: NewReview[]): Promise<ReviewRow[]> {
  return db
    .insert(reviewsTable)
    .values(
      rows.map((r) => ({
        productId: randomUUID(),
        sellerId: randomUUID(),
        authorId: randomUUID(),
        rating: 5,
        title: 'Solid shoe',
        body: 'Comfortable from the first day.',
        status: 'PUBLISHED' as const,
        ...r,
      })),
    )
    .returning();
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

const PRODUCT_RATING = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Product { id rating { average count distribution { stars count } } } }
}`;
const SELLER_RATING = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Seller { id rating { average count distribution { stars count } } } }
}`;
const PRODUCT_REVIEWS = `query ($reps: [_Any!]!, $first: Int, $after: String, $sort: ReviewSort) {
  _entities(representations: $reps) { ... on Product {
    reviews(first: $first, after: $after, sort: $sort) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
  } }
}`;
const REVIEW = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Review { id status rating title author { id } product { id } } }
}`;
const QUEUE = `query ($first: Int, $after: String) {
  reviewsAwaitingModeration(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status createdAt product { id } author { id } } }
  }
}`;
const MODERATE = `mutation ($id: ID!, $decision: ModerationDecision!) {
  moderateReview(reviewId: $id, decision: $decision) { review { id status } userErrors { field code } }
}`;
const MARK_HELPFUL = `mutation ($id: ID!) {
  markReviewHelpful(reviewId: $id) { review { id helpfulCount } userErrors { field code } }
}`;

const product = (id: string) => ({ __typename: 'Product', id });

async function helpfulCountOf(reviewId: string): Promise<number> {
  const [row] = await db.select().from(reviewsTable).where(eq(reviewsTable.id, reviewId));
  return row!.helpfulCount;
}

describe('ratings', () => {
  it('averages and counts only published reviews, with all five buckets', async () => {
    const productId = randomUUID();
    const unrated = randomUUID();
    await insertReviews(
      ...[5, 5, 4, 2].map((rating) => ({ productId, rating })),
      { productId, rating: 1, status: 'PENDING_MODERATION' },
      { productId, rating: 1, status: 'REJECTED' },
    );

    const res = await request(PRODUCT_RATING, { reps: [product(productId), product(unrated), product('not-a-uuid')] });
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities[0].rating).toEqual({
      average: 4,
      count: 4,
      distribution: [
        { stars: 5, count: 2 },
        { stars: 4, count: 1 },
        { stars: 3, count: 0 },
        { stars: 2, count: 1 },
        { stars: 1, count: 0 },
      ],
    });
    const empty = { average: null, count: 0, distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: 0 })) };
    expect(res.data?._entities[1].rating).toEqual(empty);
    expect(res.data?._entities[2].rating).toEqual(empty);
  });

  it("rates a store over the published reviews of all its products", async () => {
    const sellerId = randomUUID();
    await insertReviews(
      { sellerId, rating: 5 },
      { sellerId, rating: 4 },
      { sellerId, rating: 2, productId: randomUUID() },
      { sellerId, rating: 1, status: 'PENDING_MODERATION' },
      { rating: 1 }, // another store's
    );

    const res = await request(SELLER_RATING, { reps: [{ __typename: 'Seller', id: sellerId }] });
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities[0].rating).toMatchObject({
      average: 11 / 3,
      count: 3,
      distribution: [
        { stars: 5, count: 1 },
        { stars: 4, count: 1 },
        { stars: 3, count: 0 },
        { stars: 2, count: 1 },
        { stars: 1, count: 0 },
      ],
    });
  });
});

describe('Product.reviews', () => {
  const productId = randomUUID();
  let published: ReviewRow[];

  beforeAll(async () => {
    // Pairs share a creation time, ratings and helpful counts repeat: every order needs its tie-breaks.
    published = await insertReviews(
      ...Array.from({ length: 10 }, (_, i) => ({
        productId,
        rating: (i % 5) + 1,
        helpfulCount: [0, 3, 3, 7][i % 4]!,
        createdAt: at(100 - Math.floor(i / 2)),
      })),
    );
    // Created by the database clock in one statement: identical timestamps, told apart by id only.
    published.push(...(await insertReviews({ productId, rating: 3 }, { productId, rating: 3 }, { productId, rating: 4 })));
    await insertReviews(
      { productId, status: 'PENDING_MODERATION', createdAt: at(1) },
      { productId, status: 'REJECTED', createdAt: at(1) },
    );
  });

  const newestFirst = (a: ReviewRow, b: ReviewRow) =>
    b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const expectedOrders = {
    NEWEST: newestFirst,
    MOST_HELPFUL: (a: ReviewRow, b: ReviewRow) => b.helpfulCount - a.helpfulCount || newestFirst(a, b),
    RATING_DESC: (a: ReviewRow, b: ReviewRow) => b.rating - a.rating || newestFirst(a, b),
    RATING_ASC: (a: ReviewRow, b: ReviewRow) => a.rating - b.rating || newestFirst(a, b),
  };

  async function pageThrough(sort: string, first: number) {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const res = await request(PRODUCT_REVIEWS, { reps: [product(productId)], first, after, sort });
      expect(res.errors).toBeUndefined();
      const connection = res.data?._entities[0].reviews;
      expect(connection.totalCount).toBe(published.length);
      ids.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!connection.pageInfo.hasNextPage) return ids;
      after = connection.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  }

  for (const [sort, compare] of Object.entries(expectedOrders)) {
    it(`lists published reviews ${sort}, page after page without gaps or repeats`, async () => {
      const expected = [...published].sort(compare).map((r) => r.id);
      expect(await pageThrough(sort, 4)).toEqual(expected);
      expect(await pageThrough(sort, 100)).toEqual(expected);
    });
  }

  it('defaults to newest first, 20 per page', async () => {
    const res = await request(PRODUCT_REVIEWS, { reps: [product(productId)] });
    expect(res.data?._entities[0].reviews.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      [...published].sort(newestFirst).map((r) => r.id),
    );
  });

  it('keeps its place when a review arrives between pages', async () => {
    const other = randomUUID();
    const older = await insertReviews(...[3, 2, 1].map((minutes) => ({ productId: other, createdAt: at(minutes) })));
    const first = await request(PRODUCT_REVIEWS, { reps: [product(other)], first: 2 });
    await insertReviews({ productId: other, createdAt: new Date() });
    const rest = await request(PRODUCT_REVIEWS, {
      reps: [product(other)],
      first: 2,
      after: first.data?._entities[0].reviews.pageInfo.endCursor,
    });
    const ids = [...first.data?._entities[0].reviews.edges, ...rest.data?._entities[0].reviews.edges].map(
      (e: { node: { id: string } }) => e.node.id,
    );
    expect(ids).toEqual(older.map((r) => r.id).reverse());
    expect(rest.data?._entities[0].reviews.totalCount).toBe(4);
  });

  it('refuses malformed page arguments', async () => {
    const newest = await request(PRODUCT_REVIEWS, { reps: [product(productId)], first: 2, sort: 'NEWEST' });
    const newestCursor = newest.data?._entities[0].reviews.pageInfo.endCursor;
    for (const args of [
      { first: 500 },
      { first: 0 },
      { after: 'garbage' },
      { after: Buffer.from(JSON.stringify(['NEWEST', '1', 'x'])).toString('base64url') },
      // A cursor of another order does not name a position in this one.
      { after: newestCursor, sort: 'RATING_ASC' },
    ]) {
      const res = await request(PRODUCT_REVIEWS, { reps: [product(productId)], ...args });
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(args)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('review visibility', () => {
  it('shows published reviews to everyone, others only to their author and operators', async () => {
    const authorId = randomUUID();
    const [live, pending, rejected] = await insertReviews(
      { authorId },
      { authorId, status: 'PENDING_MODERATION', productId: randomUUID() },
      { authorId, status: 'REJECTED', productId: randomUUID() },
    );
    const reps = [live!, pending!, rejected!].map((r) => ({ __typename: 'Review', id: r.id }));
    const visible = async (identity?: Identity) => {
      const res = await request(REVIEW, { reps: [...reps, { __typename: 'Review', id: 'nope' }] }, identity);
      expect(res.errors).toBeUndefined();
      return res.data?._entities.map((e: { id: string } | null) => e?.id ?? null);
    };

    expect(await visible()).toEqual([live!.id, null, null, null]);
    expect(await visible(asUser(randomUUID()))).toEqual([live!.id, null, null, null]);
    expect(await visible(asUser(authorId))).toEqual([live!.id, pending!.id, rejected!.id, null]);
    expect(await visible(asAdmin(randomUUID()))).toEqual([live!.id, pending!.id, rejected!.id, null]);

    const res = await request(REVIEW, { reps: reps.slice(0, 1) });
    expect(res.data?._entities[0]).toEqual({
      id: live!.id,
      status: 'PUBLISHED',
      rating: 5,
      title: 'Solid shoe',
      author: { id: authorId },
      product: { id: live!.productId },
    });
  });

  it('treats made-up identity headers as anonymous', async () => {
    const authorId = randomUUID();
    const [pending] = await insertReviews({ authorId, status: 'PENDING_MODERATION' });
    const forged = { 'x-user-id': authorId, 'x-roles': 'ADMIN', authorization: 'Bearer made-up' };

    const review = await subgraphRequest(server.url, REVIEW, { reps: [{ __typename: 'Review', id: pending!.id }] }, undefined, forged);
    expect(review.data?._entities).toEqual([null]);
    const queue = await subgraphRequest(server.url, QUEUE, {}, undefined, forged);
    expect(queue.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const moderate = await subgraphRequest(server.url, MODERATE, { id: pending!.id, decision: 'APPROVE' }, undefined, forged);
    expect(moderate.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('moderation', () => {
  const admin = asAdmin(randomUUID());

  it('refuses everyone but operators', async () => {
    const [pending] = await insertReviews({ status: 'PENDING_MODERATION' });
    for (const identity of [asUser(randomUUID()), asSeller(randomUUID(), randomUUID()), asApiKey(randomUUID(), randomUUID(), ['PRODUCTS_READ'])]) {
      const queue = await request(QUEUE, {}, identity);
      expect(queue.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const moderate = await request(MODERATE, { id: pending!.id, decision: 'APPROVE' }, identity);
      expect(moderate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const [row] = await db.select().from(reviewsTable).where(eq(reviewsTable.id, pending!.id));
    expect(row!.status).toBe('PENDING_MODERATION');
  });

  it('lists reviews awaiting moderation oldest first, page after page', async () => {
    const mine = await insertReviews(
      ...[50, 40, 40, 30, 20].map((minutes) => ({ status: 'PENDING_MODERATION' as const, createdAt: at(minutes) })),
    );
    await insertReviews({ createdAt: at(45) }, { status: 'REJECTED', createdAt: at(35) });

    const seen: { id: string; status: string; createdAt: string }[] = [];
    let after: string | null = null;
    let totalCount = 0;
    do {
      const res = await request(QUEUE, { first: 2, after }, admin);
      expect(res.errors).toBeUndefined();
      const queue = res.data?.reviewsAwaitingModeration;
      totalCount = queue.totalCount;
      seen.push(...queue.edges.map((e: { node: (typeof seen)[number] }) => e.node));
      after = queue.pageInfo.hasNextPage ? queue.pageInfo.endCursor : null;
    } while (after);

    expect(seen).toHaveLength(totalCount);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    expect(seen.every((r) => r.status === 'PENDING_MODERATION')).toBe(true);
    const byKey = (r: { createdAt: string | Date; id: string }) => `${new Date(r.createdAt).toISOString()} ${r.id}`;
    const oldestFirst = <T extends { createdAt: string | Date; id: string }>(a: T, b: T) => (byKey(a) < byKey(b) ? -1 : 1);
    const expected = [...seen].sort(oldestFirst);
    expect(seen).toEqual(expected);
    const mineInQueue = seen.filter((r) => mine.some((m) => m.id === r.id)).map((r) => r.id);
    expect(mineInQueue).toEqual([...mine].sort(oldestFirst).map((r) => r.id));
  });

  it('publishes or rejects a pending review once', async () => {
    const productId = randomUUID();
    const [toPublish, toReject] = await insertReviews(
      { productId, rating: 2, status: 'PENDING_MODERATION' },
      { productId, rating: 1, status: 'PENDING_MODERATION' },
    );

    const approved = await request(MODERATE, { id: toPublish!.id, decision: 'APPROVE' }, admin);
    expect(approved.data?.moderateReview).toEqual({ review: { id: toPublish!.id, status: 'PUBLISHED' }, userErrors: [] });
    const rejected = await request(MODERATE, { id: toReject!.id, decision: 'REJECT' }, admin);
    expect(rejected.data?.moderateReview).toEqual({ review: { id: toReject!.id, status: 'REJECTED' }, userErrors: [] });
    const [row] = await db.select().from(reviewsTable).where(eq(reviewsTable.id, toPublish!.id));
    expect(row!.moderatedAt).toBeInstanceOf(Date);

    // Only the published one is listed and counted.
    const listed = await request(PRODUCT_REVIEWS, { reps: [product(productId)] });
    expect(listed.data?._entities[0].reviews).toMatchObject({ totalCount: 1, edges: [{ node: { id: toPublish!.id } }] });
    const rating = await request(PRODUCT_RATING, { reps: [product(productId)] });
    expect(rating.data?._entities[0].rating).toMatchObject({ average: 2, count: 1 });

    for (const [id, decision] of [
      [toPublish!.id, 'REJECT'],
      [toReject!.id, 'APPROVE'],
    ]) {
      const again = await request(MODERATE, { id, decision }, admin);
      expect(again.data?.moderateReview).toEqual({ review: null, userErrors: [{ field: ['reviewId'], code: 'INVALID_STATE' }] });
    }
    for (const id of [randomUUID(), 'not-an-id']) {
      const unknown = await request(MODERATE, { id, decision: 'APPROVE' }, admin);
      expect(unknown.data?.moderateReview).toEqual({ review: null, userErrors: [{ field: ['reviewId'], code: 'NOT_FOUND' }] });
    }
  });

  it('lets exactly one of several operators deciding at once win', async () => {
    const [pending] = await insertReviews({ status: 'PENDING_MODERATION' });
    const decisions = Array.from({ length: 8 }, (_, i) => (i % 2 ? 'APPROVE' : 'REJECT'));
    const results = await Promise.all(
      decisions.map((decision) => request(MODERATE, { id: pending!.id, decision }, asAdmin(randomUUID()))),
    );

    const winners = results.filter((r) => r.data?.moderateReview.review);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => !r.data?.moderateReview.review);
    expect(losers.every((r) => r.data?.moderateReview.userErrors[0].code === 'INVALID_STATE')).toBe(true);
    const [row] = await db.select().from(reviewsTable).where(eq(reviewsTable.id, pending!.id));
    expect(row!.status).toBe(winners[0]!.data?.moderateReview.review.status);
  });
});

describe('markReviewHelpful', () => {
  it('counts one vote per customer, never on their own or an unpublished review', async () => {
    const authorId = randomUUID();
    const [review, pending] = await insertReviews({ authorId }, { status: 'PENDING_MODERATION' });
    const voter = asUser(randomUUID());

    const first = await request(MARK_HELPFUL, { id: review!.id }, voter);
    expect(first.data?.markReviewHelpful).toEqual({ review: { id: review!.id, helpfulCount: 1 }, userErrors: [] });
    const again = await request(MARK_HELPFUL, { id: review!.id }, voter);
    expect(again.data?.markReviewHelpful).toEqual({ review: null, userErrors: [{ field: ['reviewId'], code: 'ALREADY_MARKED' }] });
    const another = await request(MARK_HELPFUL, { id: review!.id }, asUser(randomUUID()));
    expect(another.data?.markReviewHelpful.review.helpfulCount).toBe(2);

    const own = await request(MARK_HELPFUL, { id: review!.id }, asUser(authorId));
    expect(own.data?.markReviewHelpful.userErrors).toEqual([{ field: ['reviewId'], code: 'INVALID_INPUT' }]);
    for (const id of [pending!.id, randomUUID(), 'not-an-id']) {
      const res = await request(MARK_HELPFUL, { id }, voter);
      expect(res.data?.markReviewHelpful).toEqual({ review: null, userErrors: [{ field: ['reviewId'], code: 'NOT_FOUND' }] });
    }
    expect(await helpfulCountOf(review!.id)).toBe(2);
    expect(await helpfulCountOf(pending!.id)).toBe(0);
  });

  it('counts a customer once however many requests race, and every customer racing once', async () => {
    const [review] = await insertReviews({});
    const voter = asUser(randomUUID());
    const sameVoter = await Promise.all(Array.from({ length: 8 }, () => request(MARK_HELPFUL, { id: review!.id }, voter)));
    expect(sameVoter.filter((r) => r.data?.markReviewHelpful.review)).toHaveLength(1);
    expect(sameVoter.filter((r) => r.data?.markReviewHelpful.userErrors[0]?.code === 'ALREADY_MARKED')).toHaveLength(7);
    expect(await helpfulCountOf(review!.id)).toBe(1);

    await Promise.all(Array.from({ length: 8 }, () => request(MARK_HELPFUL, { id: review!.id }, asUser(randomUUID()))));
    expect(await helpfulCountOf(review!.id)).toBe(9);
  });

  it('needs a signed-in customer', async () => {
    const [review] = await insertReviews({});
    const anonymous = await request(MARK_HELPFUL, { id: review!.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const apiKey = await request(MARK_HELPFUL, { id: review!.id }, asApiKey(randomUUID(), randomUUID(), ['PRODUCTS_READ']));
    expect(apiKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await helpfulCountOf(review!.id)).toBe(0);
  });
});

describe('SQL statements per request', () => {
  it('are the same for 5 and for 50 products with their ratings and reviews', async () => {
    const productIds = Array.from({ length: 50 }, () => randomUUID());
    await insertReviews(
      ...productIds.flatMap((productId) => [
        ...[5, 4, 4, 1].map((rating, i) => ({ productId, rating, createdAt: at(10 - i) })),
        { productId, status: 'PENDING_MODERATION' as const },
      ]),
    );
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product {
      rating { average count distribution { stars count } }
      reviews(first: 3) { totalCount edges { node { id author { id } } } }
    } } }`;
    const statementsFor = async (ids: string[]) => {
      const before = sqlStatements.count;
      const res = await request(query, { reps: ids.map(product) });
      const statements = sqlStatements.count - before;
      expect(res.errors).toBeUndefined();
      for (const entity of res.data?._entities) {
        expect(entity.rating).toMatchObject({ average: 3.5, count: 4 });
        expect(entity.reviews.totalCount).toBe(4);
        expect(entity.reviews.edges).toHaveLength(3);
      }
      return statements;
    };

    const small = await statementsFor(productIds.slice(0, 5));
    const large = await statementsFor(productIds);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(2);
  });
});
