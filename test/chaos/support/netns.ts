// Worker hosts for the chaos suite: each worker runs in a Linux network namespace of its own, joined to
// this machine by a veth pair whose host end sits on a bridge that carries the stack's address. Every
// server of the chaos stack binds that address, so a worker reaches Temporal, MinIO and Postgres only
// over its own link, and each link can be cut (iptables DROP, silent as a real partition) or degraded
// (loss with iptables' statistic match; delay with infra/chaos/nfqueue-delay.py on an NFQUEUE, since
// this kernel has no sch_netem) without touching the others. A namespace may talk to the stack's
// address only. Needs root (CAP_NET_ADMIN): infra/chaos/preflight.sh says what is missing.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@medsweep/config';

const run = promisify(execFile);

/** Names and addresses of the suite's network; `msc-` prefixes everything it creates, for cleanup. */
export const CHAOS_NET = {
  prefix: 'msc-',
  bridge: 'msc-br0',
  /** The stack's address, on the bridge. */
  hostIp: '10.231.0.1',
  subnet: '10.231.0',
  prefixLength: 24,
} as const;

/** The interface name a worker sees inside its namespace. */
const LINK = 'eth0';

async function sh(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { timeout: 30_000 })).stdout;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || (e as Error).message}`, { cause: e });
  }
}

/** Runs `command` inside network namespace `netns`. */
const inNs = (netns: string, command: string, args: string[]) =>
  sh('ip', ['netns', 'exec', netns, command, ...args]);

/** How a worker's link is degraded: added delay on every packet it sends, and packet loss each way. */
export interface LinkDegradation {
  delayMs: number;
  lossPercent: number;
}

/** One worker host: a namespace, its link, and the faults on that link. */
export class WorkerHost {
  private delayer: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly netns: string,
    readonly ip: string,
  ) {}

  /**
   * Drops every packet between this host and the stack's `ports` (TCP, both directions): the host is
   * partitioned from those services until heal(). Connections stall; nothing is refused.
   */
  async cut(ports: readonly number[]): Promise<void> {
    for (const port of ports) {
      await inNs(this.netns, 'iptables', [
        '-A',
        'CHAOS-OUT',
        '-p',
        'tcp',
        '--dport',
        String(port),
        '-j',
        'DROP',
      ]);
      await inNs(this.netns, 'iptables', [
        '-A',
        'CHAOS-IN',
        '-p',
        'tcp',
        '--sport',
        String(port),
        '-j',
        'DROP',
      ]);
    }
  }

  /** 200 ms / 5 %-style degradation of the whole link, until heal(). */
  async degrade({ delayMs, lossPercent }: LinkDegradation): Promise<void> {
    const probability = String(lossPercent / 100);
    for (const chain of ['CHAOS-OUT', 'CHAOS-IN']) {
      await inNs(this.netns, 'iptables', [
        '-A',
        chain,
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        probability,
        '-j',
        'DROP',
      ]);
    }
    if (delayMs > 0) {
      // Queue 0 of this namespace; with --queue-bypass packets flow undelayed if the daemon is gone.
      await inNs(this.netns, 'iptables', [
        '-A',
        'CHAOS-OUT',
        '-j',
        'NFQUEUE',
        '--queue-num',
        '0',
        '--queue-bypass',
      ]);
      const daemon = spawn(
        'ip',
        [
          'netns',
          'exec',
          this.netns,
          'python3',
          join(repoRoot(), 'infra', 'chaos', 'nfqueue-delay.py'),
          '--queue',
          '0',
          '--delay-ms',
          String(delayMs),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      this.delayer = daemon;
      await new Promise<void>((resolve, reject) => {
        let output = '';
        daemon.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('nfqueue-delay:')) resolve();
        });
        daemon.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
        daemon.once('exit', (code) =>
          reject(new Error(`nfqueue-delay in ${this.netns} exited (${code}): ${output}`)),
        );
      });
    }
  }

  /** Removes every fault from the link; resolves once packets flow normally again. */
  async heal(): Promise<void> {
    await inNs(this.netns, 'iptables', ['-F', 'CHAOS-OUT']);
    await inNs(this.netns, 'iptables', ['-F', 'CHAOS-IN']);
    const delayer = this.delayer;
    this.delayer = undefined;
    if (delayer && delayer.exitCode === null) {
      const exited = new Promise((r) => delayer.once('exit', r));
      delayer.kill('SIGTERM');
      await exited;
    }
  }

  /** Packets the link's faults have dropped so far (both directions): proof a fault met real traffic. */
  async dropped(): Promise<number> {
    let total = 0;
    for (const chain of ['CHAOS-OUT', 'CHAOS-IN']) {
      const listing = await inNs(this.netns, 'iptables', ['-L', chain, '-v', '-x', '-n']);
      for (const line of listing.split('\n')) {
        const [pkts, , target] = line.trim().split(/\s+/);
        if (target === 'DROP') total += Number(pkts);
      }
    }
    return total;
  }
}

/** Creates the bridge with the stack's address (after removing what a crashed earlier run left behind). */
export async function createBridge(): Promise<void> {
  await removeLeftovers();
  await sh('ip', ['link', 'add', CHAOS_NET.bridge, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `${CHAOS_NET.hostIp}/${CHAOS_NET.prefixLength}`, 'dev', CHAOS_NET.bridge]);
  await sh('ip', ['link', 'set', CHAOS_NET.bridge, 'up']);
}

/** The worker namespaces that exist now, with their addresses. */
async function existingHosts(): Promise<{ netns: string; ip: string | undefined }[]> {
  const namespaces = (await sh('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(CHAOS_NET.prefix));
  return Promise.all(
    namespaces.map(async (netns) => {
      const addr = await inNs(netns, 'ip', ['-4', '-o', 'addr', 'show', 'dev', LINK]).catch(() => '');
      return { netns, ip: /inet (\S+)\//.exec(addr)?.[1] };
    }),
  );
}

/**
 * A new namespace `msc-<name>` on the bridge (the lowest free address of the subnet), whose only
 * reachable address is the stack's.
 */
export async function createWorkerHost(name: string): Promise<WorkerHost> {
  const netns = `${CHAOS_NET.prefix}${name}`;
  if (netns.length > 15)
    throw new RangeError(
      `worker host name ${name}: at most ${15 - CHAOS_NET.prefix.length} characters (it names a link)`,
    );
  const taken = new Set((await existingHosts()).map((h) => h.ip));
  const number = Array.from({ length: 253 }, (_, i) => i + 2).find(
    (n) => !taken.has(`${CHAOS_NET.subnet}.${n}`),
  );
  if (number === undefined) throw new RangeError('the chaos network holds at most 253 worker hosts');
  const ip = `${CHAOS_NET.subnet}.${number}`;
  await sh('ip', ['netns', 'add', netns]);
  // The host end of the pair is named like the namespace (link and namespace names are separate spaces).
  await sh('ip', ['link', 'add', netns, 'type', 'veth', 'peer', 'name', LINK, 'netns', netns]);
  await sh('ip', ['link', 'set', netns, 'master', CHAOS_NET.bridge]);
  await sh('ip', ['link', 'set', netns, 'up']);
  await inNs(netns, 'ip', ['addr', 'add', `${ip}/${CHAOS_NET.prefixLength}`, 'dev', LINK]);
  await inNs(netns, 'ip', ['link', 'set', LINK, 'up']);
  await inNs(netns, 'ip', ['link', 'set', 'lo', 'up']);
  // Fault chains first in line, then: the stack's address only.
  for (const [chain, hook, flag] of [
    ['CHAOS-OUT', 'OUTPUT', '-o'],
    ['CHAOS-IN', 'INPUT', '-i'],
  ] as const) {
    await inNs(netns, 'iptables', ['-N', chain]);
    await inNs(netns, 'iptables', ['-A', hook, flag, LINK, '-j', chain]);
  }
  await inNs(netns, 'iptables', ['-A', 'OUTPUT', '-o', LINK, '!', '-d', CHAOS_NET.hostIp, '-j', 'DROP']);
  await inNs(netns, 'iptables', ['-A', 'INPUT', '-i', LINK, '!', '-s', CHAOS_NET.hostIp, '-j', 'DROP']);
  return new WorkerHost(name, netns, ip);
}

/**
 * SIGKILLs every process inside namespace `netns` (only the suite starts processes there); returns how
 * many. A process left in a namespace would outlive its deletion, unreachable by name.
 */
export async function killNamespaceProcesses(netns: string): Promise<number> {
  const pids = (await sh('ip', ['netns', 'pids', netns])).split('\n').filter(Boolean);
  let killed = 0;
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      /* already gone */
    }
  }
  return killed;
}

/**
 * Heals the host's link, kills what still runs in it (a worker a supervisor was just starting again) and
 * deletes its namespace (the veth pair goes with it).
 */
export async function removeWorkerHost(host: WorkerHost): Promise<void> {
  await host.heal().catch(() => undefined);
  await killNamespaceProcesses(host.netns).catch(() => undefined);
  await sh('ip', ['netns', 'del', host.netns]);
  await sh('ip', ['link', 'del', host.netns]).catch(() => undefined);
}

/** Kills what runs in, and deletes, every namespace and link named `msc-*` (this or a crashed earlier run's). */
export async function removeLeftovers(): Promise<void> {
  const namespaces = (await sh('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(CHAOS_NET.prefix));
  for (const netns of namespaces) {
    await killNamespaceProcesses(netns).catch(() => undefined);
    await sh('ip', ['netns', 'del', netns]).catch(() => undefined);
  }
  const links = (await sh('ip', ['-o', 'link', 'show']))
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => n.startsWith(CHAOS_NET.prefix));
  for (const link of links) await sh('ip', ['link', 'del', link]).catch(() => undefined);
}
