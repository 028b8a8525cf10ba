-- Messages in events stored before attachments existed carry no `attachments`; every reader
-- (the web app, the typed client, REST and SSE clients) is promised an array. A resumed stream
-- replays such events, so they get the empty array here once, instead of a check in every client.
UPDATE "events"
SET "payload" = jsonb_set("payload", '{message,attachments}', '[]'::jsonb)
WHERE "type" IN ('message.created', 'message.updated')
  AND jsonb_typeof("payload" -> 'message') = 'object'
  AND NOT ("payload" -> 'message' ? 'attachments');
