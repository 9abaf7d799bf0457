import { sql } from 'drizzle-orm';
import { reviews } from './schema';

// Statuses are written as literals, not bound parameters: the planner may only use the partial
// indexes (`WHERE status = ...`) when it sees the value, in generic plans too.
export const isPublished = sql`${reviews.status} = 'PUBLISHED'`;
export const isAwaitingModeration = sql`${reviews.status} = 'PENDING_MODERATION'`;
