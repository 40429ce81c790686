// CSV as RFC 4180 defines it (comma-separated, CRLF after every record, fields with a comma, quote, CR or
// LF quoted, quotes doubled), made safe to open in a spreadsheet: a text cell that starts with = + - @,
// a tab or a carriage return would run as a formula (CSV injection), so it is prefixed with a single
// quote. Numbers are written as numbers: JavaScript never prints one as a formula.

/** A CSV cell: text, a number, a boolean, or null for an empty field. */
export type CsvCell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function field(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header record and one record per row. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((record) => `${record.map(field).join(',')}\r\n`).join('');
}
