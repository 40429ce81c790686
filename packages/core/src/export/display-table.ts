// A table for people (Markdown, LaTeX): cells say what they hold, and each renderer formats and escapes
// them for its target, so the two formats never drift apart in content.

export type DisplayCell =
  | { kind: 'text'; text: string }
  | { kind: 'integer'; value: number }
  /** `signed` writes a + before positive values (gains). */
  | { kind: 'number'; value: number; signed?: boolean }
  | { kind: 'mean-std'; mean: number; std: number | null }
  /** `note` follows the interval, e.g. `paired` or `Welch`. */
  | { kind: 'interval'; lower: number; upper: number; note?: string }
  /** A p-value: four decimals, `< 0.0001` below that. */
  | { kind: 'p-value'; value: number }
  | { kind: 'missing' };

export interface DisplayColumn {
  header: string;
  align: 'left' | 'right';
}

export interface DisplayTable {
  columns: readonly DisplayColumn[];
  rows: readonly (readonly DisplayCell[])[];
  /** Sentences printed under the table: what the positive class is, what a family of tests is. */
  notes?: readonly string[];
}

export const text = (value: string): DisplayCell => ({ kind: 'text', text: value });
export const missing: DisplayCell = { kind: 'missing' };

/** A number with `digits` decimals, `-` for negatives, `+` for positives when signed. */
export function fixed(value: number, digits: number, signed = false): string {
  const formatted = value.toFixed(digits);
  // toFixed keeps the sign of a negative value that rounds to zero ("-0.000"): drop it.
  const unsigned = /^-0(\.0*)?$/.test(formatted) ? formatted.slice(1) : formatted;
  return signed && Number(unsigned) > 0 ? `+${unsigned}` : unsigned;
}

/** Smallest p-value printed as a number; smaller ones print as `< 0.0001`. */
const SMALLEST_P = 1e-4;

/** A p-value with four decimals, or `<` and the smallest printed one; `lessThan` is how `<` is written. */
export function formatP(value: number, lessThan = '< '): string {
  return value < SMALLEST_P ? `${lessThan}${SMALLEST_P.toFixed(4)}` : value.toFixed(4);
}
