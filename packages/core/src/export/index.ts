export { toCsv } from './csv.js';
export type { CsvCell } from './csv.js';
export { escapeLatex } from './latex.js';
export type { LatexOptions } from './latex.js';
export { describeConfig, EXPORT_FORMATS, exportLeaderboard, exportScratchVsTransfer } from './tables.js';
export type { ExportFormat, ExportOptions } from './tables.js';
