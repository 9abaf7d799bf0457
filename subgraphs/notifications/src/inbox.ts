/** A user's inbox (newest first, keyset-paginated), read marks, preferences; operators' dead letters. */
import { badUserInput, decodeCursor, InputCheck, isId, pageSize, toConnection, userError } from '@marketplace/runtime';
import { and, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { NotificationKind, NotificationPreferenceInput, UserError, UserErrorCode } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { deliveryFailures, notifications, optOuts } from './db/schema';
import { NOTIFICATION_KINDS, TRANSACTIONAL_KINDS } from './kinds';
import type { NotificationFailureParent } from './mappers';

/** The keyset position after which a page starts: (time ISO, id). */
function afterCursor(cursor: string | null | undefined): [string, string] | null {
  const values = decodeCursor(cursor);
  if (!values) return null;
  const [at, id] = values;
  if (values.length !== 2 || typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !isId(id)) {
    throw badUserInput('after is not a cursor returned by this list.');
  }
  return [at, id];
}

const unread = (userId: string) => and(eq(notifications.recipientId, userId), isNull(notifications.readAt));

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(unread(userId));
  return row?.n ?? 0;
}

export async function inbox(db: Db, userId: string, args: { unreadOnly?: boolean | null; first?: number | null; after?: string | null }) {
  const size = pageSize(args.first);
  const after = afterCursor(args.after);
  const page = db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.recipientId, userId),
        args.unreadOnly ? isNull(notifications.readAt) : undefined,
        after
          ? or(lt(notifications.createdAt, new Date(after[0])), and(eq(notifications.createdAt, new Date(after[0])), lt(notifications.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(size + 1);
  const [rows, unreadTotal] = await Promise.all([page, unreadCount(db, userId)]);
  return { ...toConnection(rows, size, (n) => [n.createdAt.toISOString(), n.id]), unreadCount: unreadTotal };
}

/** Marks the caller's own notifications read; ids that are not theirs are NOT_FOUND, and nothing changes. */
export async function markRead(db: Db, userId: string, ids: readonly string[]) {
  const wanted = [...new Set(ids)];
  const valid = wanted.filter(isId);
  const own = valid.length
    ? await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(inArray(notifications.id, valid), eq(notifications.recipientId, userId)))
    : [];
  if (own.length !== wanted.length) {
    return { notifications: [], unreadCount: await unreadCount(db, userId), userErrors: [userError('NOT_FOUND', 'Some of these notifications are not in your inbox.', ['ids'])] };
  }
  const marked =
    own.length === 0
      ? []
      : await db
          .update(notifications)
          .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
          .where(and(inArray(notifications.id, valid), eq(notifications.recipientId, userId)))
          .returning();
  return { notifications: marked, unreadCount: await unreadCount(db, userId), userErrors: [] };
}

export async function preferencesOf(db: Db, userId: string) {
  const declined = new Set((await db.select({ kind: optOuts.kind }).from(optOuts).where(eq(optOuts.userId, userId))).map((o) => o.kind));
  return NOTIFICATION_KINDS.map((kind) => ({ kind, enabled: !declined.has(kind), transactional: TRANSACTIONAL_KINDS.has(kind) }));
}

export async function updatePreferences(db: Db, userId: string, input: readonly NotificationPreferenceInput[]) {
  const check = new InputCheck<UserErrorCode>();
  input.forEach((change, i) => {
    if (!change.enabled && TRANSACTIONAL_KINDS.has(change.kind)) {
      check.add('INVALID_INPUT', `${change.kind} notifications cannot be turned off.`, ['input', String(i), 'enabled']);
    }
  });
  if (!check.ok) return { preferences: await preferencesOf(db, userId), userErrors: check.errors };
  const off = [...new Set(input.filter((c) => !c.enabled).map((c) => c.kind))];
  const on = [...new Set(input.filter((c) => c.enabled).map((c) => c.kind))].filter((k) => !off.includes(k));
  await db.transaction(async (tx) => {
    if (on.length) await tx.delete(optOuts).where(and(eq(optOuts.userId, userId), inArray(optOuts.kind, on as NotificationKind[])));
    if (off.length) await tx.insert(optOuts).values(off.map((kind) => ({ userId, kind }))).onConflictDoNothing();
  });
  return { preferences: await preferencesOf(db, userId), userErrors: [] };
}

export async function failures(db: Db, args: { first?: number | null; after?: string | null }) {
  const size = pageSize(args.first);
  const after = afterCursor(args.after);
  const rows: NotificationFailureParent[] = await db
    .select({
      notificationId: deliveryFailures.notificationId,
      attempts: deliveryFailures.attempts,
      lastError: deliveryFailures.lastError,
      failedAt: deliveryFailures.failedAt,
      kind: notifications.kind,
      recipientEmail: notifications.recipientEmail,
      subject: notifications.subject,
    })
    .from(deliveryFailures)
    .innerJoin(notifications, eq(notifications.id, deliveryFailures.notificationId))
    .where(
      after
        ? or(
            lt(deliveryFailures.failedAt, new Date(after[0])),
            and(eq(deliveryFailures.failedAt, new Date(after[0])), lt(deliveryFailures.notificationId, after[1])),
          )
        : undefined,
    )
    .orderBy(desc(deliveryFailures.failedAt), desc(deliveryFailures.notificationId))
    .limit(size + 1);
  return toConnection(rows, size, (f) => [f.failedAt.toISOString(), f.notificationId]);
}

/** Takes a dead letter out of the failures and makes it due again, with a fresh round of attempts. */
export async function retry(db: Db, notificationId: string): Promise<{ queued: boolean; userErrors: UserError[] }> {
  const notFound = { queued: false, userErrors: [userError<UserErrorCode>('NOT_FOUND', 'No such failed notification.', ['id'])] };
  if (!isId(notificationId)) return notFound;
  const requeued = await db.transaction(async (tx) => {
    const [parked] = await tx.delete(deliveryFailures).where(eq(deliveryFailures.notificationId, notificationId)).returning();
    if (!parked) return false;
    await tx
      .update(notifications)
      .set({ status: 'PENDING', attempts: 0, nextAttemptAt: sql`now()` })
      .where(and(eq(notifications.id, notificationId), eq(notifications.status, 'FAILED')));
    return true;
  });
  return requeued ? { queued: true, userErrors: [] } : notFound;
}

