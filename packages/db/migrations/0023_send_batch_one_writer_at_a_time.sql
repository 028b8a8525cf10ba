-- Replaces 0022's pigeon_send_batch. Batches now take turns across the whole database: each
-- instance of a cluster writes its sends one batch at a time, but three instances had three
-- batches overlapping, and PostgreSQL spent 727-771 us of CPU per message on them against 498-507
-- with one writer (docs/benchmarks.md, "Issue 18, 2026-12-07 evening"). A transaction-scoped
-- advisory lock, taken first, makes them queue; one instance never waits on it. Each statement
-- after it takes a fresh snapshot (VOLATILE, READ COMMITTED), so a batch sees the one before it.
-- Everything else is 0022's text.
CREATE OR REPLACE FUNCTION pigeon_send_batch(batch jsonb, excerpt_max integer) RETURNS jsonb
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  senders uuid[];
  convs uuid[];
  client_ids uuid[];
  bodies text[];
  replies bigint[];
  atts jsonb[];   -- per send, its attachment ids (a jsonb array, empty when none)
  states text[];
  rooms jsonb;    -- {conversationId: {"kind", "m": member ids, "f": members who may write in a 1:1}}
  fresh jsonb;    -- the messages stored now: [{"i": position, "id", "c": conversationId, "m": message}]
  sent jsonb;     -- {position: [[userId, eventId], ...]}
  heads_missing integer;
  answers jsonb;
  uploads uuid[];    -- every attachment id the batch names
  recipients uuid[]; -- every member of a conversation a message was stored in, once each
BEGIN
  SELECT array_agg((x->>'s')::uuid ORDER BY i), array_agg((x->>'c')::uuid ORDER BY i),
         array_agg((x->>'k')::uuid ORDER BY i), array_agg(x->>'b' ORDER BY i),
         array_agg((x->>'r')::bigint ORDER BY i), array_agg(coalesce(x->'a', '[]'::jsonb) ORDER BY i)
    INTO senders, convs, client_ids, bodies, replies, atts
    FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(x, i);
  IF senders IS NULL THEN
    RETURN '[]'::jsonb;
  END IF;

  -- 0. One batch at a time in the whole database: the instances of a cluster each have a writer,
  -- and overlapping batches cost PostgreSQL about half as much again per message (planning, WAL
  -- written in more, smaller pieces). Taken before any row lock, so it adds no deadlock.
  PERFORM pg_advisory_xact_lock(7365696772);
  -- 1. Lock the conversations in id order: concurrent batches queue instead of deadlocking, and
  --    membership cannot change before commit (group changes take the same lock).
  PERFORM 1 FROM conversations WHERE id = ANY (convs) ORDER BY id FOR UPDATE;
  --    Then the uploads named, in id order: two sends (on any instance) cannot both take one.
  uploads := ARRAY(SELECT DISTINCT jsonb_array_elements_text(a)::uuid FROM unnest(atts) AS a);
  IF cardinality(uploads) > 0 THEN
    PERFORM 1 FROM attachments WHERE id = ANY (uploads) ORDER BY id FOR UPDATE;
  END IF;

  -- 2. Members, read after the lock in a statement of its own: under READ COMMITTED this sees a
  --    membership change that committed while we waited for the lock (a join in the locking
  --    statement would not). In a 1:1 only a member still friends with the other may write.
  SELECT coalesce(jsonb_object_agg(id, jsonb_build_object('kind', kind, 'm', m, 'f', f)), '{}')
    INTO rooms
    FROM (
      SELECT c.id, c.kind,
             jsonb_agg(cm.user_id ORDER BY cm.user_id) AS m,
             coalesce(jsonb_agg(cm.user_id) FILTER (
               WHERE c.kind = 'direct' AND EXISTS (
                 SELECT 1 FROM friendships f
                   JOIN conversation_members o ON o.user_id = f.friend_id
                  WHERE f.user_id = cm.user_id AND o.conversation_id = cm.conversation_id)
             ), '[]') AS f
        FROM conversations c
        JOIN conversation_members cm ON cm.conversation_id = c.id
       WHERE c.id = ANY (convs)
       GROUP BY c.id, c.kind
    ) room;

  -- 3. Who may write, and whether the message answered is in the same conversation. EARLIER: a
  --    1:1 send after the friendship ended, refused unless it retries a send stored before.
  --    ATTACHMENT_NOT_FOUND: an id that is not the sender's upload, or is on another message
  --    already (its own stored message is fine: a retry), or taken by an earlier send of this batch.
  SELECT array_agg(
           CASE
             WHEN NOT coalesce(rooms->(u.c::text)->'m' ? u.s::text, false) THEN 'NOT_FOUND'
             WHEN rooms->(u.c::text)->>'kind' = 'direct'
                  AND (jsonb_array_length(rooms->(u.c::text)->'m') <> 2
                       OR NOT rooms->(u.c::text)->'f' ? u.s::text) THEN 'EARLIER'
             WHEN u.r IS NOT NULL
                  AND (SELECT conversation_id FROM messages WHERE id = u.r) IS DISTINCT FROM u.c
               THEN 'REPLY_NOT_FOUND'
             WHEN jsonb_array_length(u.a) > 0 AND (
                    -- Each id looked up by its key on its own (a join here read all of the
                    -- sender's uploads by uploader); a duplicate id fails the count as before.
                    (SELECT count(*) FROM (SELECT DISTINCT aid FROM jsonb_array_elements_text(u.a) AS t(aid)) want
                      WHERE (SELECT f.uploader_id = u.s
                                    AND (f.message_id IS NULL OR f.message_id =
                                           (SELECT id FROM messages WHERE sender_id = u.s AND client_id = u.k))
                               FROM attachments f WHERE f.id = want.aid::uuid))
                      <> jsonb_array_length(u.a)
                    OR EXISTS (
                      SELECT 1 FROM unnest(senders, client_ids, atts) WITH ORDINALITY AS o(s, k, a, i)
                       WHERE o.i < u.i AND (o.s, o.k) IS DISTINCT FROM (u.s, u.k)
                         AND o.a ?| ARRAY(SELECT jsonb_array_elements_text(u.a))))
               THEN 'ATTACHMENT_NOT_FOUND'
             ELSE 'NEW'
           END ORDER BY u.i)
    INTO states
    FROM unnest(senders, convs, replies, client_ids, atts) WITH ORDINALITY AS u(s, c, r, k, a, i);

  -- 4. Store the new sends (a (sender, clientId) stored already makes a retry), and move each
  --    conversation's last-message pointer forward only: another batch may have passed it.
  WITH inserted AS (
    INSERT INTO messages (conversation_id, sender_id, client_id, body, reply_to_id)
    SELECT u.c, u.s, u.k, u.b, u.r
      FROM unnest(senders, convs, client_ids, bodies, replies, states) WITH ORDINALITY AS u(s, c, k, b, r, t, i)
     WHERE u.t = 'NEW'
     ORDER BY u.i
    ON CONFLICT DO NOTHING
    RETURNING id, conversation_id, sender_id, client_id, body, reply_to_id, created_at
  ), pointers AS (
    UPDATE conversations c
       SET last_message_id = n.id, last_message_at = n.created_at
      FROM (SELECT DISTINCT ON (conversation_id) conversation_id, id, created_at
              FROM inserted ORDER BY conversation_id, id DESC) n
     WHERE c.id = n.conversation_id AND (c.last_message_id IS NULL OR c.last_message_id < n.id)
  ), first_of_key AS MATERIALIZED (
    -- Two sends of one batch with the same clientId: the first is stored, the second is its retry.
    -- A map from (sender, clientId) to the first send's position, looked up per stored message:
    -- a join here is planned for one row on each side and compared every stored message with
    -- every send (a batch of 1,000: a million comparisons, 100 ms). Materialized: built once.
    SELECT jsonb_object_agg(firsts.s::text || ' ' || firsts.k::text, firsts.i) AS position_of
      FROM (SELECT DISTINCT ON (u.s, u.k) u.s, u.k, u.i
              FROM unnest(senders, client_ids, states) WITH ORDINALITY AS u(s, k, t, i)
             WHERE u.t = 'NEW'
             ORDER BY u.s, u.k, u.i) firsts
  ), stored AS (
    SELECT m.*, (fk.position_of ->> (m.sender_id::text || ' ' || m.client_id::text))::integer AS i
      FROM inserted m CROSS JOIN first_of_key fk
  ), attached AS (
    -- Each stored message takes its uploads, in the order given.
    UPDATE attachments f
       SET message_id = m.id, conversation_id = m.conversation_id, attached_at = m.created_at,
           position = t.o
      FROM stored m
      CROSS JOIN LATERAL jsonb_array_elements_text(atts[m.i]) WITH ORDINALITY AS t(aid, o)
     WHERE f.id = t.aid::uuid AND f.message_id IS NULL
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'i', m.i, 'id', m.id, 'c', m.conversation_id,
           'm', jsonb_build_object(
             'id', m.id, 'conversationId', m.conversation_id, 'senderId', m.sender_id,
             'clientId', m.client_id, 'body', m.body,
             'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'editedAt', NULL, 'deletedAt', NULL,
             'replyTo', CASE WHEN q.id IS NULL THEN NULL ELSE jsonb_build_object(
               'id', q.id, 'senderId', q.sender_id, 'deleted', q.deleted_at IS NOT NULL,
               'body', CASE WHEN q.deleted_at IS NULL THEN pigeon_utf16_prefix(q.body, excerpt_max) ELSE '' END
             ) END,
             'reactions', '[]'::jsonb,
             -- Read from before this statement's update: the same rows, and what they hold.
             --  Each upload by its key on its own: a join here kept a plan made on a small
             --  table and scanned all of attachments.
             'attachments', (
               SELECT coalesce(jsonb_agg(d.described ORDER BY d.o) FILTER (WHERE d.described IS NOT NULL), '[]'::jsonb)
                 FROM (SELECT t.o, (
                         SELECT jsonb_strip_nulls(jsonb_build_object(
                                  'id', f.id, 'name', f.name, 'size', f.size, 'contentType', f.content_type,
                                  'kind', f.kind, 'width', f.width, 'height', f.height, 'blurhash', f.blurhash))
                           FROM attachments f WHERE f.id = t.aid::uuid) AS described
                         FROM jsonb_array_elements_text(atts[m.i]) WITH ORDINALITY AS t(aid, o)) d))
         ) ORDER BY m.id), '[]')
    INTO fresh
    FROM stored m
    LEFT JOIN messages q ON q.id = m.reply_to_id;

  IF jsonb_array_length(fresh) > 0 THEN
    -- 5. Lock the recipients' stream heads in user order (no deadlocks), held until commit, so
    --    each user's events become visible strictly in id order.
    recipients := ARRAY(SELECT DISTINCT jsonb_array_elements_text(rooms->(f->>'c')->'m')::uuid
                          FROM jsonb_array_elements(fresh) AS f);
    PERFORM 1 FROM event_streams WHERE user_id = ANY (recipients) ORDER BY user_id FOR UPDATE;

    -- 6. message.created to every member, ids handed out per user in message id order.
    WITH entries AS (
      SELECT (f->>'i')::integer AS i, f->'m' AS message, u.user_id::uuid AS user_id, u.o,
             row_number() OVER (PARTITION BY u.user_id ORDER BY (f->>'id')::bigint) AS k
        FROM jsonb_array_elements(fresh) AS f,
             jsonb_array_elements_text(rooms->(f->>'c')->'m') WITH ORDINALITY AS u(user_id, o)
    ), counts AS (
      SELECT user_id, count(*) AS n FROM entries GROUP BY user_id
    ), heads AS (
      UPDATE event_streams e SET last_seq = e.last_seq + counts.n
        FROM counts WHERE e.user_id = counts.user_id AND e.user_id = ANY (recipients)
      RETURNING e.user_id, e.last_seq - counts.n AS base
    ), numbered AS (
      SELECT en.i, en.o, en.user_id, h.base + en.k AS seq, en.message
        FROM entries en JOIN heads h USING (user_id)
    ), written AS (
      INSERT INTO events (user_id, seq, type, payload)
      SELECT user_id, seq, 'message.created',
             jsonb_build_object('v', 1, 'type', 'message.created', 'message', message)
        FROM numbered
    )
    SELECT (SELECT count(*) FROM counts) - (SELECT count(*) FROM heads),
           (SELECT coalesce(jsonb_object_agg(i, "to"), '{}') FROM (
              SELECT i, jsonb_agg(jsonb_build_array(user_id, seq) ORDER BY o) AS "to"
                FROM numbered GROUP BY i) per_send)
      INTO heads_missing, sent;
    IF heads_missing > 0 THEN
      RAISE EXCEPTION 'pigeon_send_batch: a recipient has no event stream';
    END IF;
  END IF;

  -- 7. One answer per send. Only a send not stored now (a retry, or a refused 1:1 send) looks up
  --    the message stored under its clientId, which this statement sees even if this batch stored
  --    it: a subquery in its branch of the CASE, run for that send alone. A join here made the
  --    planner read all of `messages` for every batch once its statistics were stale (no
  --    autovacuum: PGlite, or a server with it off), so a send got slower as history grew.
  SELECT jsonb_agg(
           CASE
             WHEN u.t IN ('NOT_FOUND', 'REPLY_NOT_FOUND', 'ATTACHMENT_NOT_FOUND') THEN jsonb_build_object('e', u.t)
             WHEN f.x IS NOT NULL THEN jsonb_build_object('m', f.x->'m', 'to', coalesce(sent->(u.i::text), '[]'))
             ELSE coalesce(
               (SELECT CASE WHEN earlier.conversation_id <> u.c THEN jsonb_build_object('e', 'CONFLICT')
                            ELSE jsonb_build_object('retry', earlier.id) END
                  FROM messages earlier WHERE earlier.sender_id = u.s AND earlier.client_id = u.k),
               jsonb_build_object('e', 'FORBIDDEN'))
           END ORDER BY u.i)
    INTO answers
    FROM unnest(senders, convs, client_ids, states) WITH ORDINALITY AS u(s, c, k, t, i)
    LEFT JOIN jsonb_array_elements(fresh) AS f(x) ON (f.x->>'i')::bigint = u.i;
  RETURN answers;
END
$fn$;
