ALTER TABLE "conversation_members" ADD COLUMN "last_read_message_id" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "send_read_receipts" boolean DEFAULT true NOT NULL;