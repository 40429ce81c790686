// @medsweep/api: the tRPC router apps/web mounts (and the CLI calls over HTTP), its types, and the few
// functions hosts need around it: building a request's context, serving HTTP, creating users and tokens.
export { appRouter, createCaller } from './root.js';
export type { AppRouter, RouterInputs, RouterOutputs } from './root.js';
export { createContext } from './trpc.js';
export type { ApiDeps, Context, CreateContextOptions, FieldIssue } from './trpc.js';
export { handleTrpcRequest, MAX_BODY_BYTES, MAX_SPEC_BODY_BYTES, TRPC_ENDPOINT } from './http.js';
export { apiDepsFromConfig, connectionsFromConfig } from './deps.js';
export type { Connections, HostedApiDeps } from './deps.js';
export { SESSION_COOKIE } from './auth/session.js';
export type { SessionSettings } from './auth/session.js';
export {
  ACTIONS,
  INSTANCE_ACTIONS,
  INSTANCE_ROLE_PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
} from './auth/permissions.js';
export type { Action, InstanceAction } from './auth/permissions.js';
export { createUser, ensureBootstrapAdmin } from './auth/users.js';
export type { BootstrapResult, CreateUserInput } from './auth/users.js';
export { createApiToken, API_TOKEN_PREFIX } from './auth/api-tokens.js';
export { anchorAuditHead, startAuditAnchoring } from './services/audit-anchors.js';
export { isUnbatched, MAX_BATCH_ITEMS } from './http-limits.js';
export type { CreateApiTokenInput } from './auth/api-tokens.js';
// Used in-process by the CLI's operator commands (the demo) and the integration tests.
export {
  cancelSweep,
  pauseSweep,
  resolveSweep,
  startSweepWorkflow,
  submitSweep,
  sweepProgress,
} from './services/sweeps.js';
export type { SubmittedSweep, SweepServiceDeps } from './services/sweeps.js';
export { registerStoredDataset } from './services/dataset-registration.js';
export type { RegisteredDatasetSummary, RegisterStoredDataset } from './services/dataset-registration.js';
export { registerStoredWeights, weightsKey } from './services/weights-registration.js';
export { liveProgress } from './services/progress.js';
export type { LiveProgress, TrialPosition } from './services/progress.js';
export { evaluationState, requestEvaluation, trialEvaluationViews } from './services/evaluations.js';
export type {
  EvaluationAsk,
  EvaluationRequested,
  EvaluationServiceDeps,
  EvaluationState,
  EvaluationView,
} from './services/evaluations.js';
export { REPORT_CHECKLISTS, REPORT_FORMATS, reportFacts, sweepReport } from './services/report.js';
export type { ReportChecklist, ReportFile, ReportFormat, SweepReport } from './services/report.js';
export {
  armsTable,
  PAIRWISE_ENTRIES,
  pairwiseTable,
  paperTableWithFacts,
  positiveClassOf,
  rankedTable,
} from './services/leaderboard.js';
export type {
  ArmsTable,
  PairwiseQuery,
  PaperTableWithFacts,
  PositiveClassFact,
  RankedTable,
  TableDeps,
} from './services/leaderboard.js';
export * from './errors.js';
