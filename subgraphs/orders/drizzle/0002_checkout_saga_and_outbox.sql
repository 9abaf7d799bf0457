CREATE TYPE "orders"."checkout_state" AS ENUM('STARTED', 'RESERVED', 'CONFIRMED', 'FAILED');--> statement-breakpoint
CREATE TABLE "orders"."checkouts" (
	"customer_id" uuid NOT NULL,
	"idempotency_key" varchar(255) NOT NULL,
	"request_hash" char(64) NOT NULL,
	"order_id" uuid NOT NULL,
	"state" "orders"."checkout_state" NOT NULL,
	"payment_token" varchar(255),
	"plan" jsonb,
	"failure_code" varchar(40),
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkouts_customer_id_idempotency_key_pk" PRIMARY KEY("customer_id","idempotency_key"),
	CONSTRAINT "checkouts_order_id_unique" UNIQUE("order_id")
);
--> statement-breakpoint
CREATE TABLE "orders"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "checkouts_state_updated_idx" ON "orders"."checkouts" USING btree ("state","updated_at");