CREATE TABLE "products"."variant_stock" (
	"variant_id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"available" integer NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products"."products" ADD COLUMN "in_stock" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."products" ADD COLUMN "rating_average" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."products" ADD COLUMN "rating_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "products"."products" ADD COLUMN "rating_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "variant_stock_product_idx" ON "products"."variant_stock" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "products_status_rating_idx" ON "products"."products" USING btree ("status","rating_average" DESC NULLS FIRST,"id" DESC NULLS FIRST);