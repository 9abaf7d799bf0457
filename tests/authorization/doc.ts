/**
 * docs/authorization.md, rendered from the matrix the tests run.
 *   pnpm docs:authorization   rewrites it (tests/authorization-doc.test.ts fails when it is stale)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@marketplace/runtime';
import { contractOperations } from '../../scripts/contract';
import { IDENTITIES, IDENTITY_DESCRIPTIONS, MATRIX, type IdentityName, type MatrixRow, type Outcome } from './matrix';

export const AUTHORIZATION_DOC_PATH = join(REPO_ROOT, 'docs', 'authorization.md');

const COLUMN: Record<IdentityName, string> = {
  anonymous: 'anon',
  customer: 'cust',
  otherCustomer: 'cust 2',
  seller: 'seller A',
  otherSeller: 'seller B',
  'key:PRODUCTS_READ': 'key PR',
  'key:PRODUCTS_WRITE': 'key PW',
  'key:INVENTORY_READ': 'key IR',
  'key:INVENTORY_WRITE': 'key IW',
  'key:ORDERS_READ': 'key OR',
  'key:ORDERS_WRITE': 'key OW',
  operator: 'operator',
};

const SYMBOLS: Record<string, string> = { ALLOWED: '✅', HIDDEN: 'null', UNAUTHENTICATED: '🔒', FORBIDDEN: '⛔' };
const cell = (outcome: Outcome) => SYMBOLS[outcome] ?? `\`${outcome}\``;

const overWs = (row: MatrixRow) => (row.transport === 'ws' ? ' (WebSocket)' : '');

function table(rows: MatrixRow[], label: (row: MatrixRow) => string): string {
  const header = `| operation | target | ${IDENTITIES.map((i) => COLUMN[i]).join(' | ')} |`;
  const rule = `| --- | --- | ${IDENTITIES.map(() => ':-:').join(' | ')} |`;
  const lines = rows.map((row) => `| ${label(row)} | ${row.target} | ${IDENTITIES.map((i) => cell(row.expected[i])).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}

export function renderAuthorizationDoc(): string {
  const fileOf = new Map(contractOperations().map((o) => [o.name, o.file]));
  const order = ['storefront.graphql', 'seller.graphql', 'admin.graphql', 'tracking.graphql'];
  const files = [...new Set(fileOf.values())].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const contractTables = files.map((file) => {
    const rows = MATRIX.filter((r) => !r.document && fileOf.get(r.operation) === file);
    return `### \`${file}\`\n\n${table(rows, (r) => `${r.id}${overWs(r)}`)}`;
  });
  const beyond = MATRIX.filter((r) => r.document);
  return `<!-- Generated from tests/authorization/matrix.ts by \`pnpm docs:authorization\`; edit the matrix, not this file. -->
# Authorization

Who may do what, for every operation of the client contract (\`../shared/contract\`) and for a few
paths beyond it that reach a store's or a customer's private data. The table is the data that
\`tests/authorization-matrix.test.ts\` runs through the gateway, cell by cell; a cell that behaves
otherwise fails the test.

## How it is enforced

1. **The gateway** authenticates: an access token (verified locally) or a seller API key secret
   (\`mk_…\`, checked with users on every request, so a revoked key is refused on its next request
   with \`UNAUTHENTICATED\`). Subgraphs receive the identity as a short signed assertion only.
2. **\`@auth\` rules in the SDL** say who may use a field: \`public\`, or \`roles\` (account roles) and
   \`scopes\` (which API keys may, besides the roles). A seller's own session holds every scope; a
   key acts as its store with exactly its scopes and is never an account (no cart, no orders, no
   keys). Each subgraph enforces its rules before resolvers run and refuses to start if a root
   field has none; \`tests/authorization-schema.test.ts\` fails on any seller-facing field of the
   composed schema without one.
3. **Ownership** is decided by the subgraph that owns the data: products (a store's products and
   drafts), inventory (stock details, low stock), orders (order lines, shipments, revenue,
   returns), payments (an order's payment: its customer and operators only), users (addresses,
   wishlists, keys), reviews (moderation).

Outcomes follow the contract: a query for one object the caller may not see answers \`null\`; a
mutation on an unknown id answers \`userErrors\` \`NOT_FOUND\`; acting on someone else's existing
object is \`FORBIDDEN\`.

## Legend

| cell | meaning |
| --- | --- |
| ✅ | allowed: data, no errors, no \`userErrors\` |
| null | no error, but the target is not there for this caller (\`null\`, or missing from the list) |
| 🔒 | \`UNAUTHENTICATED\`: sign in first |
| ⛔ | \`FORBIDDEN\`: role, scope or ownership |
| \`CODE\` | the payload's \`userErrors\` code |

| column | who |
| --- | --- |
${IDENTITIES.map((i) => `| ${COLUMN[i]} | ${IDENTITY_DESCRIPTIONS[i]} |`).join('\n')}

Every cell of a row aims at the same objects (the first customer's, seller A's), so "cust 2" and
"seller B" are guessing ids that are not theirs. Rows marked WebSocket are subscriptions, sent over
graphql-ws: a refused one gets its error at once and never an event.

## Contract operations

${contractTables.join('\n\n')}

## Beyond the contract

Field paths a client could send to reach private data by id.

${table(beyond, (r) => `${r.id}${overWs(r)}<br>\`${r.operation}\``)}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(AUTHORIZATION_DOC_PATH, renderAuthorizationDoc());
  console.log(`wrote ${AUTHORIZATION_DOC_PATH}`);
}
