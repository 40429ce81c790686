// A confusion matrix as a heatmap: rows are the true class, columns the predicted class, each cell shaded
// by its share of the row (per-class recall) and labelled with its count.
import { ChartFigure } from './chart-figure';

export interface ConfusionMatrixProps {
  title: string;
  classNames: readonly string[];
  /** matrix[true class][predicted class]. */
  matrix: readonly (readonly number[])[];
  testId: string;
}

const CELL = 44;
const LABEL = 96;

export function ConfusionMatrix({ title, classNames, matrix, testId }: ConfusionMatrixProps) {
  const n = matrix.length;
  const width = LABEL + n * CELL + 8;
  const height = LABEL + n * CELL + 8;
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <ChartFigure
      title={title}
      testId={testId}
      width={width}
      height={height}
      ariaLabel={`${title}: ${n} by ${n} confusion matrix, rows true class, columns predicted class`}
    >
      <text x={LABEL + (n * CELL) / 2} y={12} textAnchor="middle">
        predicted
      </text>
      <text transform={`translate(12 ${LABEL + (n * CELL) / 2}) rotate(-90)`} textAnchor="middle">
        true
      </text>
      {matrix.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0);
        return (
          <g key={i}>
            <text x={LABEL - 6} y={LABEL + i * CELL + CELL / 2 + 4} textAnchor="end">
              {name(i).slice(0, 14)}
            </text>
            {row.map((count, j) => {
              const share = total > 0 ? count / total : 0;
              return (
                <g key={j}>
                  <rect
                    x={LABEL + j * CELL}
                    y={LABEL + i * CELL}
                    width={CELL - 1}
                    height={CELL - 1}
                    fill={`rgba(0, 114, 178, ${(0.06 + 0.94 * share).toFixed(3)})`}
                  >
                    <title>{`true ${name(i)}, predicted ${name(j)}: ${count} (${(share * 100).toFixed(1)}% of row)`}</title>
                  </rect>
                  <text
                    x={LABEL + j * CELL + CELL / 2}
                    y={LABEL + i * CELL + CELL / 2 + 4}
                    textAnchor="middle"
                    style={{ fill: share > 0.55 ? '#fff' : undefined }}
                  >
                    {count}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      {classNames.slice(0, n).map((c, j) => (
        <text
          key={c}
          transform={`translate(${LABEL + j * CELL + CELL / 2 + 4} ${LABEL - 6}) rotate(-60)`}
          textAnchor="start"
        >
          {c.slice(0, 14)}
        </text>
      ))}
    </ChartFigure>
  );
}
