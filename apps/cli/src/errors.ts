/**
 * Thrown by verifyTrial when a trial's stored config lacks what re-evaluating its weights needs (the
 * architecture, model size and evaluation settings that the train activity's resolved config carries).
 */
export class TrialConfigUnreadableError extends Error {
  constructor(
    readonly trialId: string,
    /** The config field that is missing or of the wrong type, e.g. `model.inputSize`. */
    readonly field: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(
      `trial ${trialId}: config field ${field} is ${JSON.stringify(received) ?? 'undefined'}; expected ${expected}, as the worker's resolved trial config records it`,
    );
    this.name = 'TrialConfigUnreadableError';
  }
}
