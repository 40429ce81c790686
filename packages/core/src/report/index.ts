export { assembleModelCard, assembleReport, statusCounts } from './assemble.js';
export type { Report } from './assemble.js';
export { CHECKLISTS, CLAIM, MODEL_CARD, TRIPOD_AI } from './checklists.js';
export type { Checklist, ChecklistId, ChecklistItemDefinition } from './checklists.js';
export { SPLITS } from './facts.js';
export type {
  CalibrationFacts,
  DatasetFacts,
  EvaluationFacts,
  LineageFacts,
  RecordKind,
  ReportFacts,
  RobustnessFacts,
  SelectionFacts,
  SplitCounts,
  SplitFact,
  SubgroupFacts,
  SweepFacts,
  TrialFacts,
} from './facts.js';
export { citationSummary, ITEM_STATUSES } from './items.js';
export type { Citation, ItemStatus, ReportBlock, ReportItem } from './items.js';
export { recordOf, valueAt } from './sources.js';
export { blockMarkdown, escapeMarkdown, renderMarkdown } from './render-markdown.js';
export { escapeHtml, reliabilitySvg, renderHtml } from './render-html.js';
