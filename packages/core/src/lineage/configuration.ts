// Hashes that identify what a trial ran: its exact configuration, the configuration apart from its seed
// (repeats of one configuration share it, and the leaderboard aggregates over them), and its final
// metrics (the lineage's metricsHash).
import { InvalidLineageError } from '../errors.js';
import type { JsonObject, JsonValue } from './canonical-json.js';
import { canonicalHash } from './hash.js';

/** The config key that holds the seed, when the resolved config carries it (the trial row always does). */
export const SEED_KEY = 'seed';

/** sha256 of the canonical resolved config: the trial's configHash and the lineage's configHash. */
export function configHash(config: JsonObject): string {
  return canonicalHash(config);
}

/** What makes two trials repeats of one configuration: everything they ran except the seed. */
export interface ConfigurationIdentity {
  architecture: string;
  /** Initialisation arm, e.g. `scratch`, `imagenet`. */
  initialisation: string;
  /** e.g. `full`, `linear-probe`. */
  transferMode: string;
  /** The resolved config; a top-level `seed` key, if present, is left out. */
  config: JsonObject;
}

/** The config without its top-level seed: what repeats of one configuration have in common. */
export function configWithoutSeed(config: JsonObject): JsonObject {
  const { [SEED_KEY]: _seed, ...rest } = config;
  return rest;
}

/**
 * The trial's groupKey: sha256 over architecture, initialisation, transfer mode and the config without
 * its seed. Trials with equal group keys differ only in their seed.
 */
export function configurationGroupKey(identity: ConfigurationIdentity): string {
  return canonicalHash({
    architecture: identity.architecture,
    initialisation: identity.initialisation,
    transferMode: identity.transferMode,
    config: configWithoutSeed(identity.config),
  });
}

/** One final metric of a trial, as the results store records it. */
export interface FinalMetricValue {
  split: 'val' | 'test';
  /** e.g. `auc`, `accuracy`. */
  name: string;
  value: number;
}

/**
 * The lineage's metricsHash: sha256 of the final metrics as canonical JSON, sorted by split then name, so
 * it can be recomputed from the stored rows in any order. Refuses two values for one (split, name).
 */
export function finalMetricsHash(metrics: readonly FinalMetricValue[]): string {
  const sorted = [...metrics].sort((a, b) =>
    a.split === b.split ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.split < b.split ? -1 : 1,
  );
  sorted.forEach((m, i) => {
    const previous = sorted[i - 1];
    if (previous && previous.split === m.split && previous.name === m.name) {
      throw new InvalidLineageError(
        'finalMetrics',
        `${m.split}/${m.name} twice`,
        'one value per (split, name)',
      );
    }
  });
  return canonicalHash(sorted.map(({ split, name, value }): JsonValue => ({ split, name, value })));
}
