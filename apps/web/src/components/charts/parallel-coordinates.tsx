'use client';
// Parallel coordinates: one vertical axis per hyperparameter and the primary metric last, one line per
// trial, coloured by the metric (blue = better). Hovering a line names its trial; clicking opens it. The
// lines are memoised and the highlight is a separate overlay, so hovering never re-renders 10k paths.
import { useMemo, useState } from 'react';
import type { Scale } from './scale';
import { extent, linearScale, logScale } from './scale';

export type ParamValue = number | string | boolean | null;

export interface ParallelRow {
  id: string;
  label: string;
  params: Readonly<Record<string, ParamValue>>;
  metric: number | null;
}

export interface ParallelCoordinatesProps {
  params: readonly string[];
  metricName: string;
  goal: 'maximize' | 'minimize';
  rows: readonly ParallelRow[];
  onOpen?: (id: string) => void;
  testId: string;
}

interface Axis {
  name: string;
  /** Pixel y of a row's value; null when the row has none. */
  position: (value: ParamValue) => number | null;
  ticks: { y: number; label: string }[];
}

const HEIGHT = 320;
const TOP = 28;
const BOTTOM = HEIGHT - 16;
const SIDE = 60;

function axisFor(name: string, values: readonly ParamValue[]): Axis {
  const present = values.filter((v): v is Exclude<ParamValue, null> => v !== null);
  const numbers = present.filter((v): v is number => typeof v === 'number');
  if (numbers.length === present.length && numbers.length > 0) {
    const [min, max] = extent(numbers);
    const scale: Scale =
      min > 0 && max / min >= 100
        ? logScale([min, max], [BOTTOM, TOP])
        : linearScale([min, max], [BOTTOM, TOP]);
    return {
      name,
      position: (v) => (typeof v === 'number' && Number.isFinite(v) ? scale(v) : null),
      ticks: scale.ticks.map((t) => ({ y: scale(t), label: scale.format(t) })),
    };
  }
  // Categorical (architectures, optimisers, booleans): evenly spaced in sorted order.
  const categories = [...new Set(present.map(String))].sort();
  const step = categories.length > 1 ? (BOTTOM - TOP) / (categories.length - 1) : 0;
  const at = new Map(
    categories.map((c, i) => [c, categories.length > 1 ? BOTTOM - i * step : (TOP + BOTTOM) / 2]),
  );
  return {
    name,
    position: (v) => (v === null ? null : (at.get(String(v)) ?? null)),
    ticks: categories.map((c) => ({ y: at.get(c) as number, label: c })),
  };
}

/** Orange (worse) through grey to blue (better). */
function colour(t: number): string {
  const stops = [
    [213, 94, 0],
    [150, 150, 150],
    [0, 114, 178],
  ] as const;
  const u = Math.min(1, Math.max(0, t)) * 2;
  const [a, b] = u <= 1 ? [stops[0], stops[1]] : [stops[1], stops[2]];
  const f = u <= 1 ? u : u - 1;
  return `rgb(${a.map((c, i) => Math.round(c + (b[i]! - c) * f)).join(',')})`;
}

export function ParallelCoordinates({
  params,
  metricName,
  goal,
  rows,
  onOpen,
  testId,
}: ParallelCoordinatesProps) {
  const [hovered, setHovered] = useState<number | null>(null);
  const width = Math.max(480, SIDE * 2 + (params.length + 1) * 130);
  const layout = useMemo(() => {
    const axes = [
      ...params.map((p) =>
        axisFor(
          p,
          rows.map((r) => r.params[p] ?? null),
        ),
      ),
      axisFor(
        metricName,
        rows.map((r) => r.metric),
      ),
    ];
    const xs = axes.map((_, i) => SIDE + (i * (width - 2 * SIDE)) / Math.max(1, axes.length - 1));
    const [lo, hi] = extent(rows.flatMap((r) => (r.metric === null ? [] : [r.metric])));
    const paths = rows.map((r) => {
      let d = '';
      let pen = false;
      axes.forEach((axis, i) => {
        const y = axis.position(i === axes.length - 1 ? r.metric : (r.params[axis.name] ?? null));
        if (y === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${(xs[i] as number).toFixed(1)},${y.toFixed(1)}`;
        pen = true;
      });
      const t = r.metric === null ? 0.5 : (r.metric - lo) / (hi - lo || 1);
      return { d, stroke: r.metric === null ? '#bbb' : colour(goal === 'maximize' ? t : 1 - t) };
    });
    return { axes, xs, paths };
  }, [params, metricName, goal, rows, width]);

  const lines = useMemo(
    () =>
      layout.paths.map((p, i) => (
        <path
          key={rows[i]!.id}
          className="trial"
          d={p.d}
          stroke={p.stroke}
          onMouseEnter={() => setHovered(i)}
          onClick={() => onOpen?.(rows[i]!.id)}
        />
      )),
    [layout, rows, onOpen],
  );

  const current = hovered === null ? null : rows[hovered];
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="muted">
        {rows.length} trials, one line each, coloured by {metricName} (blue is better)
      </figcaption>
      <svg
        className="chart parallel"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Parallel coordinates of ${params.join(', ')} against ${metricName} for ${rows.length} trials`}
        onMouseLeave={() => setHovered(null)}
      >
        <g>{lines}</g>
        {hovered !== null && layout.paths[hovered] && (
          <path
            className="trial highlight"
            d={layout.paths[hovered].d}
            stroke={layout.paths[hovered].stroke}
          />
        )}
        {layout.axes.map((axis, i) => (
          <g key={axis.name} className="axis">
            <line x1={layout.xs[i]} x2={layout.xs[i]} y1={TOP} y2={BOTTOM} />
            <text x={layout.xs[i]} y={TOP - 12} textAnchor="middle" fontWeight={600}>
              {axis.name}
            </text>
            {axis.ticks.map((t) => (
              <text key={t.label} x={(layout.xs[i] as number) + 4} y={t.y + 4}>
                {t.label}
              </text>
            ))}
          </g>
        ))}
      </svg>
      <p className="muted" aria-live="polite" data-testid={`${testId}-hover`}>
        {current
          ? `${current.label}: ${params.map((p) => `${p}=${String(current.params[p] ?? '—')}`).join(', ')} → ${metricName} ${current.metric === null ? '—' : current.metric.toFixed(4)}`
          : 'Hover a line to see its trial; click it to open the trial.'}
      </p>
    </figure>
  );
}
