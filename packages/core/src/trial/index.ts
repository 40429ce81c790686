export {
  parseResolvedTrialConfig,
  PROTOCOL_DEFAULTS,
  resolvedTrialConfig,
  resolvedTrialConfigSchema,
  trialConfigHash,
} from './config.js';
export type { ResolvedTrialConfig } from './config.js';
export { segmentEnds, segmentIndexOf } from './segments.js';
export type { SegmentedTrial } from './segments.js';
