// What every chaos case checks once its fault is healed and its sweep has ended, and the one line it
// prints: the fault, when it was injected and healed (seconds after the sweep was submitted), and the
// exactly-once check — every trial recorded once, none lost, none left running, no attempt left open,
// the audit chain intact.
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import type { Db } from '@medsweep/db';
import { verifyAuditChain } from '@medsweep/db';

export interface ExactlyOnce {
  /** Trials the sweep planned. */
  trials: number;
  /** Distinct trial indices with a row. */
  recorded: number;
  lost: number;
  /** Rows beyond one per index. */
  duplicates: number;
  /** Trials not in a final state, plus trial and sweep workflows Temporal still runs. */
  running: number;
  /** Attempt rows without an outcome. */
  openAttempts: number;
  auditChain: 'verified' | string;
}

const FINAL = new Set(['completed', 'failed', 'cancelled', 'pruned']);

/** Counts what the database and Temporal hold for the sweep; asserts nothing. */
export async function exactlyOnce(
  deps: { db: Db; temporal: Client },
  { sweepId, trials }: { sweepId: string; trials: number },
): Promise<ExactlyOnce> {
  const { db, temporal } = deps;
  const rows = await db.trial.groupBy({ by: ['index'], where: { sweepId }, _count: true });
  const unfinished = await db.trial.count({
    where: { sweepId, status: { notIn: [...FINAL] as ('completed' | 'failed' | 'cancelled' | 'pruned')[] } },
  });
  let openWorkflows = 0;
  for await (const w of temporal.workflow.list({
    query: `WorkflowId STARTS_WITH "trial-${sweepId}-" AND ExecutionStatus = "Running"`,
  })) {
    if (w) openWorkflows++;
  }
  const sweep = await temporal.workflow.getHandle(`sweep-${sweepId}`).describe();
  const openAttempts = await db.trialAttempt.count({ where: { trial: { sweepId }, outcome: null } });
  const { projectId } = await db.sweep.findUniqueOrThrow({
    where: { id: sweepId },
    select: { projectId: true },
  });
  const audit = await verifyAuditChain(db, { projectId });
  return {
    trials,
    recorded: rows.length,
    lost: trials - rows.length,
    duplicates: rows.reduce((n, r) => n + (r._count - 1), 0),
    running: unfinished + openWorkflows + (sweep.status.name === 'RUNNING' ? 1 : 0),
    openAttempts,
    auditChain: audit.ok ? 'verified' : JSON.stringify(audit),
  };
}

/** Asserts the exactly-once promise. */
export function expectExactlyOnce(check: ExactlyOnce): void {
  expect(check).toMatchObject({
    recorded: check.trials,
    lost: 0,
    duplicates: 0,
    running: 0,
    openAttempts: 0,
    auditChain: 'verified',
  });
}

/** A fault as the report names it, with its times in seconds after the sweep was submitted. */
export interface FaultWindow {
  fault: string;
  injectedAtS: number;
  /** Null for a fault left in place (the work moved away from it instead). */
  healedAtS: number | null;
}

/** Tracks one case's clock (from submission) and its fault window. */
export class FaultClock {
  private readonly start = Date.now();
  private injected: number | undefined;
  private healed: number | undefined;

  constructor(readonly fault: string) {}

  now(): number {
    return Number(((Date.now() - this.start) / 1000).toFixed(1));
  }

  inject(): void {
    this.injected = this.now();
  }

  heal(): void {
    this.healed = this.now();
  }

  get window(): FaultWindow & { healedAtS: number } {
    if (this.injected === undefined || this.healed === undefined)
      throw new Error(`fault "${this.fault}" was not both injected and healed`);
    return { fault: this.fault, injectedAtS: this.injected, healedAtS: this.healed };
  }
}

/** Prints the case's line: `chaos {case, fault, injectedAtS, healedAtS, ...exactly-once, ...extra}`. */
export function report(name: string, window: FaultWindow, check: ExactlyOnce, extra: object = {}): void {
  console.log(`chaos ${JSON.stringify({ case: name, ...window, ...check, ...extra })}`);
}
