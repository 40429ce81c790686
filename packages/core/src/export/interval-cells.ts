// How the intervals of a table are written: for machines every fact of each (method, bounds, confidence,
// n, df, and why there is none), for people one cell that is a range or says why there is none.
import type { NewPatientsGain, NewPatientsInterval } from '../leaderboard/new-patients.js';
import type { IntervalMethod, IntervalResult } from '../stats/intervals.js';
import type { CsvCell } from './csv.js';
import type { DisplayCell } from './display-table.js';
import { missing, text } from './display-table.js';

type AnyInterval = IntervalResult | NewPatientsInterval | NewPatientsGain | null | undefined;

/** The header of an interval column for people, at the level of its intervals: `95% CI over seeds (t)`. */
export function intervalHeader(
  what: 'over seeds (t)' | 'for new patients (two-level)',
  intervals: readonly AnyInterval[],
  prefix = '',
): string {
  let level = 0.95;
  for (const interval of intervals) {
    if (interval && interval.outcome !== 'unavailable') {
      level = interval.confidence;
      break;
    }
  }
  return `${prefix}${Math.round(level * 100)}% CI ${what}`;
}

/** The CSV columns of an interval over seeds, after `prefix_`. */
export const seedIntervalColumns = (prefix: string): string[] =>
  ['method', 'lower', 'upper', 'confidence', 'n', 'df', 'not_computed'].map((c) => `${prefix}_${c}`);

/** The CSV cells of an interval over seeds (seedIntervalColumns); all empty for none. */
export function seedIntervalCsv(result: IntervalResult | null): CsvCell[] {
  if (result === null) return [null, null, null, null, null, null, null];
  const { method, confidence, n } = result;
  return result.outcome === 'interval'
    ? [method, result.lower, result.upper, confidence, n, result.df, null]
    : [method, null, null, confidence, n, null, result.reason];
}

/** The CSV columns of a two-level interval, after `prefix_`. */
export const twoLevelColumns = (prefix: string): string[] =>
  [
    'method',
    'estimate',
    'lower',
    'upper',
    'confidence',
    'n',
    'df',
    'seed_variance',
    'test_variance',
    'test_images',
    'not_computed',
  ].map((c) => `${prefix}_${c}`);

/** The CSV cells of a two-level interval (twoLevelColumns); all empty when it was not asked for. */
export function twoLevelCsv(result: NewPatientsInterval | NewPatientsGain | undefined): CsvCell[] {
  if (result === undefined) return new Array<CsvCell>(11).fill(null);
  switch (result.outcome) {
    case 'unavailable':
      return [...new Array<CsvCell>(10).fill(null), result.reason];
    case 'refused':
      return [
        result.method,
        result.estimate,
        null,
        null,
        result.confidence,
        result.n,
        null,
        null,
        null,
        result.testImages,
        result.reason,
      ];
    case 'interval':
      return [
        result.method,
        result.estimate,
        result.lower,
        result.upper,
        result.confidence,
        result.n,
        result.df,
        result.seedVariance,
        result.testVariance,
        result.testImages,
        null,
      ];
    default: {
      const unknown: never = result;
      return unknown;
    }
  }
}

/** How a gain's interval was paired, for a cell: `paired` (by seed) or `Welch`. */
const PAIRING: Partial<Record<IntervalMethod, string>> = {
  'paired-t': 'paired',
  'welch-t': 'Welch',
  'two-level-paired': 'paired',
  'two-level-welch': 'Welch',
};

/**
 * One cell for people: the range (with `paired`/`Welch` for a gain), `n too small` for a refusal, a
 * dash where it could not be computed (the CSV and JSON say why).
 */
export function intervalCell(result: AnyInterval): DisplayCell {
  if (result === null || result === undefined || result.outcome === 'unavailable') return missing;
  if (result.outcome === 'refused') return text('n too small');
  const note = PAIRING[result.method];
  return { kind: 'interval', lower: result.lower, upper: result.upper, ...(note ? { note } : {}) };
}

/** Whether any interval was refused for too few seeds (the table then explains `n too small`). */
export const anyRefused = (intervals: readonly AnyInterval[]): boolean =>
  intervals.some((i) => i?.outcome === 'refused');
