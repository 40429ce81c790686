export { toCsv } from './csv.js';
export type { CsvCell } from './csv.js';
export { escapeLatex } from './latex.js';
export type { LatexOptions } from './latex.js';
export {
  describeConfig,
  EXPORT_FORMATS,
  exportLeaderboard,
  exportPaperTable,
  exportScratchVsTransfer,
} from './tables.js';
export type { ExportFormat, ExportOptions } from './tables.js';
export { buildPaperTable } from './paper-table.js';
export type { PaperCell, PaperMetric, PaperMetricTable, PaperTable, PaperTableRow } from './paper-table.js';
