CREATE TABLE "reviews"."purchases" (
	"customer_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	CONSTRAINT "purchases_customer_id_product_id_order_id_pk" PRIMARY KEY("customer_id","product_id","order_id")
);
