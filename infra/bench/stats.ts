/** Percentiles of a sample, in the sample's unit. */
export function percentiles(values: number[], ps = [50, 95, 99]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return {
    count: sorted.length,
    ...Object.fromEntries(ps.map((p) => [`p${p}`, at(p)])),
    max: sorted.at(-1) ?? NaN,
  } as { count: number; max: number } & Record<string, number>;
}

/** One latency sample of an open-loop run: when its send left (ms after the first send) and how long it took. */
export interface TimedSample {
  sentMs: number;
  latencyMs: number;
}

/**
 * Percentiles per second of sending: entry k holds the samples sent in second k (from k to k+1 s
 * after the first send), so a slow first second (a cold server) shows as itself instead of setting
 * a run's p99 unseen. A second with no samples has count 0 and NaN percentiles.
 */
export function percentilesBySecond(samples: readonly TimedSample[], ps = [50, 99]) {
  const seconds: number[][] = [];
  for (const { sentMs, latencyMs } of samples) {
    const second = Math.max(0, Math.floor(sentMs / 1000));
    (seconds[second] ??= []).push(latencyMs);
  }
  // Read by index: a second with no samples is a hole in `seconds`.
  return Array.from({ length: seconds.length }, (_, second) => percentiles(seconds[second] ?? [], ps));
}

/** CPU seconds and resident memory of a process, from /proc (Linux). */
export async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const { readFile } = await import('node:fs/promises');
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, fields 14 and 15
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuSeconds: ticks / 100, rssBytes: rssKb * 1024 };
}
