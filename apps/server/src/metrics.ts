import type { ApiMetrics } from '@pigeon/api';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server instance (own registry: tests run several per process). */
export function createMetrics(opts: {
  connections: () => number;
  ping: Record<string, () => Promise<void>>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pigeon_process_' });

  new Gauge({
    name: 'pigeon_websocket_connections',
    help: 'Open WebSocket connections on this instance.',
    registers: [registry],
    collect() {
      this.set(opts.connections());
    },
  });
  const subscriptions = new Gauge({
    name: 'pigeon_subscriptions_active',
    help: 'Event stream subscriptions being served by this instance.',
    registers: [registry],
  });
  const messagesSent = new Counter({
    name: 'pigeon_messages_sent_total',
    help: 'Messages stored (retries of the same clientId not counted).',
    registers: [registry],
  });
  const eventsDelivered = new Counter({
    name: 'pigeon_events_delivered_total',
    help: 'Events written to subscribers, by type.',
    labelNames: ['type'],
    registers: [registry],
  });
  const deliveryLag = new Histogram({
    name: 'pigeon_event_delivery_lag_seconds',
    help: 'From a message being stored to its event leaving this instance for a subscriber.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const sendBatches = new Histogram({
    name: 'pigeon_send_batch_size',
    help: 'Messages committed together in one transaction (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const laneSends = new Counter({
    name: 'pigeon_websocket_lane_sends_total',
    help: 'messages.send calls over WebSockets answered by the send lane (outside tRPC), stored or refused.',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'pigeon_procedure_errors_total',
    help: 'Procedure calls that ended in an error, by tRPC code.',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'pigeon_dependency_ping_seconds',
    help: 'Round trip to a dependency, measured at scrape time (-1: unreachable).',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      await Promise.all(
        Object.entries(opts.ping).map(async ([dependency, ping]) => {
          const started = performance.now();
          try {
            await ping();
            this.set({ dependency }, (performance.now() - started) / 1000);
          } catch {
            this.set({ dependency }, -1);
          }
        }),
      );
    },
  });

  const api: ApiMetrics = {
    messageSent: () => messagesSent.inc(),
    eventDelivered(item) {
      eventsDelivered.inc({ type: item.type });
      if (item.type === 'message.created') {
        deliveryLag.observe(Math.max(0, (Date.now() - Date.parse(item.message.createdAt)) / 1000));
      }
    },
    subscriptionOpened: () => subscriptions.inc(),
    subscriptionClosed: () => subscriptions.dec(),
  };
  return {
    registry,
    api,
    procedureFailed: (code: string) => errors.inc({ code }),
    sendBatchCommitted: (size: number) => sendBatches.observe(size),
    laneSendTaken: () => laneSends.inc(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
