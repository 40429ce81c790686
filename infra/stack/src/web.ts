import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MedsweepConfig } from '@medsweep/config';
import { DEV_SESSION_SECRET, repoRoot } from '@medsweep/config';
import { MissingBinaryError, PortInUseError, ServiceUnhealthyError } from './errors.js';
import { isListening, waitFor } from './net.js';
import { logFile, runningPid, startProcess, stopProcess, tailLog } from './processes.js';

const webDir = (config: MedsweepConfig) => join(config.stackDir, 'web');
const WEB_HOST = '127.0.0.1';

export interface LocalWeb {
  url: string;
  pid: number;
  log: string;
  started: boolean;
}

/**
 * `next start` runs in production mode, which refuses the public development session secret: the local
 * stack gets its own random one, kept owner-readable beside its data so sessions survive a restart.
 */
function localSessionSecret(dir: string): string {
  const file = join(dir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Answers once the dashboard serves its login page (the one page that needs no session). */
async function webHealth(url: string): Promise<true | string> {
  const res = await fetch(`${url}/login`, { signal: AbortSignal.timeout(5_000) });
  return res.ok ? true : `GET /login answered ${res.status}`;
}

/**
 * Starts the built dashboard (`next start` of apps/web) in the background on MEDSWEEP_WEB_PORT, once per
 * stack, with the same settings as this process, and waits until it serves pages.
 */
export async function startLocalWeb(config: MedsweepConfig): Promise<LocalWeb> {
  const dir = webDir(config);
  const url = `http://${WEB_HOST}:${config.webPort}`;
  const existing = runningPid(dir);
  let pid = existing;
  if (pid === undefined) {
    const app = join(repoRoot(), 'apps', 'web');
    if (!existsSync(join(app, '.next', 'BUILD_ID')))
      throw new MissingBinaryError('dashboard', `${join(app, '.next')} (run npm run build)`);
    if (await isListening(WEB_HOST, config.webPort))
      throw new PortInUseError('dashboard', `${WEB_HOST}:${config.webPort}`, 'MEDSWEEP_WEB_PORT');
    const next = join(repoRoot(), 'node_modules', 'next', 'dist', 'bin', 'next');
    pid = startProcess({
      dir,
      command: process.execPath,
      // From the app's folder: Next.js resolves next.config.ts's own imports against the working directory.
      cwd: app,
      args: [next, 'start', '--port', String(config.webPort), '--hostname', WEB_HOST],
      env: {
        // An explicitly configured secret wins; the local one only fills the gap.
        MEDSWEEP_SESSION_SECRET:
          config.auth.sessionSecret === DEV_SESSION_SECRET
            ? localSessionSecret(dir)
            : config.auth.sessionSecret,
        // Plain http on the loopback interface only: a Secure cookie would never be sent back.
        MEDSWEEP_COOKIE_SECURE: 'false',
        // `next start` runs under NODE_ENV=production, where the local stack's public credentials are
        // refused unless every service is on the loopback interface and this says so.
        MEDSWEEP_LOCAL_STACK: 'true',
      },
    });
  }
  const ok = await waitFor(() => webHealth(url), 60_000, 500);
  if (ok !== true) {
    const tail = tailLog(dir);
    throw new ServiceUnhealthyError(
      'dashboard',
      `not serving: ${ok}${tail ? `\n${tail}` : ''}`,
      logFile(dir),
    );
  }
  return { url, pid, log: logFile(dir), started: existing === undefined };
}

/** Stops the background dashboard; true when one was running. */
export function stopLocalWeb(config: MedsweepConfig): Promise<boolean> {
  return stopProcess(webDir(config), 'SIGTERM', 10_000);
}

/** The background dashboard's address and pid, when it runs. */
export function localWeb(config: MedsweepConfig): { url: string; pid?: number; log: string } {
  const pid = runningPid(webDir(config));
  return {
    url: `http://${WEB_HOST}:${config.webPort}`,
    ...(pid !== undefined ? { pid } : {}),
    log: logFile(webDir(config)),
  };
}
