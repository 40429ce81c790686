// One table in one of the export formats: CSV from its records, Markdown and LaTeX from its display form.
import { InvalidOptionError } from '../errors.js';
import type { CsvCell } from './csv.js';
import { toCsv } from './csv.js';
import type { DisplayTable } from './display-table.js';
import type { LatexOptions } from './latex.js';
import { renderLatex } from './latex.js';
import { renderMarkdown } from './markdown.js';

export type ExportFormat = 'csv' | 'markdown' | 'latex';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'markdown', 'latex'];

export interface ExportOptions extends LatexOptions {
  /** Decimals of rounded numbers in Markdown and LaTeX (CSV keeps full precision); default 3. */
  digits?: number;
  /**
   * Which class the binary metrics count as positive, as describePositiveClass words it: a CSV column
   * and a note under Markdown and LaTeX tables. Absent for tasks without one.
   */
  positiveClass?: string;
}

/** A table's CSV header and records. */
export interface CsvTable {
  header: string[];
  rows: CsvCell[][];
}

export function render(
  format: ExportFormat,
  csv: CsvTable,
  display: DisplayTable,
  options: ExportOptions,
): string {
  const { digits = 3, positiveClass: _positiveClass, ...latex } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new InvalidOptionError('export', 'digits', digits, 'an integer in [0, 15]');
  }
  switch (format) {
    case 'csv':
      return toCsv(csv.header, csv.rows);
    case 'markdown':
      return renderMarkdown(display, digits);
    case 'latex':
      return renderLatex(display, digits, latex);
    default: {
      const unknown: never = format;
      throw new InvalidOptionError('export', 'format', unknown, EXPORT_FORMATS.join(', '));
    }
  }
}

/** The note under a table for people that names the positive class, when the options give one. */
export function positiveClassNote(options: ExportOptions): string[] {
  return options.positiveClass === undefined ? [] : [`Positive class: ${options.positiveClass}.`];
}
