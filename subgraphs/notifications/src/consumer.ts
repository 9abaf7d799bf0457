/**
 * The notifications service's work: follows the domain events as the durable consumer group
 * `notifications` (every instance shares the work, at least once), decides the messages each
 * calls for, renders them and records them, once per (event, recipient, kind) by a unique
 * constraint; the dispatcher then sends them. Redelivered or replayed events record nothing new.
 */
import { callInternal, consumeEvents, createDatabase, logger, setting, type Contact, type DomainEvent } from '@marketplace/runtime';
import { and, inArray } from 'drizzle-orm';
import type { Db } from './db/client';
import * as tables from './db/schema';
import { notifications, optOuts, type NewNotificationRow } from './db/schema';
import { emailChannel } from './delivery/email';
import { startDispatcher, type Dispatcher } from './delivery/dispatcher';
import { TRANSACTIONAL_KINDS } from './kinds';
import { NOTIFYING_TOPICS, plan, type Draft } from './planner';
import { localeOfCountry } from './templates/format';
import { renderMessage } from './templates/messages';

type StoreContact = Contact & { sellerId: string; storeName: string };

/** Low-stock events name a variant: its titles and SKU come from products, batched. */
async function describeVariants(events: DomainEvent[]): Promise<void> {
  const low = events.filter((e) => e.topic === 'stock.low');
  if (low.length === 0) return;
  const variants = await callInternal('products', 'variantsByIds', { ids: [...new Set(low.map((e) => String(e.payload.variantId)))] });
  const byId = new Map(variants.map((v) => [v.id, v]));
  for (const event of low) {
    const variant = byId.get(String(event.payload.variantId));
    if (variant) Object.assign(event.payload, { productTitle: variant.productTitle, variantTitle: variant.title, sku: variant.sku });
  }
}

/**
 * A confirmation is written in the statement that numbers the order, and `order.updated` carries
 * no number: those come from orders, batched.
 */
async function numberOrders(events: DomainEvent[]): Promise<void> {
  const unnumbered = events.filter((e) => (e.topic === 'order.confirmed' || e.topic === 'order.updated') && !e.payload.orderNumber);
  if (unnumbered.length === 0) return;
  const numbers = await callInternal('orders', 'orderNumbers', { orderIds: [...new Set(unnumbered.map((e) => String(e.payload.orderId)))] });
  const byId = new Map(numbers.map((n) => [n.orderId, n.number]));
  for (const event of unnumbered) {
    const number = byId.get(String(event.payload.orderId));
    if (number) event.payload.orderNumber = number;
  }
}

/** Everyone the drafts are for, in three batched calls to users at most. */
async function contactsOf(drafts: Draft[]) {
  const customerIds = [...new Set(drafts.flatMap((d) => ('customer' in d.audience ? [d.audience.customer] : [])))];
  const sellerIds = [...new Set(drafts.flatMap((d) => ('seller' in d.audience ? [d.audience.seller] : [])))];
  const wantsOperators = drafts.some((d) => 'operators' in d.audience);
  const [customers, stores, operators] = await Promise.all([
    customerIds.length ? callInternal('users', 'contacts', { userIds: customerIds }) : [],
    sellerIds.length ? callInternal('users', 'sellerContacts', { sellerIds }) : [],
    wantsOperators ? callInternal('users', 'operatorContacts', {}) : [],
  ]);
  return {
    customers: new Map(customers.map((c) => [c.userId, c])),
    stores: new Map<string, StoreContact>(stores.map((s) => [s.sellerId, s])),
    operators,
  };
}

/** The rows to record for these events: drafts addressed, opt-outs left out, messages rendered. */
export async function notificationsFor(db: Db, events: DomainEvent[]): Promise<NewNotificationRow[]> {
  await Promise.all([describeVariants(events), numberOrders(events)]);
  const drafts = events.flatMap(plan);
  if (drafts.length === 0) return [];
  const { customers, stores, operators } = await contactsOf(drafts);
  let unknown = 0;
  const addressed = drafts.flatMap((draft) => {
    const a = draft.audience;
    if ('operators' in a) return operators.map((contact) => ({ draft, contact, storeName: '' }));
    const store = 'seller' in a ? stores.get(a.seller) : undefined;
    const contact: Contact | undefined = 'customer' in a ? customers.get(a.customer) : store;
    if (!contact) {
      unknown += 1;
      return [];
    }
    return [{ draft, contact, storeName: store?.storeName ?? '' }];
  });
  // Accounts users does not know (events from before a database was recreated): nobody to tell.
  if (unknown) logger.warn({ unknown }, 'notifications for unknown recipients skipped');
  const optional = addressed.filter(({ draft }) => !TRANSACTIONAL_KINDS.has(draft.kind));
  const declined = optional.length
    ? await db
        .select({ userId: optOuts.userId, kind: optOuts.kind })
        .from(optOuts)
        .where(and(inArray(optOuts.userId, [...new Set(optional.map((x) => x.contact.userId))]), inArray(optOuts.kind, [...new Set(optional.map((x) => x.draft.kind))])))
    : [];
  const declinedKeys = new Set(declined.map((d) => `${d.userId}:${d.kind}`));
  const wanted = addressed.filter(({ draft, contact }) => !declinedKeys.has(`${contact.userId}:${draft.kind}`));
  return wanted.map(({ draft, contact, storeName }) => {
    const rendered = renderMessage(draft.message({ storeName }), { name: contact.name, locale: localeOfCountry(draft.country) });
    return {
      eventId: draft.event.id,
      recipientId: contact.userId,
      kind: draft.kind,
      recipientEmail: contact.email,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      orderId: draft.orderId,
      occurredAt: new Date(draft.event.occurredAt),
    };
  });
}

/** Records them; an (event, recipient, kind) recorded before is left as it is. Answers how many are new. */
export async function recordNotifications(db: Db, rows: NewNotificationRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing({ target: [notifications.eventId, notifications.recipientId, notifications.kind] })
    .returning({ id: notifications.id });
  return inserted.length;
}

export interface NotificationService {
  /** Null where delivery is off (NOTIFICATION_DELIVERY). */
  dispatcher: Dispatcher | null;
  stop(): Promise<void>;
}

/** The consumer groups and the dispatcher, on a small pool of their own (apart from requests'). */
export function startNotificationService(): NotificationService {
  const database = createDatabase(tables, { max: 2, countStatements: false });
  const { db } = database;
  const dispatcher = setting('NOTIFICATION_DELIVERY') === 'on' ? startDispatcher(db, emailChannel()) : null;
  const consumers = NOTIFYING_TOPICS.map((topic) =>
    consumeEvents({
      topic,
      group: 'notifications',
      startAt: 'latest',
      handler: async (events) => {
        if ((await recordNotifications(db, await notificationsFor(db, events))) > 0) dispatcher?.wake();
      },
    }),
  );
  return {
    dispatcher,
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
      await dispatcher?.stop();
      await database.close();
    },
  };
}

/** The service running in this process (tests wait for its dispatcher to be idle). */
export const running: { service: NotificationService | null } = { service: null };
