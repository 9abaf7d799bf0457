import { requireUser, userError } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { addToCart, removeCartLine, updateCartLine } from '../cart';
import { orderAsSeenBy } from '../access';
import { checkout } from '../checkout/saga';
import { cancelOrder } from '../lifecycle/cancellation';
import { approveReturn, rejectReturn, requestReturn } from '../lifecycle/returns';
import { markShipmentDelivered, shipOrderLines } from '../lifecycle/shipping';

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { variantId, quantity }, ctx) => addToCart(ctx, requireUser(ctx.identity).userId, variantId, quantity),
  updateCartLine: (_parent, { lineId, quantity }, ctx) => updateCartLine(ctx, requireUser(ctx.identity).userId, lineId, quantity),
  removeCartLine: (_parent, { lineId }, ctx) => removeCartLine(ctx, requireUser(ctx.identity).userId, lineId),
  checkout: async (_parent, { input }, { identity, loaders }) => {
    const outcome = await checkout(requireUser(identity).userId, input);
    if ('failure' in outcome) {
      return { order: null, userErrors: [userError(outcome.failure.code, outcome.failure.message, ['input'])] };
    }
    if ('inProgress' in outcome) {
      return { order: null, userErrors: [userError('CHECKOUT_IN_PROGRESS', 'This checkout is still being processed; send it again with the same idempotency key for its order.', ['input', 'idempotencyKey'])] };
    }
    if (outcome.confirmed) {
      loaders.orderById.prime(outcome.orderId, outcome.confirmed.order);
      loaders.linesByOrderId.prime(outcome.orderId, outcome.confirmed.lines);
    }
    return { order: await orderAsSeenBy(identity, loaders, await loaders.orderById.load(outcome.orderId)), userErrors: [] };
  },
  cancelOrder: (_parent, { orderId }, { identity }) => cancelOrder(identity, orderId),
  shipOrderLines: (_parent, { input }, { identity }) => shipOrderLines(identity, input),
  markShipmentDelivered: (_parent, { shipmentId }, { identity }) => markShipmentDelivered(identity, shipmentId),
  requestReturn: (_parent, { orderId, lineIds, reason }, { identity }) => requestReturn(identity, orderId, lineIds, reason),
  approveReturn: (_parent, { returnRequestId }) => approveReturn(returnRequestId),
  rejectReturn: (_parent, { returnRequestId, note }) => rejectReturn(returnRequestId, note),
};
