// LaTeX tables (booktabs rules: \usepackage{booktabs}). Text is escaped for LaTeX's special characters;
// numbers are set in math mode, so minus signs are minus signs and ± is \pm.
import { InvalidOptionError } from '../errors.js';
import type { DisplayCell, DisplayTable } from './display-table.js';
import { fixed, formatP } from './display-table.js';

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '±': '$\\pm$',
  // Typeset as other glyphs by the default OT1 font encoding.
  '|': '\\textbar{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

/** Text with LaTeX's special characters escaped (± as $\pm$) and line breaks as spaces. */
export function escapeLatex(value: string): string {
  return value.replace(/[\\&%$#_{}~^±|<>]/g, (c) => SPECIALS[c]!).replace(/\r\n|\r|\n/g, ' ');
}

function cell(c: DisplayCell, digits: number): string {
  switch (c.kind) {
    case 'text':
      return escapeLatex(c.text);
    case 'integer':
      return String(c.value);
    case 'number':
      return `$${fixed(c.value, digits, c.signed)}$`;
    case 'mean-std':
      return c.std === null
        ? `$${fixed(c.mean, digits)}$`
        : `$${fixed(c.mean, digits)} \\pm ${fixed(c.std, digits)}$`;
    case 'interval':
      return `$[${fixed(c.lower, digits)}, ${fixed(c.upper, digits)}]$${c.note ? ` ${escapeLatex(c.note)}` : ''}`;
    case 'p-value':
      return `$${formatP(c.value, '<')}$`;
    case 'missing':
      return '--';
    default: {
      const unknown: never = c;
      return unknown;
    }
  }
}

export interface LatexOptions {
  /** Wraps the tabular in a table environment with this caption. */
  caption?: string;
  /** \label of the table environment (needs caption): letters, digits and : _ . - only. */
  label?: string;
}

const LABEL = /^[A-Za-z0-9:_.-]+$/;

/**
 * A booktabs tabular with numbers to `digits` decimals, its notes in small type under it; a table
 * environment when captioned.
 */
export function renderLatex(table: DisplayTable, digits: number, options: LatexOptions = {}): string {
  const row = (cells: readonly string[]) => `${cells.join(' & ')} \\\\\n`;
  const tabular =
    `\\begin{tabular}{${table.columns.map((c) => (c.align === 'right' ? 'r' : 'l')).join('')}}\n` +
    '\\toprule\n' +
    row(table.columns.map((c) => escapeLatex(c.header))) +
    '\\midrule\n' +
    table.rows.map((r) => row(r.map((c) => cell(c, digits)))).join('') +
    '\\bottomrule\n' +
    '\\end{tabular}\n' +
    (table.notes?.length
      ? `\\par\\smallskip{\\footnotesize ${table.notes.map(escapeLatex).join(' ')}}\n`
      : '');
  if (options.label !== undefined && (options.caption === undefined || !LABEL.test(options.label))) {
    throw new InvalidOptionError(
      'renderLatex',
      'label',
      options.label,
      'letters, digits and : _ . - only, together with a caption',
    );
  }
  if (options.caption === undefined) return tabular;
  return (
    '\\begin{table}[ht]\n\\centering\n' +
    `\\caption{${escapeLatex(options.caption)}}\n` +
    (options.label === undefined ? '' : `\\label{${options.label}}\n`) +
    tabular +
    '\\end{table}\n'
  );
}
