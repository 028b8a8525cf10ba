/** One Server-Sent Event as the wire carries it (comments are kept, for the keep-alive test). */
export interface SseFrame {
  id: string | null;
  event: string | null;
  data: string | null;
  comment: string | null;
}

export type StreamItemJson = { id: number; type: string } & Record<string, unknown>;

export interface EventStream {
  status: number;
  headers: { get(name: string): string | null };
  frames: SseFrame[];
  items(): StreamItemJson[];
  until(test: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  ended(): boolean;
  close(): Promise<void>;
  json(): Promise<{ error: { code: string } }>;
}

/**
 * Opens /api/v1/events with fetch and parses frames as they arrive, as any SSE client would:
 * lines up to a blank line make one frame.
 */
export async function openEventStream(
  baseUrl: string,
  token: string,
  lastEventId?: string,
): Promise<EventStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const res = await fetch(`${baseUrl}/api/v1/events`, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  let ended = false;
  // Wakes a waiting `until` when a frame arrives or the stream ends.
  const waiter = { wake: () => {} };
  const pump = (async () => {
    if (!res.body || res.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
          waiter.wake();
        }
      }
    } catch {
      // Aborted by the test.
    } finally {
      ended = true;
      waiter.wake();
    }
  })();

  return {
    status: res.status,
    headers: res.headers,
    frames,
    /** Frames that carry an item, parsed. */
    items: () =>
      frames
        .filter((f) => f.data !== null && f.event === null)
        .map((f) => JSON.parse(f.data ?? '') as StreamItemJson),
    /** Waits until a frame matching `test` has arrived (or the stream ends). */
    async until(test: (frame: SseFrame) => boolean, timeoutMs = 15_000): Promise<SseFrame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(test);
        if (found) return found;
        if (ended) throw new Error(`stream ended; frames: ${JSON.stringify(frames)}`);
        if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          waiter.wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    ended: () => ended,
    async close() {
      abort.abort();
      await pump;
    },
    json: async () => (await res.json()) as { error: { code: string } },
  };
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = { id: null, event: null, data: null, comment: null };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    if (field === 'event') frame.event = value;
    if (field === 'data') frame.data = frame.data === null ? value : `${frame.data}\n${value}`;
  }
  return frame;
}
