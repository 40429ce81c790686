// The intervals' coverage against known truth (coverage-simulation.ts), at 1,500 replications per cell
// to keep the suite quick: a coverage near 95% then has a Monte Carlo SE of 0.56%, so the band
// [0.93, 0.97] (which `npm run stats:coverage` meets at 4,000 replications) is widened here by about one
// SE, to [0.925, 0.975]. An interval that truly covered 92% or 98% would still fail it with high probability.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageStudy } from './coverage-simulation.js';
import {
  coverageFractions,
  coverageOf,
  coverageTable,
  monteCarloSe,
  simulateCoverage,
} from './coverage-simulation.js';

const REPLICATIONS = 1500;
const BAND = [0.925, 0.975] as const;

let study: CoverageStudy;
// About 25 s of CPU; the limit leaves room for a machine shared with other suites.
beforeAll(() => {
  study = simulateCoverage({ replications: REPLICATIONS });
}, 300_000);

const series = (key: string) => {
  const found = study.series.find((s) => s.key === key);
  if (!found) throw new Error(`no series ${key}`);
  return found;
};
const coverageAt = (key: string, seeds: number) => {
  const cell = series(key).cells.find((c) => c.seeds === seeds);
  if (!cell) throw new Error(`no cell ${key} n=${seeds}`);
  return coverageOf(cell);
};

describe('coverage of the intervals against known truth', () => {
  it('every checked interval covers its truth 93-97% of the time at 3, 5 and 10 seeds', () => {
    expect(monteCarloSe(0.95, REPLICATIONS)).toBeCloseTo(0.0056, 4);
    const checked = study.series.filter((s) => s.checked);
    expect(checked.map((s) => s.key)).toEqual([
      'seedMean',
      'gain',
      'gainWelch',
      'twoLevel',
      'twoLevelAcc',
      'twoLevelGain',
      'twoLevelGainAcc',
      'twoLevelGainWelch',
    ]);
    const outside = checked.flatMap((s) =>
      s.cells
        .filter((cell) => cell.seeds >= 3)
        .map((cell) => ({
          key: s.key,
          seeds: cell.seeds,
          coverage: coverageOf(cell),
          intervals: cell.intervals,
        }))
        .filter(
          ({ coverage, intervals }) => intervals !== REPLICATIONS || coverage < BAND[0] || coverage > BAND[1],
        ),
    );
    expect(outside).toEqual([]);
  });

  it('every checked interval refuses two seeds, and the JSON summary leaves that cell out', () => {
    for (const s of study.series.filter((s) => s.checked)) {
      const two = s.cells.find((cell) => cell.seeds === 2)!;
      expect(two).toMatchObject({ intervals: 0, refused: REPLICATIONS });
      expect(two.refusal).toMatch(/^n too small: 2 .*seeds?; at least 3 are needed for an interval$/);
    }
    const fractions = coverageFractions(study);
    expect(Object.keys(fractions.seedMean!)).toEqual(['3', '5', '10']);
    expect(Object.keys(fractions)).not.toContain('bootstrap');
    const lines = coverageTable(study);
    expect(lines.join('\n')).toContain('refused');
    expect(lines.some((line) => line.startsWith('Refused: n=2: n too small: 2 seeds'))).toBe(true);
  });

  it('the old percentile bootstrap over seeds covers about half the time at two seeds, and too rarely after', () => {
    // Two values resample to their own range: P(truth between two draws) = 1/2.
    expect(coverageAt('bootstrap', 2)).toBeGreaterThan(0.45);
    expect(coverageAt('bootstrap', 2)).toBeLessThan(0.55);
    for (const seeds of [3, 5, 10]) expect(coverageAt('bootstrap', seeds)).toBeLessThan(0.92);
  });

  it('an interval over seeds alone misses new patients, more often the more seeds: why two-level exists', () => {
    expect(coverageAt('seedMeanPopulation', 3)).toBeLessThan(0.9);
    expect(coverageAt('seedMeanPopulation', 10)).toBeLessThan(0.7);
    expect(coverageAt('twoLevel', 10)).toBeGreaterThan(BAND[0]);
  });
});
