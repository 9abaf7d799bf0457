/**
 * Writes to the catalog. Each validates its whole input first (every problem reported at once),
 * then writes in one transaction; uniqueness is the database's to enforce. A committed write is
 * counted in the catalog version before the write answers (`bumpCatalogVersion`), so cached searches
 * (products' and the gateway's) see it at once.
 */
import { actingSellerId, bumpCatalogVersion, forbidden, InputCheck, isId, uniqueViolation, userError, type Identity } from '@marketplace/runtime';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type {
  CreateCategoryInput,
  CreateProductInput,
  ProductVariantInput,
  UpdateProductInput,
  UpdateProductVariantInput,
  UserError,
  UserErrorCode,
} from './__generated__/resolvers-types';
import { db, type Tx } from './db/client';
import { categories, products, variants, type CategoryRow, type ProductRow } from './db/schema';

type Result<T> = { ok: T } | { errors: UserError[] };
const MAX_PRICE = 2_147_483_647;
const MAX_VARIANTS = 100;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CURRENCY = /^[A-Z]{3}$/;

function sellerOf(identity: Identity): string {
  const sellerId = actingSellerId(identity, ['PRODUCTS_WRITE']);
  if (!sellerId) throw forbidden('Only a store can change its catalog.');
  return sellerId;
}

function isWebUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function checkImages(check: InputCheck<UserErrorCode>, images: string[], field: string[]): string[] {
  if (images.length > 10) check.add('INVALID_INPUT', 'At most 10 images.', field);
  return images.map((url, i) => {
    const trimmed = url.trim();
    if (trimmed.length > 2000) check.add('TOO_LONG', 'Image URLs must be at most 2000 characters.', [...field, String(i)]);
    else if (!isWebUrl(trimmed)) check.add('INVALID_INPUT', 'Images must be http(s) URLs.', [...field, String(i)]);
    return trimmed;
  });
}

function checkAttributes(check: InputCheck<UserErrorCode>, attributes: { name: string; value: string }[], field: string[]) {
  if (attributes.length > 20) check.add('INVALID_INPUT', 'At most 20 attributes.', field);
  return attributes.map((a, i) => ({
    name: check.text(a.name, [...field, String(i), 'name'], { max: 100, label: 'Attribute name' }),
    value: check.text(a.value, [...field, String(i), 'value'], { max: 100, label: 'Attribute value' }),
  }));
}

function checkPrice(check: InputCheck<UserErrorCode>, price: number, field: string[]): number {
  if (!Number.isInteger(price) || price <= 0 || price > MAX_PRICE) {
    check.add('INVALID_PRICE', 'Prices are positive whole numbers of minor units (cents).', field);
  }
  return price;
}

function checkVariant(check: InputCheck<UserErrorCode>, v: ProductVariantInput, field: string[]) {
  const currencyCode = v.currencyCode ?? 'USD';
  if (!CURRENCY.test(currencyCode)) check.add('INVALID_INPUT', 'Currency codes are three letters (ISO 4217).', [...field, 'currencyCode']);
  return {
    sku: check.text(v.sku, [...field, 'sku'], { max: 64, label: 'SKU' }),
    title: check.text(v.title, [...field, 'title'], { max: 100, label: 'Variant title' }),
    attributes: checkAttributes(check, v.attributes ?? [], [...field, 'attributes']),
    price: checkPrice(check, v.price, [...field, 'price']),
    currencyCode,
  };
}

/**
 * After the SKU constraint refused a write: which of the input's SKUs the store already uses, on
 * their input fields. Read only to explain the failure; the constraint decided it.
 */
async function duplicateSkus(sellerId: string, skus: { sku: string; field: string[] }[]): Promise<{ errors: UserError[] }> {
  const taken = await db
    .select({ sku: variants.sku })
    .from(variants)
    .where(and(eq(variants.sellerId, sellerId), inArray(variants.sku, skus.map((s) => s.sku))));
  const takenSet = new Set(taken.map((t) => t.sku));
  const errors = skus
    .filter((s) => takenSet.has(s.sku))
    .map((s) => userError<UserErrorCode>('DUPLICATE_SKU', `SKU ${s.sku} is already used in your store.`, s.field));
  return { errors: errors.length ? errors : [userError('DUPLICATE_SKU', 'A SKU is already used in your store.', ['input', 'variants'])] };
}
const SKU_CONSTRAINT = 'variants_seller_sku_unique';

/**
 * Locks a product for a variant change: concurrent changes of its variants then run one after the
 * other, so each recomputation of the lowest price sees the others' committed prices.
 */
async function lockProduct(tx: Tx, productId: string): Promise<void> {
  await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for('update');
}

async function refreshMinPrice(tx: Tx, productId: string): Promise<ProductRow> {
  const [row] = await tx
    .update(products)
    .set({
      minPrice: sql`(select min(${variants.price}) from ${variants} where ${variants.productId} = ${productId})`,
      updatedAt: new Date(),
    })
    .where(eq(products.id, productId))
    .returning();
  return row!;
}

async function categoryExists(id: string | null | undefined): Promise<boolean> {
  if (!isId(id)) return false;
  const [row] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, id));
  return Boolean(row);
}

export async function createProduct(identity: Identity, input: CreateProductInput): Promise<Result<ProductRow>> {
  const sellerId = sellerOf(identity);
  const check = new InputCheck<UserErrorCode>();
  const title = check.text(input.title, ['input', 'title'], { max: 200, label: 'Title' });
  const description = check.text(input.description, ['input', 'description'], { min: 0, max: 5000, label: 'Description' });
  const brand = check.text(input.brand, ['input', 'brand'], { max: 100, label: 'Brand' });
  const images = checkImages(check, input.images ?? [], ['input', 'images']);
  if (input.variants.length === 0) check.add('INVALID_INPUT', 'A product needs at least one variant.', ['input', 'variants']);
  if (input.variants.length > MAX_VARIANTS) check.add('INVALID_INPUT', `At most ${MAX_VARIANTS} variants.`, ['input', 'variants']);
  const newVariants = input.variants.map((v, i) => checkVariant(check, v, ['input', 'variants', String(i)]));
  const seen = new Set<string>();
  newVariants.forEach((v, i) => {
    if (v.sku && seen.has(v.sku)) check.add('DUPLICATE_SKU', `SKU ${v.sku} appears twice.`, ['input', 'variants', String(i), 'sku']);
    seen.add(v.sku);
  });
  const currencies = new Set(newVariants.map((v) => v.currencyCode));
  if (currencies.size > 1) check.add('INVALID_INPUT', 'All variants of a product share one currency.', ['input', 'variants']);
  if (!(await categoryExists(input.categoryId))) check.add('NOT_FOUND', 'No such category.', ['input', 'categoryId']);
  if (!check.ok) return { errors: check.errors };

  try {
    const product = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(products)
        .values({
          sellerId,
          categoryId: input.categoryId,
          title,
          description,
          brand,
          images,
          status: input.status ?? 'ACTIVE',
          minPrice: Math.min(...newVariants.map((v) => v.price)),
          currencyCode: newVariants[0]!.currencyCode,
        })
        .returning();
      await tx.insert(variants).values(newVariants.map((v, position) => ({ ...v, productId: row!.id, sellerId, position })));
      return row!;
    });
    await bumpCatalogVersion();
    return { ok: product };
  } catch (err) {
    if (uniqueViolation(err) !== SKU_CONSTRAINT) throw err;
    return duplicateSkus(sellerId, newVariants.map((v, i) => ({ sku: v.sku, field: ['input', 'variants', String(i), 'sku'] })));
  }
}

/** The caller's product: unknown -> NOT_FOUND, another store's -> FORBIDDEN. */
async function ownProduct(identity: Identity, id: string, field: string[]): Promise<Result<ProductRow>> {
  const sellerId = sellerOf(identity);
  const [row] = isId(id) ? await db.select().from(products).where(eq(products.id, id)) : [];
  if (!row) return { errors: [userError('NOT_FOUND', 'No such product.', field)] };
  if (row.sellerId !== sellerId) throw forbidden('This product belongs to another store.');
  return { ok: row };
}

export async function updateProduct(identity: Identity, id: string, input: UpdateProductInput): Promise<Result<ProductRow>> {
  const owned = await ownProduct(identity, id, ['id']);
  if ('errors' in owned) return owned;
  const check = new InputCheck<UserErrorCode>();
  const patch: Partial<ProductRow> = {};
  if (input.title != null) patch.title = check.text(input.title, ['input', 'title'], { max: 200, label: 'Title' });
  if (input.description != null) patch.description = check.text(input.description, ['input', 'description'], { min: 0, max: 5000, label: 'Description' });
  if (input.brand != null) patch.brand = check.text(input.brand, ['input', 'brand'], { max: 100, label: 'Brand' });
  if (input.images != null) patch.images = checkImages(check, input.images, ['input', 'images']);
  if (input.status != null) patch.status = input.status;
  if (input.categoryId != null) {
    if (await categoryExists(input.categoryId)) patch.categoryId = input.categoryId;
    else check.add('NOT_FOUND', 'No such category.', ['input', 'categoryId']);
  }
  if (!check.ok) return { errors: check.errors };
  // Once listed, a product may be archived but never become a draft again: drafts are seen by
  // their store alone, and the orders, carts and wishlists pointing at it would lose it.
  const backToDraft = patch.status === 'DRAFT';
  const [row] = await db
    .update(products)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(products.id, owned.ok.id), backToDraft ? eq(products.status, 'DRAFT') : undefined))
    .returning();
  if (!row) return { errors: [userError('INVALID_STATE', 'A product that was listed can be archived, not made a draft again.', ['input', 'status'])] };
  await bumpCatalogVersion();
  return { ok: row };
}

export async function addProductVariant(identity: Identity, productId: string, input: ProductVariantInput): Promise<Result<ProductRow>> {
  const owned = await ownProduct(identity, productId, ['productId']);
  if ('errors' in owned) return owned;
  const check = new InputCheck<UserErrorCode>();
  const variant = checkVariant(check, input, ['input']);
  if (variant.currencyCode !== owned.ok.currencyCode) {
    check.add('INVALID_INPUT', `This product is priced in ${owned.ok.currencyCode}.`, ['input', 'currencyCode']);
  }
  if (!check.ok) return { errors: check.errors };
  try {
    const result = await db.transaction(async (tx): Promise<Result<ProductRow>> => {
      // Under the lock, concurrent additions number their positions one after the other.
      await lockProduct(tx, productId);
      const [{ next } = { next: 0 }] = await tx
        .select({ next: sql<number>`coalesce(max(${variants.position}) + 1, 0)::int` })
        .from(variants)
        .where(eq(variants.productId, productId));
      if (next >= MAX_VARIANTS) {
        return { errors: [userError('INVALID_INPUT', `A product has at most ${MAX_VARIANTS} variants.`, ['productId'])] };
      }
      await tx.insert(variants).values({ ...variant, productId, sellerId: owned.ok.sellerId, position: next });
      return { ok: await refreshMinPrice(tx, productId) };
    });
    if ('ok' in result) await bumpCatalogVersion();
    return result;
  } catch (err) {
    if (uniqueViolation(err) !== SKU_CONSTRAINT) throw err;
    return duplicateSkus(owned.ok.sellerId, [{ sku: variant.sku, field: ['input', 'sku'] }]);
  }
}

export async function updateProductVariant(identity: Identity, id: string, input: UpdateProductVariantInput): Promise<Result<ProductRow>> {
  const sellerId = sellerOf(identity);
  const [variant] = isId(id) ? await db.select().from(variants).where(eq(variants.id, id)) : [];
  if (!variant) return { errors: [userError('NOT_FOUND', 'No such variant.', ['id'])] };
  if (variant.sellerId !== sellerId) throw forbidden('This variant belongs to another store.');
  const check = new InputCheck<UserErrorCode>();
  const patch: { title?: string; attributes?: { name: string; value: string }[]; price?: number } = {};
  if (input.title != null) patch.title = check.text(input.title, ['input', 'title'], { max: 100, label: 'Variant title' });
  if (input.attributes != null) patch.attributes = checkAttributes(check, input.attributes, ['input', 'attributes']);
  if (input.price != null) patch.price = checkPrice(check, input.price, ['input', 'price']);
  if (!check.ok) return { errors: check.errors };
  const product = await db.transaction(async (tx) => {
    await lockProduct(tx, variant.productId);
    if (Object.keys(patch).length) await tx.update(variants).set(patch).where(eq(variants.id, id));
    return refreshMinPrice(tx, variant.productId);
  });
  await bumpCatalogVersion();
  return { ok: product };
}

export async function createCategory(input: CreateCategoryInput): Promise<Result<CategoryRow>> {
  const check = new InputCheck<UserErrorCode>();
  const name = check.text(input.name, ['input', 'name'], { max: 100, label: 'Name' });
  const slug = input.slug.trim();
  if (slug.length > 100) check.add('TOO_LONG', 'Slug must be at most 100 characters.', ['input', 'slug']);
  else if (!SLUG.test(slug)) check.add('INVALID_INPUT', 'Slugs are lowercase letters and digits separated by single dashes.', ['input', 'slug']);
  let path: string[] = [];
  if (input.parentId != null) {
    const [parent] = isId(input.parentId) ? await db.select().from(categories).where(eq(categories.id, input.parentId)) : [];
    if (!parent) check.add('NOT_FOUND', 'No such parent category.', ['input', 'parentId']);
    else path = [...parent.path, parent.id];
  }
  if (!check.ok) return { errors: check.errors };
  try {
    const [row] = await db.insert(categories).values({ name, slug, parentId: input.parentId ?? null, path }).returning();
    await bumpCatalogVersion();
    return { ok: row! };
  } catch (err) {
    if (uniqueViolation(err) !== 'categories_slug_unique') throw err;
    return { errors: [userError('DUPLICATE', 'Another category has this slug.', ['input', 'slug'])] };
  }
}
