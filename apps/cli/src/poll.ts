// Following a job the API runs on the workers (a verification, an evaluation) until it settles, with a
// progress line on stderr: rewritten in place on a terminal, printed once for logs and CI.

const POLL_INTERVAL_MS = 2000;

/** Calls `look` until its state is no longer `running`, showing `doing` and the time taken meanwhile. */
export async function pollUntilSettled<S extends { state: string }>(
  look: () => Promise<S>,
  doing: string,
  intervalMs = POLL_INTERVAL_MS,
): Promise<S> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let state = await look();
  let shown = false;
  while (state.state === 'running') {
    if (tty) process.stderr.write(`\r${doing}… ${Math.round((Date.now() - started) / 1000)} s`);
    else if (!shown) console.error(`${doing}…`);
    shown = true;
    await new Promise((r) => setTimeout(r, intervalMs));
    state = await look();
  }
  if (tty && shown) process.stderr.write('\n');
  return state;
}
