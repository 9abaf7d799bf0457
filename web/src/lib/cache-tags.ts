/**
 * What each contract operation reads and changes, for urql's document cache. That cache keeps
 * answers per operation and drops those a mutation touches, knowing which by the types in the
 * answers (`__typename`); but the client sends the contract's operations exactly as written (the
 * trusted-documents manifest is their text), without `__typename`, so the dependencies are
 * declared here instead, by operation name: a mutation invalidates every cached query sharing a tag.
 */
export const CACHE_TAGS: Readonly<Record<string, readonly string[]>> = {
  // reads
  Me: ['User', 'Address'],
  Cart: ['Cart'],
  MyOrders: ['Order'],
  OrderDetail: ['Order'],
  Catalog: ['Product'],
  ProductPage: ['Product', 'Stock', 'Review'],
  SellerDashboard: ['Product', 'Stock', 'Order'],
  // changes
  AddAddress: ['Address'],
  AddToWishlist: ['User'],
  RemoveFromWishlist: ['User'],
  BecomeSeller: ['User'],
  AddToCart: ['Cart'],
  UpdateCartLine: ['Cart'],
  RemoveCartLine: ['Cart'],
  Checkout: ['Cart', 'Order', 'Stock'],
  CancelOrder: ['Order', 'Stock'],
  RequestReturn: ['Order'],
  WriteReview: ['Review'],
  MarkReviewHelpful: ['Review'],
  CreateProduct: ['Product'],
  UpdateProduct: ['Product'],
  SetStock: ['Stock'],
  ShipOrderLines: ['Order', 'Stock'],
  MarkShipmentDelivered: ['Order'],
};
