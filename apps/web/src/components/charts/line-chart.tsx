// A line chart for learning curves, ROC and calibration: several series on shared linear axes, an
// optional y = x reference, and a legend. Plain SVG, no hooks, so server and client components can use it.
import { ChartFigure } from './chart-figure';
import type { Scale } from './scale';
import { extent, linearScale, linePath } from './scale';

export interface LineSeries {
  label: string;
  x: readonly number[];
  y: readonly number[];
  dashed?: boolean;
  /** Draw a dot at each point (few points, e.g. calibration bins). */
  markers?: boolean;
}

export interface LineChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Dashed y = x line (chance on ROC, perfect calibration). */
  diagonal?: boolean;
  /** Label only whole numbers on the x axis (epochs). */
  integerX?: boolean;
  testId: string;
  width?: number;
  height?: number;
}

const MARGIN = { top: 10, right: 14, bottom: 38, left: 52 };

function Axes({
  x,
  y,
  width,
  height,
  xLabel,
  yLabel,
}: {
  x: Scale;
  y: Scale;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
}) {
  const bottom = height - MARGIN.bottom;
  return (
    <>
      <g className="grid" aria-hidden="true">
        {y.ticks.map((t) => (
          <line key={`gy${t}`} x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
        ))}
      </g>
      <g className="axis" aria-hidden="true">
        <line x1={MARGIN.left} x2={width - MARGIN.right} y1={bottom} y2={bottom} />
        <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={bottom} />
        {x.ticks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={bottom + 14} textAnchor="middle">
            {x.format(t)}
          </text>
        ))}
        {y.ticks.map((t) => (
          <text key={`y${t}`} x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
            {y.format(t)}
          </text>
        ))}
        <text x={(MARGIN.left + width - MARGIN.right) / 2} y={height - 4} textAnchor="middle">
          {xLabel}
        </text>
        <text transform={`translate(12 ${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
          {yLabel}
        </text>
      </g>
    </>
  );
}

export function LineChart({
  title,
  xLabel,
  yLabel,
  series,
  xDomain,
  yDomain,
  diagonal = false,
  integerX = false,
  testId,
  width = 460,
  height = 280,
}: LineChartProps) {
  const x = linearScale(xDomain ?? extent(series.flatMap((s) => s.x)), [MARGIN.left, width - MARGIN.right]);
  if (integerX) x.ticks = x.ticks.filter(Number.isInteger);
  const y = linearScale(yDomain ?? extent(series.flatMap((s) => s.y)), [height - MARGIN.bottom, MARGIN.top]);
  const [lo, hi] = [Math.max(x.domain[0], y.domain[0]), Math.min(x.domain[1], y.domain[1])];
  return (
    <ChartFigure
      title={title}
      testId={testId}
      width={width}
      height={height}
      ariaLabel={`${title}: ${yLabel} against ${xLabel} for ${series.map((s) => s.label).join(', ')}`}
      legend={series.map((s) => s.label)}
    >
      <Axes x={x} y={y} width={width} height={height} xLabel={xLabel} yLabel={yLabel} />
      {diagonal && lo < hi && <line className="reference" x1={x(lo)} y1={y(lo)} x2={x(hi)} y2={y(hi)} />}
      {series.map((s, i) => (
        <g key={s.label} className={`series-${i % 8}`}>
          <path className={`series series-${i % 8}${s.dashed ? ' dashed' : ''}`} d={linePath(s.x, s.y, x, y)}>
            <title>{s.label}</title>
          </path>
          {s.markers &&
            s.x.map((xv, j) => {
              const yv = s.y[j] as number;
              return Number.isFinite(xv) && Number.isFinite(yv) ? (
                <circle key={j} className={`series-${i % 8}`} cx={x(xv)} cy={y(yv)} r={3}>
                  <title>{`${s.label}: (${x.format(xv)}, ${y.format(yv)})`}</title>
                </circle>
              ) : null;
            })}
        </g>
      ))}
    </ChartFigure>
  );
}
