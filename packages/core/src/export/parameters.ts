// What tells a table's configurations apart: the settings whose values differ between its rows. A
// resolved config has dozens of settings (the training schedule, augmentation, model size, evaluation),
// and printing them all makes each row of a terminal leaderboard ~800 characters; the CSV and JSON keep
// the full config.
import type { JsonObject, JsonValue } from '../lineage/canonical-json.js';
import { canonicalJson } from '../lineage/canonical-json.js';

/** Settings the tables show in columns of their own, so never among the varying parameters. */
const OWN_COLUMNS = new Set(['architecture', 'arm', 'transfer.mode']);

/** A config's settings as dotted paths to their values (arrays are one value); nulls mean "not used". */
function leaves(
  config: JsonObject,
  prefix = '',
  into = new Map<string, JsonValue>(),
): Map<string, JsonValue> {
  for (const [key, value] of Object.entries(config)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      leaves(value as JsonObject, path, into);
    } else if (value !== null) into.set(path, value);
  }
  return into;
}

/**
 * For each config, `path=value, ...` of the settings that take different values among the configs that
 * have them, in path order; `''` where none varies. A setting only some configs have (the transfer
 * settings, which a scratch arm leaves null) varies only if those configs disagree on it: that it is
 * absent is already said by the columns (the arm).
 */
export function varyingParameters(configs: readonly JsonObject[]): string[] {
  const flat = configs.map((config) => leaves(config));
  const paths = new Set(flat.flatMap((f) => [...f.keys()]));
  const varying = [...paths]
    .filter((path) => !OWN_COLUMNS.has(path))
    .filter((path) => {
      const values = new Set(flat.filter((f) => f.has(path)).map((f) => canonicalJson(f.get(path)!)));
      return values.size > 1;
    })
    .sort();
  return flat.map((f) =>
    varying
      .filter((path) => f.has(path))
      .map((path) => {
        const value = f.get(path)!;
        return `${path}=${typeof value === 'string' ? value : canonicalJson(value)}`;
      })
      .join(', '),
  );
}
