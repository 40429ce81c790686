// The default ("linear", Hyndman & Fan type 7) sample quantile of numpy and scipy.stats.quantile, which
// scipy.stats.bootstrap uses for its interval ends.

/** The q-quantile (q in [0, 1]) of an ascending, non-empty array. */
export function linearQuantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const a = sorted[below] as number;
  const b = sorted[above] as number;
  const t = position - below;
  // numpy's lerp: interpolate from the nearer end, so t = 1 returns b exactly.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
