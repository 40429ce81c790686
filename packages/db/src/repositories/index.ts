export { inTransaction, type DbClient } from './db-client.js';
export {
  completedTrials,
  findTrialWithProject,
  startPendingTrial,
  upsertTrial,
  type UpsertTrialInput,
  type UpsertTrialResult,
} from './trials.js';
export {
  finishAttempt,
  recordAttempt,
  unfinishedAttempts,
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
  auditChainHead,
  auditEventsPage,
  verifyAuditChain,
  type AppendedAuditEvent,
  type AuditChainVerification,
  type AuditEventInput,
  type AuditEventsPage,
  type AuditEventsQuery,
  type ListedAuditEvent,
  type VerifyAuditChainOptions,
} from './audit.js';
export {
  leaderboard,
  scopeEvaluations,
  type LeaderboardPage,
  type LeaderboardQuery,
  type LeaderboardScope,
  type MetricRef,
  type ScopeEvaluation,
} from './leaderboard.js';
export { scratchVsTransferTable, type ScratchVsTransferQuery } from './scratch-vs-transfer.js';
export { PAPER_TABLE_METRICS, paperTable, type PaperTableQuery } from './paper-table.js';
export {
  compareEntries,
  compareEntryFamily,
  comparisonTargets,
  familyTargets,
  predictionsTargets,
  type CompareEntriesInput,
  type CompareFamilyInput,
  type ComparisonTarget,
  type EntryComparison,
  type EntryComparisonFamily,
} from './compare-entries.js';
export { runDetail, type Curve, type RunDetail } from './run-detail.js';
export { sweepSpecHash } from './sweep-spec-hash.js';
export { findLineage, recordTrialVerification, trialForVerification, verifyTrialLineage } from './lineage.js';
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
export { ensureProject, findProjectBySlug } from './projects.js';
export {
  changePasswordHash,
  createUserAccount,
  findUserByEmail,
  findUserById,
  findUserView,
  hasUsers,
  listUsers,
  setInstanceRole,
  setUserDisabled,
  USER_VIEW,
  type CreateUserAccountInput,
  type ListedUser,
  type UserView,
} from './users.js';
export {
  ensureMembership,
  membershipRole,
  membershipsOfUser,
  projectMembers,
  setMembership,
  type MembershipWithProject,
  type ProjectMember,
  type SetMembershipInput,
} from './memberships.js';
export {
  createLoginSession,
  findSessionBySecretHash,
  revokeSession,
  revokeUserSessions,
  touchSession,
} from './sessions.js';
export {
  findApiTokenByHash,
  findProjectApiToken,
  findUserApiToken,
  listProjectApiTokens,
  listUserApiTokens,
  registerApiToken,
  revokeApiToken,
  touchApiToken,
  type ListedApiToken,
  type OwnApiToken,
  type RegisterApiTokenInput,
} from './api-tokens.js';
export {
  chargeLoginAttempt,
  clearLoginThrottle,
  loginThrottleState,
  recordFailedLogin,
  unlockLogin,
  type LoginCharge,
  type LoginThrottleKey,
  type LoginThrottlePolicy,
} from './login-attempts.js';
export {
  createSweep,
  FINAL_SWEEP_STATUSES,
  findSweep,
  findSweepWithProject,
  listSweeps,
  setSweepStatus,
  type CreateSweepInput,
  type ListedSweep,
  type SetSweepStatusInput,
} from './sweeps.js';
export {
  datasetNames,
  datasetOfSweep,
  findDataset,
  findDatasetWithProject,
  findLatestDataset,
  leakageCounts,
  listDatasets,
  registerDataset,
  sweepsOfDataset,
  type DatasetLink,
  type DatasetPreview,
  type ListedDataset,
  type RegisterDatasetInput,
  type RegisteredDataset,
  type SweepOfDataset,
} from './datasets.js';
export {
  findWeightsSources,
  listWeightsSources,
  registerTrialWeightsSource,
  registerWeightsFileSource,
  type ListedWeightsSource,
  type RegisteredWeightsSource,
  type RegisterWeightsFileInput,
} from './weights-sources.js';
export { findArtifactWithProject, latestArtifact, trialArtifacts } from './artifacts.js';
export {
  evaluationParamsHash,
  evaluationSubject,
  findEvaluation,
  recordEvaluation,
  sweepRobustnessEvaluations,
  trialEvaluations,
  type EvaluationSubject,
  type ListedEvaluation,
  type RecordedEvaluation,
  type RecordEvaluationInput,
} from './evaluations.js';
export { databaseServerVersion, upsertWorker, type WorkerRowInput } from './workers.js';
