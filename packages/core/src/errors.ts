// One class per way the pure domain logic rejects its input. Messages say what was wrong, where (which
// argument, sample, row or column) and what is accepted; fields carry the same facts for code that reacts.

/**
 * What every package's errors say about retrying, so a caller (the worker deciding whether Temporal may
 * retry an activity) decides from the error itself, never from a list of class names. Each package's
 * base error class carries it, with a default for the family that its classes override where they differ.
 */
export interface PermanenceMark {
  /**
   * True when the same call would fail the same way on every retry and every worker (bad data, a bad
   * setting, a contradiction with what is stored), so the caller should give up at once; false when a
   * retry may succeed (a network blip, a missing local resource another worker or a later attempt has).
   */
  readonly permanent: boolean;
}

/**
 * Base class of every error this package throws on purpose, so callers can catch them as one family.
 * All are permanent: core's functions are pure, so the same input fails the same way on every retry.
 */
export abstract class CoreError extends Error implements PermanenceMark {
  readonly permanent = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when a metric or statistic receives no samples (an empty split, an empty list of seeds). */
export class EmptyInputError extends CoreError {
  constructor(
    /** The function that received it, e.g. `auc`, `mean`. */
    readonly operation: string,
    /** The argument that was empty, e.g. `yScore`. */
    readonly input: string,
  ) {
    super(`${operation}: ${input} is empty; at least one sample is required`);
  }
}

/** Thrown when two inputs that describe the same samples have different lengths. */
export class LengthMismatchError extends CoreError {
  constructor(
    readonly operation: string,
    /** The argument whose length is wrong. */
    readonly input: string,
    /** The length implied by the other inputs. */
    readonly expected: number,
    readonly received: number,
    /** How the expected length follows from the other inputs, e.g. `one label per score row`. */
    readonly rule: string,
  ) {
    super(`${operation}: ${input} has length ${received} but ${expected} was expected (${rule})`);
  }
}

/**
 * Thrown when a score matrix has the wrong shape: its value count is not a multiple of its column count,
 * its rows differ in length, or its column count does not fit the task (binary-class takes 1 or 2 columns,
 * multi-class and ordinal-regression at least 2).
 */
export class ScoreShapeError extends CoreError {
  constructor(
    readonly operation: string,
    /** The score argument, e.g. `yScore`, `yScoreB`. */
    readonly input: string,
    readonly problem: string,
    /** What shapes are accepted. */
    readonly accepted: string,
  ) {
    super(`${operation}: ${input} ${problem}; accepted: ${accepted}`);
  }
}

/** Thrown when a ground-truth label is not one of the integers the task allows. */
export class LabelOutOfRangeError extends CoreError {
  constructor(
    readonly operation: string,
    /** Position in yTrue (for multi-label: row-major position, sample * numLabels + label). */
    readonly index: number,
    readonly label: number,
    /** The accepted labels, e.g. `0 or 1`, `an integer class index in [0, 3)`. */
    readonly accepted: string,
  ) {
    super(`${operation}: yTrue[${index}] is ${label}; accepted: ${accepted}`);
  }
}

/** Thrown when a score or a value to summarise is NaN or infinite (a diverged model, a failed run). */
export class NonFiniteValueError extends CoreError {
  constructor(
    readonly operation: string,
    readonly input: string,
    /** Flat position in the input (row-major for matrices). */
    readonly index: number,
    readonly value: number,
    /** Human-readable position, e.g. `row 12, column 1`. */
    readonly location: string,
  ) {
    super(`${operation}: ${input} at ${location} is ${value}; only finite numbers are accepted`);
  }
}

/** Thrown by calibration metrics when a score is outside [0, 1], i.e. it is not a probability. */
export class ProbabilityOutOfRangeError extends CoreError {
  constructor(
    readonly operation: string,
    readonly row: number,
    readonly column: number,
    readonly value: number,
  ) {
    super(
      `${operation}: yScore at row ${row}, column ${column} is ${value}; calibration needs probabilities in [0, 1] (apply softmax/sigmoid to logits first)`,
    );
  }
}

/**
 * Thrown when a ranking metric (AUC, ROC curve, operating point, DeLong, paired bootstrap) needs both
 * positives and negatives but the ground truth of one binary problem holds only one of them: AUC is
 * undefined there, and averaging it away would hide that the split is unusable.
 */
export class SingleClassError extends CoreError {
  constructor(
    readonly operation: string,
    /** Which binary problem, e.g. `positive class 1`, `class 2 vs rest`, `label 4`. */
    readonly problem: string,
    readonly positives: number,
    readonly negatives: number,
  ) {
    super(
      `${operation}: undefined for ${problem}: yTrue has ${positives} positive and ${negatives} negative samples; at least one of each is required`,
    );
  }
}

/** Thrown when a task name is not one of TASK_TYPES (e.g. from an unchecked JSON spec). */
export class UnknownTaskError extends CoreError {
  constructor(
    readonly task: unknown,
    readonly accepted: readonly string[],
  ) {
    super(`unknown task ${JSON.stringify(task)}; accepted: ${accepted.map((t) => `'${t}'`).join(', ')}`);
  }
}

/** Thrown when an operation is defined only for some task types, e.g. an operating point for binary-class. */
export class UnsupportedTaskError extends CoreError {
  constructor(
    readonly operation: string,
    readonly task: string,
    readonly accepted: readonly string[],
    /** What to use instead, when there is an alternative. */
    readonly hint?: string,
  ) {
    super(
      `${operation} is not defined for task '${task}'; accepted: ${accepted.map((t) => `'${t}'`).join(', ')}` +
        (hint ? `; ${hint}` : ''),
    );
  }
}

/** Thrown when an option is outside its accepted range (bins, confidence level, seed, resamples, ...). */
export class InvalidOptionError extends CoreError {
  constructor(
    readonly operation: string,
    readonly option: string,
    readonly received: unknown,
    readonly expected: string,
  ) {
    super(`${operation}: option ${option} is ${String(received)}; expected ${expected}`);
  }
}

/** Thrown when a statistic needs more values than it got, e.g. a sample standard deviation of one seed. */
export class TooFewValuesError extends CoreError {
  constructor(
    readonly operation: string,
    /** What was counted, e.g. `values`, `positive samples`. */
    readonly what: string,
    readonly needed: number,
    readonly received: number,
  ) {
    super(`${operation}: needs at least ${needed} ${what}, received ${received}`);
  }
}

/**
 * Thrown when the inputs are valid but make a statistic undefined: DeLong's variance is zero while the
 * AUCs differ (e.g. a constant-score model against a perfect one), or every bootstrap replicate falls on
 * one side of the estimate so BCa's bias correction is infinite.
 */
export class DegenerateStatisticError extends CoreError {
  constructor(
    readonly operation: string,
    readonly reason: string,
    /** What to use instead. */
    readonly hint: string,
  ) {
    super(`${operation}: ${reason}; ${hint}`);
  }
}

/** One problem in a sweep spec: where (dotted path, line when known) and what is accepted. */
export interface SpecProblem {
  path: string;
  message: string;
  line?: number;
}

/**
 * Thrown when a sweep spec is invalid, before anything is stored or started. Lists every problem, one
 * per line, as `<source>:<line>: <path>: <message>`.
 */
export class SweepSpecError extends CoreError {
  constructor(
    /** The file or input the spec came from. */
    readonly source: string,
    readonly problems: readonly SpecProblem[],
  ) {
    super(
      `invalid sweep spec ${source}:\n` +
        problems
          .map((p) => `  ${p.line !== undefined ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`)
          .join('\n'),
    );
  }
}

/**
 * Thrown by canonicalJson (and everything hashed through it: lineage records, audit events, configs) when
 * a value has no single JSON form: undefined, NaN or an infinity, a bigint, a function or symbol, a
 * non-plain object (Date, Map, class instance, typed array), an array hole, or a cycle.
 */
export class NonCanonicalValueError extends CoreError {
  constructor(
    /** JSONPath-like location of the value, e.g. `$.payload.metrics[2]`. */
    readonly path: string,
    /** What the value is, e.g. `is NaN`, `is a Date`. */
    readonly problem: string,
  ) {
    super(
      `canonicalJson: value at ${path} ${problem}; accepted: null, booleans, finite numbers, strings, arrays and plain objects (convert dates to ISO strings first)`,
    );
  }
}

/** Thrown when a lineage record has a field of the wrong form (a hash that is not 64 lowercase hex, ...). */
export class InvalidLineageError extends CoreError {
  constructor(
    /** The lineage field, e.g. `weightsOutHash`. */
    readonly field: string,
    readonly received: unknown,
    /** What the field accepts. */
    readonly expected: string,
  ) {
    super(`lineage: ${field} is ${JSON.stringify(received) ?? String(received)}; expected ${expected}`);
  }
}

/**
 * Thrown when two runs are compared on predictions that are not for the same test images (different
 * counts, different ground truth, or different test-set hashes): a paired test would be meaningless.
 */
export class DifferentTestImagesError extends CoreError {
  constructor(
    readonly operation: string,
    /** How the two prediction sets differ. */
    readonly reason: string,
  ) {
    super(
      `${operation}: the two runs were not evaluated on the same test images: ${reason}; compare runs evaluated on one test split, in the same order`,
    );
  }
}

/**
 * Thrown by parsePredictionsDocument() when a stored predictions artifact is not JSON, not the
 * `medsweep.predictions/1` format, or its labels and scores do not fit its counts and columns.
 */
export class PredictionsDocumentError extends CoreError {
  constructor(
    /** Where the document came from, e.g. its s3:// URI. */
    readonly source: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `predictions ${source}: ${problem}; expected a medsweep.predictions/1 document as the train activity writes it`,
      options,
    );
  }
}

/** Thrown when a stored evaluation document (an evaluation's predictions) cannot be read as one. */
export class EvaluationDocumentError extends CoreError {
  constructor(
    /** Where the document came from, e.g. its s3:// URI. */
    readonly source: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `evaluation ${source}: ${problem}; expected a medsweep.evaluation/1 document as the evaluation runner writes it`,
      options,
    );
  }
}

/**
 * Thrown when a dataset is asked for as external validation of a trial trained on a dataset with other
 * classes: external validation needs the same task and the same class names, label for label.
 */
export class IncompatibleDatasetError extends CoreError {
  constructor(
    /** The trial's dataset and the one offered, by name. */
    readonly trainedOn: string,
    readonly offered: string,
    readonly problem: string,
  ) {
    super(
      `dataset ${offered} cannot validate a model trained on ${trainedOn}: ${problem}; choose a registered dataset with the same task and class names`,
    );
  }
}

/** Thrown when a stored evaluation result (an evaluations row's JSON) does not have the shape its kind has. */
export class EvaluationResultError extends CoreError {
  constructor(
    /** Which record, e.g. `evaluation <id>`. */
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}; expected the result of a robustness, external or subgroups evaluation`);
  }
}

/** Thrown when a segment is asked to train to an epoch that is not one of its trial's segment ends. */
export class SegmentRangeError extends CoreError {
  constructor(
    readonly trialKey: string,
    readonly untilEpoch: number,
    /** The trial's segment ends: its rungs below budget.maxEpochs, then budget.maxEpochs. */
    readonly segmentEnds: readonly number[],
  ) {
    super(
      `trial ${trialKey}: untilEpoch ${untilEpoch} is not a segment end; expected one of ${segmentEnds.join(', ')} (the rungs below budget.maxEpochs, then budget.maxEpochs)`,
    );
  }
}

/** Thrown when a stored resolved trial config (a trial row's config) does not fit its schema. */
export class TrialConfigError extends CoreError {
  constructor(
    /** What holds the config, e.g. `trial <id>`. */
    readonly source: string,
    /** The field that is missing or wrong, e.g. `model.inputSize`, `params.batchSize`. */
    readonly field: string,
    readonly received: unknown,
    /** What is wrong with it, as the schema says. */
    readonly problem: string,
  ) {
    super(
      `${source}: config field ${field} is ${JSON.stringify(received) ?? 'undefined'}: ${problem}; accepted: a resolved trial config as the train worker records it`,
    );
  }
}

/**
 * Thrown when a p-value to adjust for multiplicity is NaN or outside [0, 1]: a failed test upstream, or a
 * statistic passed where its p-value was meant.
 */
export class PValueOutOfRangeError extends CoreError {
  constructor(
    readonly operation: string,
    /** Position in the family of p-values. */
    readonly index: number,
    readonly value: number,
  ) {
    super(`${operation}: pValues[${index}] is ${value}; accepted: a p-value in [0, 1]`);
  }
}

// ---- datasets (src/dataset) ----

/**
 * Thrown when a dataset's labels do not fit its task: float or negative labels, several label columns
 * that are not 0/1, a multi-label task with one column, a binary task with a third class, or a label at
 * or beyond the number of class names. Names the source, split and first offending sample.
 */
export class LabelShapeMismatchError extends CoreError {
  constructor(
    /** The file, folder or manifest the labels came from. */
    readonly source: string,
    /** The split (or manifest row range) the offending labels are in. */
    readonly split: string,
    /** What the labels are, e.g. `a value 3 at sample 12`, `int64 labels of shape (546, 2)`. */
    readonly received: string,
    /** What the task accepts. */
    readonly expected: string,
  ) {
    super(`${source}: ${split} labels: ${received}; expected ${expected}`);
  }
}

/**

 * Thrown by fitTemperature when the validation NLL is smallest at an end of the temperature range searched:
 * e.g. perfectly separated validation predictions, whose NLL keeps falling as T -> 0. A temperature clipped
 * to the range is not a maximum-likelihood fit, so none is returned.
 */
export class TemperatureAtBoundaryError extends CoreError {
  constructor(
    readonly operation: string,
    /** Where the search ended. */
    readonly temperature: number,
    /** The range searched, [minTemperature, maxTemperature]. */
    readonly range: readonly [number, number],
  ) {
    super(
      `${operation}: the validation NLL is smallest at T = ${temperature.toPrecision(4)}, an end of the range searched [${range[0]}, ${range[1]}]; ` +
        'the validation predictions are perfectly separated or too few, or the range is too narrow: widen minTemperature/maxTemperature or calibrate on more validation data',
    );
  }
}

/**
 * Thrown while assembling a report when a fact a filled item needs is missing from the facts passed in
 * (a record or field that is absent or undefined): the caller built incomplete facts.
 */
export class InvalidReportFactError extends CoreError {
  constructor(
    /** The record, e.g. `dataset`, `testMetrics`. */
    readonly recordKind: string,
    /** The dotted field path in it. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(
      `report facts: ${recordKind}.${field} ${problem}; pass every required record of ReportFacts (optional parts may be left out whole)`,
    );
  }
}

/**
 * Thrown when class names do not fit the labels or the task: fewer names than the labels need, a
 * multi-label dataset whose names are not one per label column, a single class, or a repeated name.
 */
export class ClassNamesMismatchError extends CoreError {
  constructor(
    readonly source: string,
    readonly classNames: readonly string[],
    readonly problem: string,
  ) {
    super(
      `${source}: class names ${JSON.stringify(classNames)} ${problem}; pass one distinct name per class ` +
        '(per label column for multi-label data), index = label',
    );
  }
}

/** Thrown when two samples of one dataset have the same key (a path or an array index): keys identify samples. */
export class DuplicateSampleKeyError extends CoreError {
  constructor(
    readonly operation: string,
    readonly key: string,
  ) {
    super(
      `${operation}: sample key ${JSON.stringify(key)} occurs more than once; every sample needs its own key`,
    );
  }
}

/**
 * Thrown when a sweep's `evaluation.positiveClass` does not fit the dataset: a name that is no class, an
 * index out of range, `clinical` for a dataset that names no clinical finding, or any choice for a task
 * that is not binary-class (multi-class metrics are macro averages; they have no positive class).
 */
export class PositiveClassError extends CoreError {
  constructor(
    /** What is evaluated, e.g. `dataset breastmnist`. */
    readonly source: string,
    readonly choice: string | number,
    readonly problem: string,
    /** The choices that dataset accepts, e.g. `'malignant', 'normal, benign', 0, 1 or 'clinical'`. */
    readonly accepted: string,
  ) {
    super(`${source}: evaluation.positiveClass ${JSON.stringify(choice)} ${problem}; accepted: ${accepted}`);
  }
}

/** Thrown when a split of a dataset being imported or loaded has no samples. */
export class EmptySplitError extends CoreError {
  constructor(
    /** The file or folder the split came from. */
    readonly source: string,
    readonly split: string,
  ) {
    super(`${source}: the ${split} split has no samples; every split (train, val, test) needs at least one`);
  }
}

/** Thrown by encodePng() when the pixels do not describe an image it can encode. */
export class PngEncodeError extends CoreError {
  constructor(
    readonly received: string,
    readonly expected: string,
  ) {
    super(`cannot encode a PNG of ${received}; expected ${expected}`);
  }
}

/** Thrown when a stored dataset manifest is not valid JSON or does not match the manifest format. */
export class DatasetManifestError extends CoreError {
  constructor(
    readonly datasetId: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`dataset ${datasetId}: invalid manifest: ${problem}`, options);
  }
}
