export { canonicalJson } from './canonical-json.js';
export type { JsonObject, JsonValue } from './canonical-json.js';
export { canonicalHash, sha256Hex, SHA256_HEX } from './hash.js';
export {
  configHash,
  configurationGroupKey,
  configWithoutSeed,
  finalMetricsHash,
  SEED_KEY,
} from './configuration.js';
export type { ConfigurationIdentity, FinalMetricValue } from './configuration.js';
export { LINEAGE_LINKS, lineageLinks, recordHash, sealLineage, validateLineage } from './record.js';
export type { LineageLink, LineageRecord, SealedLineage } from './record.js';
export { verifyLineage } from './verify.js';
export type { LineageVerification } from './verify.js';
export {
  anchorBeyondHead,
  AUDIT_GENESIS_HASH,
  auditEventHash,
  checkAnchor,
  checkAuditLink,
} from './audit-chain.js';
export type {
  AuditAnchor,
  AuditChainBreak,
  AuditChainBreakReason,
  AuditEventContent,
  ChainedAuditEvent,
} from './audit-chain.js';
