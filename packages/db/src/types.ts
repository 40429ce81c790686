// Types and enums of the results store, importable without opening a connection or loading the Prisma
// runtime: model types are type-only, enums are plain `as const` objects.
export type {
  ApiToken,
  Artifact,
  AuditEvent,
  Dataset,
  EpochMetric,
  Evaluation,
  FinalMetric,
  Lineage,
  Membership,
  Project,
  Session,
  Sweep,
  Trial,
  TrialAttempt,
  User,
  WeightsSource,
} from './generated/prisma/client.js';
/** Input and filter types (`Prisma.TrialCreateInput`, `Prisma.TrialWhereInput`, ...), type-only. */
export type { Prisma } from './generated/prisma/client.js';
export {
  ArtifactKind,
  AttemptOutcome,
  EpochSplit,
  EvaluationKind,
  FinalSplit,
  InstanceRole,
  MetricGoal,
  Role,
  SweepStatus,
  TrialStatus,
  WeightsKind,
} from './generated/prisma/enums.js';
