// Reruns scripts/make-reference-fixtures.py and compares its output with the committed fixture, so an
// edited script (or a library upgrade that changes a reference value) cannot drift from what the other
// tests check against. Runs only where the project venv has the reference libraries: infra/setup.sh
// installs numpy, scipy, scikit-learn and statsmodels there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATOR_PATH, loadReference } from './test-support/reference-fixture.js';

const python = join(loadConfig().cacheDir, 'venv', 'bin', 'python');
const REFERENCE_MODULES = ['numpy', 'scipy', 'sklearn', 'statsmodels'];

function hasReferenceLibraries(): boolean {
  if (!existsSync(python)) return false;
  // find_spec instead of import: answers in milliseconds.
  const probe = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(REFERENCE_MODULES)}) else 1)`;
  return spawnSync(python, ['-c', probe], { timeout: 30_000 }).status === 0;
}

/** Paths where two JSON values differ, numbers compared to 1e-12 relative (last-bit library noise). */
function differences(fresh: unknown, committed: unknown, path = '$'): string[] {
  if (typeof fresh === 'number' && typeof committed === 'number') {
    const close = Math.abs(fresh - committed) <= 1e-12 * Math.max(Math.abs(committed), 1e-300);
    return close || fresh === committed ? [] : [`${path}: ${fresh} (script now) vs ${committed} (committed)`];
  }
  if (Array.isArray(fresh) && Array.isArray(committed)) {
    if (fresh.length !== committed.length) return [`${path}: length ${fresh.length} vs ${committed.length}`];
    return fresh.flatMap((v, i) => differences(v, committed[i], `${path}[${i}]`));
  }
  if (fresh && committed && typeof fresh === 'object' && typeof committed === 'object') {
    const keys = new Set([...Object.keys(fresh), ...Object.keys(committed)]);
    return [...keys].flatMap((k) =>
      differences(
        (fresh as Record<string, unknown>)[k],
        (committed as Record<string, unknown>)[k],
        `${path}.${k}`,
      ),
    );
  }
  return fresh === committed ? [] : [`${path}: ${JSON.stringify(fresh)} vs ${JSON.stringify(committed)}`];
}

describe.runIf(hasReferenceLibraries())(
  'reference fixture, regenerated live with scikit-learn/scipy/statsmodels',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'medsweep-core-reference-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('equals the committed tests/fixtures/reference-metrics.json', () => {
      const out = join(dir, 'reference-metrics.json');
      const run = spawnSync(python, [GENERATOR_PATH, out], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const { meta: _freshMeta, ...fresh } = loadReference(out);
      const { meta: _committedMeta, ...committed } = loadReference();
      expect(differences(fresh, committed).slice(0, 20)).toEqual([]);
    });
  },
);
