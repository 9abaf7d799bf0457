CREATE TYPE "notifications"."channel" AS ENUM('EMAIL');--> statement-breakpoint
CREATE TYPE "notifications"."delivery_status" AS ENUM('PENDING', 'SENT', 'FAILED');--> statement-breakpoint
CREATE TYPE "notifications"."notification_kind" AS ENUM('ORDER_CONFIRMED', 'SHIPMENT_SENT', 'SHIPMENT_DELIVERED', 'ORDER_CANCELLED', 'PAYMENT_FAILED', 'RETURN_REQUESTED', 'RETURN_APPROVED', 'RETURN_REJECTED', 'REFUND_ISSUED', 'NEW_ORDER_LINES', 'RETURN_ON_LINES', 'LOW_STOCK', 'REVIEW_FLAGGED');--> statement-breakpoint
CREATE TABLE "notifications"."delivery_failures" (
	"notification_id" uuid PRIMARY KEY NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"failed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications"."notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" text NOT NULL,
	"recipient_id" uuid NOT NULL,
	"kind" "notifications"."notification_kind" NOT NULL,
	"channel" "notifications"."channel" DEFAULT 'EMAIL' NOT NULL,
	"recipient_email" varchar(254) NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"order_id" uuid,
	"status" "notifications"."delivery_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"read_at" timestamp (3) with time zone,
	CONSTRAINT "notifications_event_recipient_kind_unique" UNIQUE("event_id","recipient_id","kind")
);
--> statement-breakpoint
CREATE TABLE "notifications"."opt_outs" (
	"user_id" uuid NOT NULL,
	"kind" "notifications"."notification_kind" NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opt_outs_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
ALTER TABLE "notifications"."delivery_failures" ADD CONSTRAINT "delivery_failures_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "notifications"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_failures_failed_idx" ON "notifications"."delivery_failures" USING btree ("failed_at","notification_id");--> statement-breakpoint
CREATE INDEX "notifications_inbox_idx" ON "notifications"."notifications" USING btree ("recipient_id","created_at","id");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications"."notifications" USING btree ("next_attempt_at") WHERE status = 'PENDING';