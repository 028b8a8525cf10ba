ALTER TABLE "conversation_members" ADD COLUMN "cleared_up_to_message_id" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email" text;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email"));