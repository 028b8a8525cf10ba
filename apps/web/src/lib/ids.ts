/**
 * A UUIDv7 (RFC 9562) for a message's clientId: 48 bits of milliseconds, then random bits. Ids made
 * later sort later, so the server's `(sender, clientId)` key takes each new message at the end of
 * the sender's range instead of at a random place in it (after each checkpoint PostgreSQL writes
 * the whole page of every first change, docs/benchmarks.md). Made from `crypto.getRandomValues`,
 * which plain-HTTP LAN hosts have too (`crypto.randomUUID` needs a secure context).
 */
export function newClientId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
