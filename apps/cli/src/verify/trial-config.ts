// What re-evaluating a trial's weights needs from its stored config (the worker's resolved trial config:
// architecture, model size, parameters, training and evaluation settings), read and checked up front.
import type { SweepSpec } from '@medsweep/core/sweep';
import { TrialConfigUnreadableError } from '../errors.js';

/** The worker's batch size (its protocol default) when the trial's parameters set none. */
const DEFAULT_BATCH_SIZE = 128;

export interface ReevaluationConfig {
  architecture: string;
  inputSize: number;
  widthMultiplier: number;
  dropout?: number;
  /** Batch size of the trial's own evaluation, so inference runs in the same batches. */
  batchSize: number;
  evaluation: SweepSpec['evaluation'];
}

type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function reevaluationConfig(trialId: string, config: unknown): ReevaluationConfig {
  const field = (path: string, check: (v: unknown) => boolean, expected: string): unknown => {
    const value = path.split('.').reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), config);
    if (!check(value)) throw new TrialConfigUnreadableError(trialId, path, value, expected);
    return value;
  };
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const optionalNumber = (v: unknown) => v === undefined || isNumber(v);
  const params = field('params', isRecord, 'an object') as JsonRecord;
  const dropout = field('params.dropout', optionalNumber, 'a number when set') as number | undefined;
  const batchSize = (params['batchSize'] ?? DEFAULT_BATCH_SIZE) as unknown;
  if (!Number.isInteger(batchSize) || (batchSize as number) < 1) {
    throw new TrialConfigUnreadableError(trialId, 'params.batchSize', batchSize, 'a positive integer');
  }
  return {
    architecture: field('architecture', (v) => typeof v === 'string', 'an architecture name') as string,
    inputSize: field('model.inputSize', isNumber, 'a number') as number,
    widthMultiplier: field('model.widthMultiplier', isNumber, 'a number') as number,
    ...(dropout === undefined ? {} : { dropout }),
    batchSize: batchSize as number,
    evaluation: field('evaluation', isRecord, 'the spec evaluation settings') as SweepSpec['evaluation'],
  };
}
