// A grouped bar chart: one group per category (a class), one bar per series (a split) in each, on a
// linear count axis from zero, with a legend. Plain SVG, no hooks, as the line chart.
import { ChartFigure } from './chart-figure';
import { linearScale } from './scale';

export interface BarSeries {
  label: string;
  /** One value per category, in category order. */
  values: readonly number[];
}

export interface BarChartProps {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  testId: string;
  height?: number;
}

const MARGIN = { top: 10, right: 14, bottom: 64, left: 52 };
const BAR = 12;
const GAP = 10;

export function BarChart({ title, categories, series, yLabel, testId, height = 280 }: BarChartProps) {
  const group = series.length * BAR + GAP;
  const width = Math.max(320, MARGIN.left + MARGIN.right + categories.length * group);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const y = linearScale([0, max], [height - MARGIN.bottom, MARGIN.top]);
  const bottom = height - MARGIN.bottom;
  return (
    <ChartFigure
      title={title}
      testId={testId}
      width={width}
      height={height}
      ariaLabel={`${title}: ${yLabel} per ${categories.length} classes for ${series.map((s) => s.label).join(', ')}`}
      legend={series.map((s) => s.label)}
    >
      <g className="grid" aria-hidden="true">
        {y.ticks.map((t) => (
          <line key={t} x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
        ))}
      </g>
      <g className="axis" aria-hidden="true">
        <line x1={MARGIN.left} x2={width - MARGIN.right} y1={bottom} y2={bottom} />
        {y.ticks.map((t) => (
          <text key={t} x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
            {y.format(t)}
          </text>
        ))}
        <text transform={`translate(12 ${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
          {yLabel}
        </text>
        {categories.map((c, i) => {
          const cx = MARGIN.left + i * group + (group - GAP) / 2 + GAP / 2;
          return (
            <text key={c} transform={`translate(${cx} ${bottom + 10}) rotate(35)`} textAnchor="start">
              {c.length > 14 ? `${c.slice(0, 13)}…` : c}
            </text>
          );
        })}
      </g>
      {series.map((s, j) => (
        <g key={s.label} className={`series-${j % 8}`}>
          {s.values.map((v, i) => (
            <rect
              key={i}
              x={MARGIN.left + GAP / 2 + i * group + j * BAR}
              y={y(v)}
              width={BAR - 1}
              height={bottom - y(v)}
            >
              <title>{`${categories[i]}, ${s.label}: ${v}`}</title>
            </rect>
          ))}
        </g>
      ))}
    </ChartFigure>
  );
}
