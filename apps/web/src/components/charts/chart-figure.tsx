// The frame every SVG chart shares: a captioned figure holding a fixed-size, labelled SVG and, where the
// chart has series, their legend (swatch classes match the series-N classes the chart draws with).
import type { ReactNode } from 'react';

export interface ChartFigureProps {
  title: string;
  testId: string;
  width: number;
  height: number;
  /** What a screen reader announces for the SVG: the chart's title and what it plots. */
  ariaLabel: string;
  /** Series labels in drawing order; none, no legend. */
  legend?: readonly string[];
  children: ReactNode;
}

export function ChartFigure({
  title,
  testId,
  width,
  height,
  ariaLabel,
  legend = [],
  children,
}: ChartFigureProps) {
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={ariaLabel}
      >
        {children}
      </svg>
      {legend.length > 0 && (
        <ul className="legend">
          {legend.map((label, i) => (
            <li key={label}>
              <span className={`swatch series-${i % 8}`} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
