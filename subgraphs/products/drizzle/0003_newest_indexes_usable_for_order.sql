DROP INDEX "products"."products_status_created_idx";--> statement-breakpoint
DROP INDEX "products"."products_seller_created_idx";--> statement-breakpoint
CREATE INDEX "products_status_created_idx" ON "products"."products" USING btree ("status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "products_seller_created_idx" ON "products"."products" USING btree ("seller_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);