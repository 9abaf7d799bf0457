/**
 * The authorization matrix: for every client-contract operation (and a few field paths beyond the
 * contract that reach a store's private data), what each kind of caller gets. Pure data:
 * tests/authorization-matrix.test.ts runs every cell through the gateway, and
 * docs/authorization.md is rendered from it (`pnpm docs:authorization`; a test fails when stale).
 *
 * The cells of one row all aim at the same objects, owned by the first customer and seller A (see
 * `target`): "another customer" and "another seller" are guessing ids that are not theirs.
 */
import { SCOPES, type Scope } from '@marketplace/runtime';

export const IDENTITIES = [
  'anonymous',
  'customer',
  'otherCustomer',
  'seller',
  'otherSeller',
  ...SCOPES.map((s) => `key:${s}` as const),
  'operator',
] as const;
export type IdentityName = (typeof IDENTITIES)[number];

/** Who each column is, for the documentation. */
export const IDENTITY_DESCRIPTIONS: Record<IdentityName, string> = {
  anonymous: 'no token',
  customer: 'the first customer, who owns the targeted customer objects (order, cart line, address, review)',
  otherCustomer: 'another customer',
  seller: 'seller A, whose products, stock, order line and keys are targeted',
  otherSeller: 'seller B, a store of its own (with products and stock), guessing A’s ids',
  ...(Object.fromEntries(SCOPES.map((s) => [`key:${s}`, `an API key of seller A holding only ${s}`])) as Record<`key:${Scope}`, string>),
  operator: 'the operator account (ADMIN)',
};

/**
 * - `ALLOWED`: data, no errors, no userErrors.
 * - `HIDDEN`: no error, but the targeted object is not there (null, or absent from the list).
 * - `UNAUTHENTICATED`, `FORBIDDEN`: the GraphQL error code.
 * - anything else: the `userErrors` code of the payload.
 */
export type Outcome = 'ALLOWED' | 'HIDDEN' | 'UNAUTHENTICATED' | 'FORBIDDEN' | (string & {});

export interface MatrixRow {
  /** Unique: the operation name, or `Operation: case` when one operation has several rows. */
  id: string;
  /** A contract operation (sent exactly as clients send it), or a query of our own (`document`). */
  operation: string;
  /** For rows beyond the contract: the document to send. */
  document?: string;
  /** What the cells aim at. */
  target: string;
  /** Subscriptions run over WebSocket (graphql-ws). */
  transport?: 'ws';
  /** When a visible answer is more than a non-null root field: whether the target is in `data`. */
  visible?: (data: any) => boolean;
  expected: Record<IdentityName, Outcome>;
}

type Cells = Partial<Record<IdentityName, Outcome>>;
const keyName = (s: Scope) => `key:${s}` as const;

/** Every column `base`, then the overrides. */
function cells(base: Outcome, overrides: Cells = {}): Record<IdentityName, Outcome> {
  return Object.fromEntries(IDENTITIES.map((i) => [i, overrides[i] ?? base])) as Record<IdentityName, Outcome>;
}
/** Keys holding one of `scopes` get `outcome`. */
function keysWith(scopes: Scope[], outcome: Outcome): Cells {
  return Object.fromEntries(scopes.map((s) => [keyName(s), outcome]));
}
const allKeys = (outcome: Outcome): Cells => keysWith([...SCOPES], outcome);

/** Open to everyone. */
const everyone = () => cells('ALLOWED');
/** Any account acting on its own things; keys are not accounts. */
const accounts = (overrides: Cells = {}) => cells('ALLOWED', { anonymous: 'UNAUTHENTICATED', ...allKeys('FORBIDDEN'), ...overrides });
/** An account reading its own things where the answer is null for callers without an account. */
const selfOrNull = () => cells('ALLOWED', { anonymous: 'HIDDEN', ...allKeys('HIDDEN') });
/** Operators only. */
const operatorsOnly = () => cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', operator: 'ALLOWED' });
/** Seller A's own session and its keys holding one of `scopes` (plus `extra`); everyone else refused. */
const storeA = (scopes: Scope[], extra: Cells = {}) =>
  cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', seller: 'ALLOWED', ...keysWith(scopes, 'ALLOWED'), ...extra });
/** The first customer's own things (order, cart line, address): the customer alone, plus `extra`. */
const customerA = (extra: Cells = {}) => cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', customer: 'ALLOWED', ...extra });

/**
 * For the marketplace-wide lists: any answer without an error is the operator's to see. Their
 * content is not the matrix's (tests of single subgraphs add orders and reviews whose customers
 * and products exist nowhere else, which null a page through the gateway).
 */
const anyAnswer = () => true;

/** Drafts are not for sale, to their own store neither: every account is told NOT_FOUND. */
const notFoundForAccounts: Cells = { customer: 'NOT_FOUND', otherCustomer: 'NOT_FOUND', seller: 'NOT_FOUND', otherSeller: 'NOT_FOUND', operator: 'NOT_FOUND' };

const CONTRACT_ROWS: MatrixRow[] = [
  // storefront.graphql
  { id: 'Register', operation: 'Register', target: 'a new account (fresh email per cell)', expected: everyone() },
  { id: 'Login', operation: 'Login', target: 'the email and password of an account (one per cell)', expected: everyone() },
  { id: 'RefreshSession', operation: 'RefreshSession', target: 'a refresh token of an account (one per cell): the token is the credential', expected: everyone() },
  { id: 'Logout', operation: 'Logout', target: 'a refresh token of an account (one per cell)', expected: everyone() },
  { id: 'Me', operation: 'Me', target: 'the caller', expected: selfOrNull() },
  { id: 'AddAddress', operation: 'AddAddress', target: 'the caller’s address book', expected: accounts() },
  { id: 'AddToWishlist', operation: 'AddToWishlist', target: 'A’s active product, into the caller’s wishlist', expected: accounts() },
  { id: 'AddToWishlist: draft', operation: 'AddToWishlist', target: 'A’s draft product', expected: accounts({ ...notFoundForAccounts }) },
  { id: 'RemoveFromWishlist', operation: 'RemoveFromWishlist', target: 'A’s active product, from the caller’s wishlist', expected: accounts() },
  { id: 'Categories', operation: 'Categories', target: 'the category tree', expected: everyone() },
  { id: 'Catalog', operation: 'Catalog', target: 'active products filtered to seller A', expected: everyone() },
  { id: 'Suggest', operation: 'Suggest', target: 'a prefix of A’s active product', expected: everyone() },
  { id: 'ProductPage', operation: 'ProductPage', target: 'A’s active product', expected: everyone() },
  {
    id: 'ProductPage: draft',
    operation: 'ProductPage',
    target: 'A’s draft product',
    expected: cells('HIDDEN', { seller: 'ALLOWED', ...keysWith(['PRODUCTS_READ', 'PRODUCTS_WRITE'], 'ALLOWED'), operator: 'ALLOWED' }),
  },
  { id: 'Cart', operation: 'Cart', target: 'the caller’s cart', expected: selfOrNull() },
  { id: 'AddToCart', operation: 'AddToCart', target: 'A’s variant, into the caller’s cart', expected: accounts() },
  { id: 'AddToCart: draft', operation: 'AddToCart', target: 'a variant of A’s draft product', expected: accounts({ ...notFoundForAccounts }) },
  { id: 'UpdateCartLine', operation: 'UpdateCartLine', target: 'a line of the customer’s cart', expected: customerA() },
  { id: 'RemoveCartLine', operation: 'RemoveCartLine', target: 'a line of the customer’s cart', expected: customerA() },
  {
    id: 'Checkout',
    operation: 'Checkout',
    target: 'the caller’s (non-empty) cart, shipped to the customer’s address',
    expected: accounts({ otherCustomer: 'INVALID_ADDRESS', seller: 'INVALID_ADDRESS', otherSeller: 'INVALID_ADDRESS', operator: 'INVALID_ADDRESS' }),
  },
  { id: 'MyOrders', operation: 'MyOrders', target: 'the caller’s orders', expected: selfOrNull() },
  {
    id: 'OrderDetail',
    operation: 'OrderDetail',
    target: 'the customer’s order holding a line of A’s',
    expected: cells('FORBIDDEN', {
      anonymous: 'UNAUTHENTICATED',
      customer: 'ALLOWED',
      otherCustomer: 'HIDDEN',
      seller: 'ALLOWED',
      otherSeller: 'HIDDEN',
      [keyName('ORDERS_READ')]: 'ALLOWED',
      operator: 'ALLOWED',
    }),
  },
  { id: 'CancelOrder', operation: 'CancelOrder', target: 'the customer’s confirmed order', expected: customerA({ operator: 'ALLOWED' }) },
  { id: 'RequestReturn', operation: 'RequestReturn', target: 'the customer’s delivered order', expected: customerA() },
  { id: 'WriteReview', operation: 'WriteReview', target: 'A’s active product, reviewed by the caller', expected: accounts() },
  { id: 'WriteReview: draft', operation: 'WriteReview', target: 'A’s draft product', expected: accounts({ ...notFoundForAccounts }) },
  {
    id: 'MarkReviewHelpful',
    operation: 'MarkReviewHelpful',
    target: 'the customer’s published review',
    expected: accounts({ customer: 'INVALID_INPUT' }),
  },
  // seller.graphql
  {
    id: 'BecomeSeller',
    operation: 'BecomeSeller',
    target: 'the caller’s account (a fresh customer per allowed cell)',
    expected: accounts({ seller: 'ALREADY_SELLER', otherSeller: 'ALREADY_SELLER' }),
  },
  {
    id: 'SellerDashboard',
    operation: 'SellerDashboard',
    target: 'the caller’s store (every key lacks a scope one of its fields needs)',
    expected: cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', seller: 'ALLOWED', otherSeller: 'ALLOWED' }),
  },
  {
    id: 'Warehouses',
    operation: 'Warehouses',
    target: 'every warehouse',
    expected: cells('FORBIDDEN', {
      anonymous: 'UNAUTHENTICATED',
      seller: 'ALLOWED',
      otherSeller: 'ALLOWED',
      ...keysWith(['INVENTORY_READ', 'INVENTORY_WRITE'], 'ALLOWED'),
      operator: 'ALLOWED',
    }),
  },
  {
    id: 'CreateProduct',
    operation: 'CreateProduct',
    target: 'a new product in the caller’s store',
    expected: storeA(['PRODUCTS_WRITE'], { otherSeller: 'ALLOWED' }),
  },
  { id: 'UpdateProduct', operation: 'UpdateProduct', target: 'A’s product', expected: storeA(['PRODUCTS_WRITE']) },
  { id: 'SetStock', operation: 'SetStock', target: 'A’s variant', expected: storeA(['INVENTORY_WRITE']) },
  { id: 'SetStock: never stocked', operation: 'SetStock', target: 'A’s variant that has no stock yet (inventory asks the catalog whose it is)', expected: storeA(['INVENTORY_WRITE']) },
  { id: 'ShipOrderLines', operation: 'ShipOrderLines', target: 'A’s line of the customer’s order', expected: storeA(['ORDERS_WRITE']) },
  {
    id: 'MarkShipmentDelivered',
    operation: 'MarkShipmentDelivered',
    target: 'A’s shipment',
    expected: storeA(['ORDERS_WRITE'], { operator: 'ALLOWED' }),
  },
  { id: 'CreateApiKey', operation: 'CreateApiKey', target: 'a new key of the caller’s store', expected: storeA([], { otherSeller: 'ALLOWED' }) },
  { id: 'RevokeApiKey', operation: 'RevokeApiKey', target: 'an active key of A’s', expected: storeA([]) },
  // admin.graphql
  { id: 'CreateCategory', operation: 'CreateCategory', target: 'a new category', expected: operatorsOnly() },
  { id: 'CreateWarehouse', operation: 'CreateWarehouse', target: 'a new warehouse', expected: operatorsOnly() },
  { id: 'AllOrders', operation: 'AllOrders', target: 'every order', visible: anyAnswer, expected: operatorsOnly() },
  { id: 'ModerationQueue', operation: 'ModerationQueue', target: 'reviews awaiting moderation', visible: anyAnswer, expected: operatorsOnly() },
  { id: 'ModerateReview', operation: 'ModerateReview', target: 'a review awaiting moderation', expected: operatorsOnly() },
  { id: 'ApproveReturn', operation: 'ApproveReturn', target: 'the customer’s return request', expected: operatorsOnly() },
  { id: 'RefundPayment', operation: 'RefundPayment', target: 'the customer’s captured payment', expected: operatorsOnly() },
  // tracking.graphql
  { id: 'TrackOrder', operation: 'TrackOrder', transport: 'ws', target: 'the customer’s order', expected: customerA({ operator: 'ALLOWED' }) },
  { id: 'WatchStock', operation: 'WatchStock', transport: 'ws', target: 'A’s active product', expected: everyone() },
  {
    id: 'LowStockAlerts',
    operation: 'LowStockAlerts',
    transport: 'ws',
    target: 'the caller’s store',
    expected: storeA(['INVENTORY_READ'], { otherSeller: 'ALLOWED' }),
  },
];

/** Operations this repository adds to the contract (docs/contract-additions/). */
const ADDITION_ROWS: MatrixRow[] = [
  // notifications.graphql
  { id: 'Notifications', operation: 'Notifications', target: 'the caller’s inbox', expected: selfOrNull() },
  {
    id: 'MarkNotificationsRead',
    operation: 'MarkNotificationsRead',
    target: 'a notification in the customer’s inbox',
    expected: customerA({ otherCustomer: 'NOT_FOUND', seller: 'NOT_FOUND', otherSeller: 'NOT_FOUND', operator: 'NOT_FOUND' }),
  },
  { id: 'NotificationPreferences', operation: 'NotificationPreferences', target: 'the caller’s preferences', expected: selfOrNull() },
  { id: 'UpdateNotificationPreferences', operation: 'UpdateNotificationPreferences', target: 'the caller’s preferences', expected: accounts() },
  { id: 'NotificationFailures', operation: 'NotificationFailures', target: 'every dead-lettered notification', visible: anyAnswer, expected: operatorsOnly() },
  {
    id: 'RetryNotification',
    operation: 'RetryNotification',
    target: 'an id that is no dead letter',
    expected: cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', operator: 'NOT_FOUND' }),
  },
];

/** Paths to a store's or a customer's data that the contract's operations do not take. */
const BEYOND_CONTRACT_ROWS: MatrixRow[] = [
  {
    id: 'Seller.orders',
    operation: 'SellerOrders',
    document: 'query SellerOrders($id: ID!) { seller(id: $id) { orders(first: 5) { totalCount edges { node { id } } } } }',
    target: 'A’s store by id',
    expected: storeA(['ORDERS_READ'], { operator: 'ALLOWED' }),
  },
  {
    id: 'Seller.revenue',
    operation: 'SellerRevenue',
    document: 'query SellerRevenue($id: ID!) { seller(id: $id) { revenue { amount currencyCode } } }',
    target: 'A’s store by id',
    expected: storeA(['ORDERS_READ'], { operator: 'ALLOWED' }),
  },
  {
    id: 'Seller.lowStock',
    operation: 'SellerLowStock',
    document: 'query SellerLowStock($id: ID!) { seller(id: $id) { lowStock(threshold: 100000) { variantId available } } }',
    target: 'A’s store by id',
    expected: storeA(['INVENTORY_READ'], { operator: 'ALLOWED' }),
  },
  {
    id: 'Seller.apiKeys',
    operation: 'SellerApiKeys',
    document: 'query SellerApiKeys($id: ID!) { seller(id: $id) { apiKeys { id prefix } } }',
    target: 'A’s store by id',
    expected: storeA([]),
  },
  {
    id: 'Seller.products: drafts',
    operation: 'SellerDrafts',
    document: 'query SellerDrafts($id: ID!) { seller(id: $id) { productCount products(status: DRAFT) { totalCount edges { node { id } } } } }',
    target: 'A’s store by id (listed when its draft is in the list)',
    visible: (data) => data.seller.products.edges.length > 0,
    expected: cells('HIDDEN', { seller: 'ALLOWED', ...keysWith(['PRODUCTS_READ', 'PRODUCTS_WRITE'], 'ALLOWED'), operator: 'ALLOWED' }),
  },
  {
    id: 'VariantStock details',
    operation: 'StockDetails',
    document:
      'query StockDetails($id: ID!) { product(id: $id) { variants { stock { available onHand reserved lowStockThreshold warehouses { onHand reserved warehouse { code } } } } } }',
    target: 'A’s active product',
    expected: storeA(['INVENTORY_READ', 'INVENTORY_WRITE'], { operator: 'ALLOWED' }),
  },
  {
    id: 'stockChanged: stock details',
    operation: 'WatchStockDetails',
    transport: 'ws',
    document: 'subscription WatchStockDetails($productId: ID!) { stockChanged(productId: $productId) { variantId available onHand reserved } }',
    target: 'A’s active product: the public event with the store’s own figures selected',
    expected: storeA(['INVENTORY_READ', 'INVENTORY_WRITE'], { operator: 'ALLOWED' }),
  },
  {
    id: 'Order.payment',
    operation: 'OrderPayment',
    document: 'query OrderPayment($id: ID!) { order(id: $id) { id payment { id status } } }',
    target: 'the customer’s order holding a line of A’s (listed when the payment is there)',
    visible: (data) => data.order?.payment != null,
    expected: cells('FORBIDDEN', {
      anonymous: 'UNAUTHENTICATED',
      customer: 'ALLOWED',
      otherCustomer: 'HIDDEN',
      seller: 'HIDDEN',
      otherSeller: 'HIDDEN',
      [keyName('ORDERS_READ')]: 'HIDDEN',
      operator: 'ALLOWED',
    }),
  },
  {
    id: 'Order.customer',
    operation: 'OrderCustomer',
    document: 'query OrderCustomer($id: ID!) { order(id: $id) { id customer { id email addresses { line1 } } } }',
    target: 'the customer’s order holding a line of A’s',
    expected: cells('FORBIDDEN', {
      anonymous: 'UNAUTHENTICATED',
      customer: 'ALLOWED',
      otherCustomer: 'HIDDEN',
      seller: 'FORBIDDEN',
      otherSeller: 'HIDDEN',
      operator: 'ALLOWED',
    }),
  },
  {
    id: 'User.notifications: through an order',
    operation: 'OrderCustomerInbox',
    document: 'query OrderCustomerInbox($id: ID!) { order(id: $id) { id customer { id notifications(first: 5) { edges { node { id subject } } } } } }',
    target: 'the inbox of the customer of an order holding a line of A’s (operators see the order, not the inbox)',
    expected: cells('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', customer: 'ALLOWED', otherCustomer: 'HIDDEN', otherSeller: 'HIDDEN' }),
  },
  {
    id: 'setLowStockThreshold',
    operation: 'SetLowStockThreshold',
    document:
      'mutation SetLowStockThreshold($variantId: ID!, $threshold: Int!) { setLowStockThreshold(variantId: $variantId, threshold: $threshold) { stock { variantId } userErrors { code } } }',
    target: 'A’s variant',
    expected: storeA(['INVENTORY_WRITE']),
  },
  {
    id: 'addProductVariant',
    operation: 'AddProductVariant',
    document:
      'mutation AddProductVariant($productId: ID!, $input: ProductVariantInput!) { addProductVariant(productId: $productId, input: $input) { product { id } userErrors { code } } }',
    target: 'A’s product',
    expected: storeA(['PRODUCTS_WRITE']),
  },
  {
    id: 'updateProductVariant',
    operation: 'UpdateProductVariant',
    document:
      'mutation UpdateProductVariant($id: ID!, $input: UpdateProductVariantInput!) { updateProductVariant(id: $id, input: $input) { product { id } userErrors { code } } }',
    target: 'A’s variant',
    expected: storeA(['PRODUCTS_WRITE']),
  },
  {
    id: 'updateAddress',
    operation: 'UpdateAddress',
    document:
      'mutation UpdateAddress($id: ID!, $input: AddressInput!) { updateAddress(id: $id, input: $input) { address { id } userErrors { code } } }',
    target: 'an address of the customer’s',
    expected: customerA(),
  },
  {
    id: 'removeAddress',
    operation: 'RemoveAddress',
    document: 'mutation RemoveAddress($id: ID!) { removeAddress(id: $id) { removedAddressId userErrors { code } } }',
    target: 'an address of the customer’s',
    expected: customerA(),
  },
  {
    id: 'rejectReturn',
    operation: 'RejectReturn',
    document:
      'mutation RejectReturn($id: ID!) { rejectReturn(returnRequestId: $id) { returnRequest { id status } userErrors { code } } }',
    target: 'the customer’s return request',
    expected: operatorsOnly(),
  },
];

export const MATRIX: MatrixRow[] = [...CONTRACT_ROWS, ...ADDITION_ROWS, ...BEYOND_CONTRACT_ROWS];
