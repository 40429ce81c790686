// GitHub-flavoured Markdown tables. Text is escaped so a pipe cannot end a cell and no emphasis, code
// span, link or HTML is started by data; line breaks become spaces.
import type { DisplayCell, DisplayTable } from './display-table.js';
import { fixed, formatP } from './display-table.js';

function escape(value: string): string {
  return value.replace(/[\\|`*_<>[\]]/g, '\\$&').replace(/\r\n|\r|\n/g, ' ');
}

function cell(c: DisplayCell, digits: number): string {
  switch (c.kind) {
    case 'text':
      return escape(c.text);
    case 'integer':
      return String(c.value);
    case 'number':
      return fixed(c.value, digits, c.signed);
    case 'mean-std':
      return c.std === null ? fixed(c.mean, digits) : `${fixed(c.mean, digits)} ± ${fixed(c.std, digits)}`;
    case 'interval':
      return `[${fixed(c.lower, digits)}, ${fixed(c.upper, digits)}]${c.note ? ` ${escape(c.note)}` : ''}`;
    case 'p-value':
      return formatP(c.value);
    case 'missing':
      return '—';
    default: {
      const unknown: never = c;
      return unknown;
    }
  }
}

/** A Markdown table with numbers to `digits` decimals, its notes as a paragraph after it. */
export function renderMarkdown(table: DisplayTable, digits: number): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |\n`;
  return (
    line(table.columns.map((c) => escape(c.header))) +
    line(table.columns.map((c) => (c.align === 'right' ? '---:' : ':---'))) +
    table.rows.map((row) => line(row.map((c) => cell(c, digits)))).join('') +
    (table.notes?.length ? `\n${table.notes.map(escape).join(' ')}\n` : '')
  );
}
