// The lint rule that keeps Prisma inside packages/db (eslint.config.js): a model call, raw SQL or a
// transaction planted in an app is an error naming the repositories; the same code in packages/db, and
// look-alike calls on maps and caches anywhere, pass.
import { repoRoot } from '@medsweep/config';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: repoRoot() });

/** The no-restricted-syntax findings of `code` linted as if it were the file at `filePath`. */
async function persistenceFindings(code: string, filePath: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-syntax')
    .map((m) => ({ line: m.line, message: m.message }));
}

const PLANTED = `import type { Db } from '@medsweep/db';
export async function planted(db: Db) {
  const sweeps = await db.sweep.findMany();
  const trials = await db.trial
    .findMany({ where: { sweepId: sweeps[0]?.id ?? '' } });
  await db.$queryRaw\`select 1\`;
  await db.$transaction(async (tx) => tx.auditEvent.count());
  return trials;
}
`;

describe('Prisma outside packages/db', () => {
  it('is an error in an app, pointing to packages/db repositories', async () => {
    const findings = await persistenceFindings(PLANTED, 'apps/worker/src/planted.ts');
    // The model calls (also split over lines, also on a transaction client), raw SQL and $transaction.
    expect(findings.map((f) => f.line)).toEqual([3, 4, 6, 7, 7]);
    for (const { message } of findings) expect(message).toContain('packages/db/src/repositories');
  });

  it('passes in packages/db, in test files and in test fixtures', async () => {
    for (const filePath of [
      'packages/db/src/repositories/planted.ts',
      'packages/api/src/planted.test.ts',
      'packages/api/src/test-support/planted.ts',
      'test/integration/support/planted.ts',
    ]) {
      expect(await persistenceFindings(PLANTED, filePath), filePath).toEqual([]);
    }
  });

  it('leaves look-alike calls alone and keeps the process.env ban where it was', async () => {
    const code = `export function lookAlikes(map: Map<string, number>, self: { cache: Set<string> }) {
  map.delete('a');
  self.cache.delete('k');
  return process.env['HOME'];
}
`;
    expect(await persistenceFindings(code, 'apps/worker/src/planted.ts')).toEqual([
      { line: 4, message: 'Read settings through @medsweep/config, not process.env.' },
    ]);
    expect(await persistenceFindings(code, 'packages/db/src/planted.ts')).toHaveLength(1);
    expect(await persistenceFindings(code, 'packages/config/src/planted.ts')).toEqual([]);
    expect(await persistenceFindings(PLANTED, 'packages/config/src/planted.ts')).toHaveLength(5);
  });
});
