import type { StreamItem } from './core/types';

/** What the API reports as it works; the server backs it with Prometheus counters. */
export interface ApiMetrics {
  messageSent(): void;
  eventDelivered(item: StreamItem): void;
  subscriptionOpened(): void;
  subscriptionClosed(): void;
}

export const noMetrics: ApiMetrics = {
  messageSent: () => undefined,
  eventDelivered: () => undefined,
  subscriptionOpened: () => undefined,
  subscriptionClosed: () => undefined,
};
