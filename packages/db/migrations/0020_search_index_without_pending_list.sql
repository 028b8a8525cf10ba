-- Search-index entries go into the index at each insert instead of a pending list that one insert
-- now and then merges by itself, stalling that send batch (tables.ts). ALTER instead of the
-- generated DROP/CREATE: no rebuild. Entries already pending are merged now; with fastupdate
-- off nothing would merge them until a VACUUM.
ALTER INDEX "messages_body_search_idx" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('messages_body_search_idx'::regclass);
