export { inTransaction, type DbClient } from './db-client.js';
export { upsertTrial, type UpsertTrialInput, type UpsertTrialResult } from './trials.js';
export {
  finishAttempt,
  recordAttempt,
  type FinishAttemptInput,
  type FinishAttemptResult,
  type RecordAttemptInput,
  type RecordAttemptResult,
} from './attempts.js';
export {
  ingestEpochMetrics,
  INGEST_CHUNK_ROWS,
  type EpochMetricRow,
  type IngestResult,
} from './epoch-metrics.js';
export {
  FINAL_STATUSES,
  recordFinalResult,
  type ArtifactInput,
  type FinalResultInput,
  type FinalStatus,
  type RecordedFinalResult,
} from './final-result.js';
export {
  appendAuditEvent,
  AUDIT_CHAIN_LOCK_KEY,
  verifyAuditChain,
  type AppendedAuditEvent,
  type AuditChainVerification,
  type AuditEventInput,
  type VerifyAuditChainOptions,
} from './audit.js';
export {
  leaderboard,
  type LeaderboardPage,
  type LeaderboardQuery,
  type LeaderboardScope,
  type MetricRef,
} from './leaderboard.js';
export { scratchVsTransferTable, type ScratchVsTransferQuery } from './scratch-vs-transfer.js';
export { PAPER_TABLE_METRICS, paperTable, type PaperTableQuery } from './paper-table.js';
export {
  compareEntries,
  comparisonTargets,
  type CompareEntriesInput,
  type ComparisonTarget,
  type EntryComparison,
} from './compare-entries.js';
export { runDetail, type Curve, type RunDetail } from './run-detail.js';
export { sweepSpecHash } from './sweep-spec-hash.js';
export { verifyTrialLineage } from './lineage.js';
export {
  listTrials,
  type TrialListPage,
  type TrialListQuery,
  type TrialListRow,
  type TrialSortKey,
} from './trial-list.js';
export {
  summariseSweeps,
  sweepSummaries,
  type SweepSummariesQuery,
  type SweepSummary,
} from './sweep-summaries.js';
