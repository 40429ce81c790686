export {
  loadConfig,
  configFromEnv,
  ConfigError,
  DEV_SESSION_SECRET,
  LOCAL_DATABASE_URL,
  LOCAL_MIGRATION_DATABASE_URL,
  QUIET_TENSORFLOW_LOG_LEVEL,
  quietNativeTensorflow,
  STACK_SERVICES,
  TEMPORAL_SERVER_MODES,
} from './config.js';
export type { MedsweepConfig, StackService, TemporalServerMode } from './config.js';
export { repoRoot } from './paths.js';
export { clientSettingsFromEnv, loadClientSettings } from './client.js';
export type { ClientSettings } from './client.js';
