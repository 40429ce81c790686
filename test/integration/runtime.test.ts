// Which Node.js runs the tests. infra/setup.sh links its pinned Node.js 24 as node_modules/.bin/node,
// which npm puts first on PATH for every script, so `npm test` (npm -> turbo -> npm run test -> vitest
// and its worker processes) must run on exactly that binary, even when npm itself was started by an
// older system node. Where setup kept the system node instead (no Linux x64 build), there is no link
// and nothing to compare.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@medsweep/config';
import { describe, expect, it } from 'vitest';

const linkedNode = join(repoRoot(), 'node_modules', '.bin', 'node');

describe('the Node.js runtime', () => {
  it.skipIf(!existsSync(linkedNode))('is the Node.js 24 that setup linked for npm scripts', () => {
    console.log(`tests run on node ${process.version} (${realpathSync(process.execPath)})`);
    expect(realpathSync(process.execPath)).toBe(realpathSync(linkedNode));
    expect(process.versions.node).toMatch(/^24\./);
  });
});
