// The dashboard's production build for benchmarks: `next build` runs when apps/web/.next is missing or
// older than any source it bundles (the app's own and the workspace packages it compiles from source),
// so a benchmark never measures yesterday's code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@medsweep/config';

export type BuildMode = 'auto' | 'always' | 'never';

/** What webpack bundles into the app: apps/web and the packages it imports through their sources. */
const BUNDLED = [
  'apps/web/src',
  'apps/web/next.config.ts',
  'apps/web/package.json',
  ...['api', 'config', 'core', 'db', 'storage', 'workflows'].map((p) => `packages/${p}/src`),
];

const isTestFile = (name: string) => /\.test\.tsx?$/.test(name) || name === 'test-support';

/** Newest modification time (ms) under `path`, leaving out tests. */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (isTestFile(entry.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why the build must be (re)made, or null when .next is current. */
export function staleReason(): string | null {
  const root = repoRoot();
  const buildId = join(root, 'apps', 'web', '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'apps/web/.next has no build';
  const built = statSync(buildId).mtimeMs;
  const newer = BUNDLED.filter((p) => existsSync(join(root, p)) && newestMtime(join(root, p)) > built);
  return newer.length === 0 ? null : `sources changed since the last build: ${newer.join(', ')}`;
}

/**
 * Builds apps/web when `mode` asks for it (`auto`: when missing or stale). Build output goes to stderr;
 * returns what was done. Throws when the build fails, or when `never` finds no build at all.
 */
export function ensureWebBuild(mode: BuildMode, log: (line: string) => void): 'built' | 'reused' {
  const reason = mode === 'always' ? 'asked to build' : staleReason();
  if (reason === null) return 'reused';
  if (mode === 'never') {
    if (!existsSync(join(repoRoot(), 'apps', 'web', '.next', 'BUILD_ID'))) {
      throw new Error(
        'apps/web is not built and --build never was given: run `npm run build -w @medsweep/web`',
      );
    }
    log(`using the existing apps/web build although ${reason} (--build never)`);
    return 'reused';
  }
  log(`building apps/web (${reason}) ...`);
  const result = spawnSync('npm', ['run', 'build', '-w', '@medsweep/web'], {
    cwd: repoRoot(),
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`npm run build -w @medsweep/web exited with ${result.status}`);
  return 'built';
}
