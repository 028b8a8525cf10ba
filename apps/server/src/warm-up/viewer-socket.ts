import { WebSocket } from 'ws';

/** What the warm-up asks of one synthetic viewer's connection, in tRPC's own WebSocket frames. */
export interface ViewerSocket {
  /** Resolves once the viewer's event stream says `stream.live`. */
  readonly live: Promise<void>;
  /** Event frames received on the stream so far (after `stream.live`). */
  readonly eventsReceived: number;
  /** Sends one mutation; resolves with the answer's error code, or `ok`, or `closed`. */
  mutate(path: string, input: unknown): Promise<string>;
  close(): void;
}

interface AnswerFrame {
  id: number;
  result?: { type: string; data?: { data?: { type?: string } } };
  error?: { data?: { code?: string } };
}

const STREAM_ID = 1;

/**
 * Opens `/trpc` as the app's client does (connection params first, then the event stream), with
 * raw frames: the warm-up exercises the server's side, not a client's.
 */
export function openViewerSocket(url: string, token: string): ViewerSocket {
  const ws = new WebSocket(`${url}/trpc?connectionParams=1`);
  const answers = new Map<number, (outcome: string) => void>();
  let nextId = STREAM_ID + 1;
  let eventsReceived = 0;
  let markLive: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const live = new Promise<void>((resolve, reject) => {
    markLive = resolve;
    fail = reject;
  });
  // Rejections are awaited by the caller through `live`; an early one must not go unhandled.
  live.catch(() => undefined);

  ws.on('open', () => {
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
    ws.send(
      JSON.stringify({
        id: STREAM_ID,
        method: 'subscription',
        params: { path: 'events.subscribe', input: { lastEventId: null } },
      }),
    );
  });
  ws.on('message', (raw: Buffer) => {
    const text = raw.toString();
    // tRPC's keep-alive; anything else not JSON is not for us (and must not throw in a listener).
    if (text === 'PING') {
      ws.send('PONG');
      return;
    }
    let frame: AnswerFrame;
    try {
      frame = JSON.parse(text) as AnswerFrame;
    } catch {
      return;
    }
    if (frame.id === STREAM_ID) {
      if (frame.error) fail(new Error(`warm-up stream refused: ${JSON.stringify(frame.error)}`));
      else if (frame.result?.data?.data?.type === 'stream.live') markLive();
      else if (frame.result?.type === 'data') eventsReceived++;
      return;
    }
    const answered = answers.get(frame.id);
    answers.delete(frame.id);
    answered?.(frame.error ? (frame.error.data?.code ?? 'error') : 'ok');
  });
  ws.on('error', (error) => fail(error));
  ws.on('close', () => {
    fail(new Error('warm-up socket closed'));
    for (const answered of answers.values()) answered('closed');
    answers.clear();
  });

  return {
    live,
    get eventsReceived() {
      return eventsReceived;
    },
    mutate(path, input) {
      const id = nextId++;
      return new Promise<string>((resolve) => {
        answers.set(id, resolve);
        ws.send(JSON.stringify({ id, method: 'mutation', params: { path, input } }));
      });
    },
    close() {
      ws.close();
    },
  };
}
