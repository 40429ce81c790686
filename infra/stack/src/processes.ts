import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from './child-env.js';

/** A long-running server the stack owns: its pid lives in `<dir>/pid`, its output in `<dir>/server.log`. */
export interface ManagedProcess {
  dir: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Working directory; the caller's when absent. */
  cwd?: string;
  /** Postgres shuts down fast on SIGINT but waits for clients on SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /**
   * For a service of several processes: true once the next one may start (the first Temporal cluster
   * service to start writes the cluster's metadata, which the others would otherwise race to write).
   */
  ready?: () => Promise<true | string>;
}

export const pidFile = (dir: string) => join(dir, 'pid');
export const logFile = (dir: string) => join(dir, 'server.log');

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded for a managed process, if that process still runs. */
export function runningPid(dir: string): number | undefined {
  if (!existsSync(pidFile(dir))) return undefined;
  const pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Starts the process detached in its own process group, so it outlives this CLI and stops as a group. */
export function startProcess(p: ManagedProcess): number {
  mkdirSync(p.dir, { recursive: true });
  const log = openSync(logFile(p.dir), 'a');
  try {
    const child = spawn(p.command, p.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: childEnv(p.env),
      ...(p.cwd === undefined ? {} : { cwd: p.cwd }),
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${p.command}`);
    child.unref();
    writeFileSync(pidFile(p.dir), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Signals the whole process group, escalating to SIGKILL after the grace period; removes the pidfile. */
export async function stopProcess(
  dir: string,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<boolean> {
  const pid = runningPid(dir);
  if (pid === undefined) {
    rmSync(pidFile(dir), { force: true });
    return false;
  }
  const signalGroup = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup(signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) signalGroup('SIGKILL');
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFile(dir), { force: true });
  return true;
}

/** The last lines of a log, to show with a start-up failure. */
export function tailLog(dir: string, lines = 8): string {
  const file = logFile(dir);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
