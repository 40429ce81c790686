export {
  loadConfig,
  configFromEnv,
  ConfigError,
  DEV_SESSION_SECRET,
  QUIET_TENSORFLOW_LOG_LEVEL,
  quietNativeTensorflow,
  STACK_SERVICES,
} from './config.js';
export type { MedsweepConfig, StackService } from './config.js';
export { repoRoot } from './paths.js';
