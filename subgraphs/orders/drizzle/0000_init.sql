CREATE TYPE "orders"."order_line_status" AS ENUM('PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED');--> statement-breakpoint
CREATE TYPE "orders"."order_status" AS ENUM('PENDING_PAYMENT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'PAYMENT_FAILED', 'RETURN_REQUESTED', 'RETURNED');--> statement-breakpoint
CREATE TYPE "orders"."return_request_status" AS ENUM('REQUESTED', 'APPROVED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "orders"."shipment_status" AS ENUM('SHIPPED', 'DELIVERED');--> statement-breakpoint
CREATE TYPE "orders"."shipping_speed" AS ENUM('STANDARD', 'NEXT_DAY', 'SAME_DAY');--> statement-breakpoint
CREATE SEQUENCE "orders"."order_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1;--> statement-breakpoint
CREATE TABLE "orders"."cart_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cart_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"added_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cart_lines_cart_variant_unique" UNIQUE("cart_id","variant_id"),
	CONSTRAINT "cart_lines_quantity_range" CHECK ("orders"."cart_lines"."quantity" between 1 and 99)
);
--> statement-breakpoint
CREATE TABLE "orders"."carts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "carts_customer_id_unique" UNIQUE("customer_id")
);
--> statement-breakpoint
CREATE TABLE "orders"."checkout_idempotency" (
	"customer_id" uuid NOT NULL,
	"idempotency_key" varchar(255) NOT NULL,
	"request_hash" char(64) NOT NULL,
	"order_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkout_idempotency_customer_id_idempotency_key_pk" PRIMARY KEY("customer_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "orders"."order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"status" "orders"."order_status" NOT NULL,
	"note" text,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders"."order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"title" varchar(320) NOT NULL,
	"sku" varchar(64) NOT NULL,
	"unit_price" bigint NOT NULL,
	"quantity" integer NOT NULL,
	"status" "orders"."order_line_status" NOT NULL,
	"shipment_id" uuid,
	"position" integer NOT NULL,
	CONSTRAINT "order_lines_quantity_range" CHECK ("orders"."order_lines"."quantity" between 1 and 99)
);
--> statement-breakpoint
CREATE TABLE "orders"."orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" varchar(20) DEFAULT 'MK-' || nextval('orders.order_number_seq') NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" "orders"."order_status" NOT NULL,
	"shipping_speed" "orders"."shipping_speed" NOT NULL,
	"ship_full_name" varchar(100) NOT NULL,
	"ship_line1" varchar(100) NOT NULL,
	"ship_line2" varchar(100),
	"ship_city" varchar(100) NOT NULL,
	"ship_region" varchar(100),
	"ship_postal_code" varchar(20) NOT NULL,
	"ship_country" char(2) NOT NULL,
	"subtotal" bigint NOT NULL,
	"shipping_cost" bigint NOT NULL,
	"total" bigint NOT NULL,
	"currency_code" char(3) NOT NULL,
	"placed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"estimated_delivery" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_number_unique" UNIQUE("number"),
	CONSTRAINT "orders_total_is_sum" CHECK ("orders"."orders"."total" = "orders"."orders"."subtotal" + "orders"."orders"."shipping_cost")
);
--> statement-breakpoint
CREATE TABLE "orders"."return_request_lines" (
	"return_request_id" uuid NOT NULL,
	"order_line_id" uuid NOT NULL,
	CONSTRAINT "return_request_lines_return_request_id_order_line_id_pk" PRIMARY KEY("return_request_id","order_line_id")
);
--> statement-breakpoint
CREATE TABLE "orders"."return_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"status" "orders"."return_request_status" NOT NULL,
	"reason" varchar(1000) NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "orders"."shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"carrier" varchar(50) NOT NULL,
	"tracking_number" varchar(100) NOT NULL,
	"status" "orders"."shipment_status" NOT NULL,
	"shipped_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "orders"."cart_lines" ADD CONSTRAINT "cart_lines_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "orders"."carts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."checkout_idempotency" ADD CONSTRAINT "checkout_idempotency_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "orders"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."return_request_lines" ADD CONSTRAINT "return_request_lines_return_request_id_return_requests_id_fk" FOREIGN KEY ("return_request_id") REFERENCES "orders"."return_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."return_request_lines" ADD CONSTRAINT "return_request_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "orders"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."return_requests" ADD CONSTRAINT "return_requests_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkout_idempotency_created_idx" ON "orders"."checkout_idempotency" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "orders"."order_events" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "order_lines_order_idx" ON "orders"."order_lines" USING btree ("order_id","position");--> statement-breakpoint
CREATE INDEX "order_lines_seller_idx" ON "orders"."order_lines" USING btree ("seller_id","order_id");--> statement-breakpoint
CREATE INDEX "order_lines_product_idx" ON "orders"."order_lines" USING btree ("product_id","order_id");--> statement-breakpoint
CREATE INDEX "order_lines_shipment_idx" ON "orders"."order_lines" USING btree ("shipment_id");--> statement-breakpoint
CREATE INDEX "orders_customer_placed_idx" ON "orders"."orders" USING btree ("customer_id","placed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_placed_idx" ON "orders"."orders" USING btree ("placed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_status_placed_idx" ON "orders"."orders" USING btree ("status","placed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "return_requests_order_idx" ON "orders"."return_requests" USING btree ("order_id","created_at");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "orders"."shipments" USING btree ("order_id","shipped_at");