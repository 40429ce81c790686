export { loadConfig, configFromEnv, ConfigError, STACK_SERVICES } from './config.js';
export type { MedsweepConfig, StackService } from './config.js';
export { repoRoot } from './paths.js';
