import { canActForSeller, forbidden, money, type Identity } from '@marketplace/runtime';
import type { SellerResolvers } from '../__generated__/resolvers-types';
import { orderList } from '../order-list';

function assertStoreOrOperator(identity: Identity, sellerId: string): void {
  if (!canActForSeller(identity, sellerId, ['ORDERS_READ'], { adminToo: true })) throw forbidden('Only the store and operators see its orders.');
}

export const Seller: SellerResolvers = {
  orders: (seller, { status, first, after }, { identity }) => {
    assertStoreOrOperator(identity, seller.id);
    return orderList({ status, first, after, sellerId: seller.id });
  },
  revenue: async (seller, _args, { identity, loaders }) => {
    assertStoreOrOperator(identity, seller.id);
    const sums = await loaders.revenueBySellerId.load(seller.id);
    // One currency per marketplace today; a store with none sold yet has earned 0 USD.
    const [sum] = sums;
    return money(sum?.amount ?? 0, sum?.currencyCode);
  },
};
