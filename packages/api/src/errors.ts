/** Thrown when a spec names a dataset the project has not registered. */
export class UnknownDatasetError extends Error {
  constructor(
    readonly project: string,
    readonly dataset: string,
    readonly registered: readonly string[],
  ) {
    super(
      `dataset: '${dataset}' is not registered in project '${project}' (registered: ${registered.length ? registered.join(', ') : 'none'}); import it with medsweep data import`,
    );
    this.name = 'UnknownDatasetError';
  }
}

/** Thrown when a pretrained arm has no weights source for some architecture of the spec. */
export class UnknownWeightsError extends Error {
  constructor(
    readonly project: string,
    /** Weights source names that were looked for and not found, `<ref>/<architecture>`. */
    readonly missing: readonly string[],
  ) {
    super(
      `arms: no weights source ${missing.map((m) => `'${m}'`).join(', ')} in project '${project}'; register one with medsweep weights register (a pretrained:<ref> arm needs '<ref>/<architecture>' for every architecture)`,
    );
    this.name = 'UnknownWeightsError';
  }
}

/** Thrown when an operation names a sweep that does not exist. */
export class SweepNotFoundError extends Error {
  constructor(readonly sweepId: string) {
    super(`sweep ${sweepId} does not exist`);
    this.name = 'SweepNotFoundError';
  }
}
