export { EVALUATION_FORMAT, EVALUATION_KINDS, parseEvaluationDocument } from './document.js';
export type {
  CorruptedScores,
  EvaluationDocument,
  EvaluationKind,
  ReadEvaluationDocument,
} from './document.js';
export {
  EVALUATION_THRESHOLD,
  evaluationResult,
  readEvaluationResult,
  robustnessSummary,
  storedEvaluationResult,
  SUMMARY_SEVERITY,
} from './results.js';
export type { EvaluationResult, RobustnessRow, RobustnessSummary } from './results.js';
export { externalDatasetProblem, requireSameClasses } from './external.js';
export type { ClassFacts } from './external.js';
export { attributeColumn, subgroupAttributes } from './subgroups.js';
