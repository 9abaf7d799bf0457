-- Search-as-you-type: a prefix index on the lower-cased title, and trigrams for one-typo matches.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_title_prefix_idx" ON "products"."products" (lower("title") text_pattern_ops) WHERE "status" = 'ACTIVE';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_title_trgm_idx" ON "products"."products" USING gin (lower("title") gin_trgm_ops) WHERE "status" = 'ACTIVE';
