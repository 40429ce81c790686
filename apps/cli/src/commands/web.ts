import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { createUser, ensureBootstrapAdmin, UserExistsError, UserNotFoundError } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { ensureMembership, ensureProject, findUserByEmail } from '@medsweep/db';
import type { Role } from '@medsweep/db/types';
import { startLocalWeb, stopLocalWeb } from '@medsweep/stack';
import type { CliContext } from '../context.js';
import { withContext } from '../context.js';

/** One sign-in per role, so a local user can see what a lead, a viewer and an auditor each may do. */
const LOCAL_ROLES = ['admin', 'lead', 'member', 'viewer', 'auditor'] as const satisfies readonly Role[];

const accountsSchema = z.record(z.string(), z.object({ email: z.string(), password: z.string() }));
type LocalAccounts = z.infer<typeof accountsSchema>;

/**
 * The local stack's sign-ins, kept (owner-readable only) beside its data so they can be shown again:
 * the database holds only their argon2 hashes.
 */
function accountsFile(ctx: CliContext): string {
  return join(ctx.config.stackDir, 'web', 'local-accounts.json');
}

function readAccounts(file: string): LocalAccounts {
  return existsSync(file) ? accountsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
}

/**
 * Makes sure the project has one account per role (created with generated passwords on first use) and
 * returns every sign-in this stack knows the password of.
 */
async function ensureLocalAccounts(ctx: CliContext, projectSlug: string): Promise<LocalAccounts> {
  const file = accountsFile(ctx);
  const accounts = readAccounts(file);
  const bootstrap = await ensureBootstrapAdmin(ctx.db, ctx.config.auth);
  if (bootstrap.generatedPassword !== null)
    accounts['admin'] = { email: bootstrap.email, password: bootstrap.generatedPassword };
  const project = await ensureProject(ctx.db, projectSlug);
  const admin = await findUserByEmail(ctx.db, bootstrap.email);
  if (admin === null) throw new UserNotFoundError(bootstrap.email);
  await ensureMembership(ctx.db, { userId: admin.id, projectId: project.id, role: 'admin' });
  for (const role of LOCAL_ROLES.filter((r) => r !== 'admin')) {
    const email = `${role}@medsweep.local`;
    const password = randomBytes(12).toString('base64url');
    try {
      await createUser(ctx.db, {
        email,
        password,
        displayName: `Local ${role}`,
        actor: ctx.actor,
        memberships: [{ projectId: project.id, role }],
      });
      accounts[role] = { email, password };
    } catch (e) {
      if (!(e instanceof UserExistsError)) throw e;
    }
  }
  mkdirSync(join(ctx.config.stackDir, 'web'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return accounts;
}

/**
 * Starts the dashboard in the background (once per stack) with sign-ins for every role on the project,
 * and prints where to open it.
 */
export async function startDashboard(ctx: CliContext, projectSlug: string, json = false): Promise<string> {
  const accounts = await ensureLocalAccounts(ctx, projectSlug);
  const web = await startLocalWeb(ctx.config);
  if (json) {
    console.log(JSON.stringify({ ...web, project: projectSlug, accounts }));
    return web.url;
  }
  console.log(
    `dashboard: ${web.started ? 'started' : 'already running'} at ${web.url} (pid ${web.pid}, log ${web.log})`,
  );
  for (const role of LOCAL_ROLES) {
    const a = accounts[role];
    if (a) console.log(`  ${role.padEnd(8)} ${a.email.padEnd(26)} password ${a.password}`);
  }
  console.log(`  (sign-ins kept in ${accountsFile(ctx)})`);
  return web.url;
}

export function registerWebCommands(program: Command): void {
  const web = program.command('web').description('the dashboard (apps/web) on the local stack');
  web
    .command('start')
    .description('start the built dashboard in the background, with one sign-in per role on the project')
    .option('--project <slug>', 'project the local sign-ins are members of', 'demo')
    .option('--json', 'print {"url", "pid", "log", "started", "project", "accounts"} as JSON')
    .action(async (opts: { project: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        await startDashboard(ctx, opts.project, opts.json);
      });
    });
  web
    .command('stop')
    .description('stop the background dashboard')
    .option('--json', 'print {"stopped": boolean} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const stopped = await stopLocalWeb(loadConfig());
      console.log(
        opts.json ? JSON.stringify({ stopped }) : `dashboard: ${stopped ? 'stopped' : 'not running'}`,
      );
    });
}
