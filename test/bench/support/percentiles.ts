// Nearest-rank percentiles of timings, as the benchmarks report them.

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) throw new RangeError('percentiles of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)!, n: sorted.length };
}

/** Milliseconds rounded to 0.1, for tables and JSON. */
export const ms = (value: number): number => Math.round(value * 10) / 10;
