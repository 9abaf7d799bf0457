CREATE TYPE "inventory"."reservation_status" AS ENUM('ACTIVE', 'COMMITTED', 'RELEASED', 'EXPIRED');--> statement-breakpoint
CREATE TABLE "inventory"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory"."reservation_lines" (
	"order_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"shipped_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"restocked" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "reservation_lines_order_id_variant_id_warehouse_id_pk" PRIMARY KEY("order_id","variant_id","warehouse_id"),
	CONSTRAINT "reservation_lines_quantity_positive" CHECK ("inventory"."reservation_lines"."quantity" > 0),
	CONSTRAINT "reservation_lines_shipped_or_released" CHECK ("inventory"."reservation_lines"."shipped_at" is null or "inventory"."reservation_lines"."released_at" is null),
	CONSTRAINT "reservation_lines_restocked_within_shipped" CHECK ("inventory"."reservation_lines"."restocked" between 0 and "inventory"."reservation_lines"."quantity" and ("inventory"."reservation_lines"."restocked" = 0 or "inventory"."reservation_lines"."shipped_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "inventory"."reservations" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"status" "inventory"."reservation_status" DEFAULT 'ACTIVE' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory"."restocks" (
	"idempotency_key" varchar(200) PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."reservation_lines" ADD CONSTRAINT "reservation_lines_order_id_reservations_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "inventory"."reservations"("order_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory"."reservation_lines" ADD CONSTRAINT "reservation_lines_stock_level_fk" FOREIGN KEY ("variant_id","warehouse_id") REFERENCES "inventory"."stock_levels"("variant_id","warehouse_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservations_active_expiry_idx" ON "inventory"."reservations" USING btree ("expires_at") WHERE "inventory"."reservations"."status" = 'ACTIVE';