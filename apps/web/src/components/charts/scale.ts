// Scales and ticks for the hand-written SVG charts: a domain of data values mapped onto pixels.

export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
  ticks: number[];
  format: (value: number) => string;
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/** The smallest and largest finite value, or `fallback` when there is none or all are equal. */
export function extent(values: Iterable<number>, fallback: [number, number] = [0, 1]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return fallback;
  if (min === max) return [min - 0.5, max + 0.5];
  return [min, max];
}

function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(0);
  return String(Number(value.toPrecision(4)));
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  return Object.assign(scale, { domain, ticks: niceTicks(d0, d1), format: formatTick });
}

/** A base-10 log scale for positive domains spanning orders of magnitude (learning rates). */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [l0, l1] = [Math.log10(domain[0]), Math.log10(domain[1])];
  const inner = linearScale([l0, l1], range);
  const scale = ((value: number) => inner(Math.log10(value))) as Scale;
  const ticks = niceTicks(Math.floor(l0), Math.ceil(l1), Math.min(6, Math.ceil(l1) - Math.floor(l0)))
    .filter((t) => Number.isInteger(t) && t >= l0 - 1e-9 && t <= l1 + 1e-9)
    .map((t) => 10 ** t);
  return Object.assign(scale, { domain, ticks, format: formatTick });
}

/** An SVG path through the points, skipping non-finite ones (a gap starts a new segment). */
export function linePath(xs: readonly number[], ys: readonly number[], x: Scale, y: Scale): string {
  let path = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const xv = xs[i] as number;
    const yv = ys[i] as number;
    if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${x(xv).toFixed(1)},${y(yv).toFixed(1)}`;
    pen = true;
  }
  return path;
}
