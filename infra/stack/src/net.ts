import { createConnection } from 'node:net';

/** True when something accepts TCP connections at host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `probe` until it resolves true or the deadline passes; returns the last failure reason. */
export async function waitFor(
  probe: () => Promise<true | string>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  let last: true | string = 'not checked yet';
  while (Date.now() < deadline) {
    last = await probe().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (last === true) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return last;
}

export function hostPortOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  const defaultPort = u.protocol === 'https:' ? 443 : u.protocol.startsWith('postgres') ? 5432 : 80;
  return { host: u.hostname, port: u.port ? Number(u.port) : defaultPort };
}
