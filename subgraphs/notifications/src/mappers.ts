/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { DeliveryFailureRow, NotificationRow } from './db/schema';

export type NotificationParent = NotificationRow;
/** A dead letter with the notification it parks. */
export type NotificationFailureParent = DeliveryFailureRow & Pick<NotificationRow, 'kind' | 'recipientEmail' | 'subject'>;
/** A user as notifications knows it: just its key. */
export type UserParent = { id: string };
