CREATE TYPE "reviews"."review_status" AS ENUM('PENDING_MODERATION', 'PUBLISHED', 'REJECTED');--> statement-breakpoint
CREATE TABLE "reviews"."review_helpful_votes" (
	"review_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_helpful_votes_review_id_user_id_pk" PRIMARY KEY("review_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "reviews"."reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"rating" smallint NOT NULL,
	"title" varchar(150) NOT NULL,
	"body" varchar(5000) NOT NULL,
	"status" "reviews"."review_status" DEFAULT 'PENDING_MODERATION' NOT NULL,
	"verified_purchase" boolean DEFAULT false NOT NULL,
	"helpful_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"moderated_at" timestamp with time zone,
	CONSTRAINT "reviews_author_product_unique" UNIQUE("author_id","product_id"),
	CONSTRAINT "reviews_rating_range" CHECK ("reviews"."reviews"."rating" between 1 and 5),
	CONSTRAINT "reviews_helpful_count_non_negative" CHECK ("reviews"."reviews"."helpful_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "reviews"."review_helpful_votes" ADD CONSTRAINT "review_helpful_votes_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reviews_product_newest_idx" ON "reviews"."reviews" USING btree ("product_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status = 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reviews_product_helpful_idx" ON "reviews"."reviews" USING btree ("product_id","helpful_count" DESC NULLS FIRST,"created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status = 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reviews_product_rating_desc_idx" ON "reviews"."reviews" USING btree ("product_id","rating" DESC NULLS FIRST,"created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status = 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reviews_product_rating_asc_idx" ON "reviews"."reviews" USING btree ("product_id","rating","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE status = 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reviews_seller_rating_idx" ON "reviews"."reviews" USING btree ("seller_id","rating") WHERE status = 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reviews_moderation_queue_idx" ON "reviews"."reviews" USING btree ("created_at","id") WHERE status = 'PENDING_MODERATION';