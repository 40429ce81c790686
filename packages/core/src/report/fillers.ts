// What the platform can say for each kind of checklist item, from the facts alone. A filler returns the
// blocks of a filled (or not-applicable) item, reading every fact through Sources so it is cited, or
// undefined when the facts do not answer the item: the item is then to be supplied by the authors.
// Checklists (checklists.ts) name a filler per item; one filler serves every checklist that asks the same.
import type { JsonValue } from '../lineage/canonical-json.js';
import type { ReliabilityBin } from '../metrics/calibration.js';
import type { RecordKind } from './facts.js';
import { SPLITS } from './facts.js';
import type { FilledContent, ReportBlock } from './items.js';
import type { Sources } from './sources.js';

export type Filler = (s: Sources) => FilledContent | undefined;

const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
const table = (
  caption: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): ReportBlock => ({
  kind: 'table',
  caption,
  columns,
  rows,
});
const filled = (value: readonly ReportBlock[], authorsAdd?: string): FilledContent =>
  authorsAdd === undefined ? { status: 'filled', value } : { status: 'filled', value, authorsAdd };

const SPLIT_NAMES = { train: 'training', val: 'validation', test: 'test' } as const;

/** Three decimals: metrics and their intervals. */
export const fixed = (x: number) => x.toFixed(3);

/** A metric with its interval, `0.852 [0.809, 0.887]`, or why it has none; every number cited. */
function metricCell(s: Sources, kind: RecordKind, path: string, id?: string): string {
  const status = s.text(kind, `${path}.status`, id);
  if (status === 'estimated') {
    const estimate = s.number(kind, `${path}.estimate`, id);
    return `${fixed(estimate)} [${fixed(s.number(kind, `${path}.lower`, id))}, ${fixed(s.number(kind, `${path}.upper`, id))}]`;
  }
  const estimate = s.read(kind, `${path}.estimate`, id);
  const reason = s.text(kind, `${path}.reason`, id);
  return estimate === null ? `not reported (${reason})` : `${fixed(estimate as number)} (${reason})`;
}

const METRICS = [
  ['auc', 'AUC'],
  ['accuracy', 'ACC'],
  ['sensitivity', 'sensitivity'],
  ['specificity', 'specificity'],
] as const;

function confidenceOf(s: Sources, kind: RecordKind, path: string, id?: string): string {
  const status = s.text(kind, `${path}.status`, id);
  return status === 'estimated' ? `${Math.round(s.number(kind, `${path}.confidence`, id) * 100)}%` : '95%';
}

function classList(s: Sources): string {
  const names = s.read('dataset', 'classNames') as string[];
  return names.map((name, label) => `${label} = ${name}`).join(', ');
}

// ---- data ----

export const dataSource: Filler = (s) => {
  const citation = s.read('dataset', 'citation');
  const licence = s.read('dataset', 'licence');
  return filled(
    [
      text(
        `Images and labels: ${s.text('dataset', 'name')}, from ${s.text('dataset', 'source')}` +
          `${citation === null ? '' : ` (${String(citation)})`}; licence: ${licence === null ? 'not recorded' : String(licence)}. ` +
          `Dataset manifest sha256 ${s.text('dataset', 'id')}, which hashes every image and label; the trained model's lineage records the same hash (${s.text('lineage', 'datasetManifestHash')}).`,
      ),
    ],
    'why these data were chosen and how representative they are of the target population',
  );
};

export const dataPreparation: Filler = (s) => {
  const augmentation = ['rotationDegrees', 'horizontalFlip', 'verticalFlip', 'scale']
    .map((key) => `${key} ${String(s.read('sweep', `spec.training.augmentation.${key}`))}`)
    .join(', ');
  return filled(
    [
      text(
        `Stored images: ${s.number('dataset', 'image.height')} x ${s.number('dataset', 'image.width')} pixels, ` +
          `${s.number('dataset', 'image.channels')} channel(s), 8-bit. Model input: resized to ${s.number('trial', 'input.height')} x ` +
          `${s.number('trial', 'input.width')} (${s.text('trial', 'input.interpolation')} interpolation), ${s.number('trial', 'input.channels')} channel(s), ` +
          `pixel scaling '${s.text('trial', 'input.preprocessing')}'. Training augmentation (training images only): ${augmentation}.`,
      ),
    ],
    'any quality checks made outside MedSweep, and whether preparation was the same across sociodemographic groups',
  );
};

export const outcome: Filler = (s) =>
  filled(
    [
      text(
        `Task: ${s.text('dataset', 'task')}; classes ${classList(s)}` +
          (s.read('dataset', 'positiveClass') === null
            ? '.'
            : `; reported as positive: class ${s.number('dataset', 'positiveClass')}.`),
      ),
    ],
    'how, when and by whom the reference labels were assessed, and why this outcome',
  );

export const predictors: Filler = (s) =>
  filled(
    [
      text(
        `The only input is the image (${s.number('dataset', 'image.height')} x ${s.number('dataset', 'image.width')} pixels, ` +
          `${s.number('dataset', 'image.channels')} channel(s)); no clinical or demographic variable enters the model.`,
      ),
    ],
    'how and when the images were acquired (devices, protocols)',
  );

function splitTable(s: Sources, caption: string): ReportBlock {
  const names = s.read('dataset', 'classNames') as string[];
  return table(
    caption,
    ['split', 'images', ...names.map((n, label) => `class ${label} (${n})`)],
    SPLITS.map((split) => [
      SPLIT_NAMES[split],
      String(s.number('dataset', `splits.${split}.count`)),
      ...names.map((_, label) => String(s.number('dataset', `splits.${split}.perClass.${label}`))),
    ]),
  );
}

export const sampleSize: Filler = (s) =>
  filled(
    [splitTable(s, 'Images per split and class')],
    'how the study size was arrived at and why it suffices',
  );

export const partitions: Filler = (s) => {
  const blocks: ReportBlock[] = [
    text(`Split assignment: ${s.text('dataset', 'splitMethod')}.`),
    splitTable(s, 'Images per split and class'),
  ];
  if (s.facts.dataset.independence === null) {
    blocks.push(text('No split-independence check was run on this dataset.'));
    return filled(blocks, 'the level at which the splits are disjoint (patient, study, site)');
  }
  const acknowledged = s.read('dataset', 'independence.acknowledgedLeakage');
  blocks.push(
    text(
      `Split independence: disjoint at ${s.text('dataset', 'independence.level')} level; ` +
        `${s.number('dataset', 'independence.duplicatesAcrossSplits')} image(s) duplicated across splits` +
        (acknowledged === null ? '.' : `, acknowledged: ${String(acknowledged)}.`),
    ),
  );
  return filled(blocks);
};

// ---- model and training ----

export const modelDescription: Filler = (s) =>
  filled([
    table(
      'The network',
      ['setting', 'value'],
      [
        ['architecture', s.text('selection', 'entry.label.architecture')],
        ['initialisation', s.text('selection', 'entry.label.initialisation')],
        ['transfer mode', s.text('selection', 'entry.label.transferMode')],
        [
          'input',
          `${s.number('trial', 'input.height')} x ${s.number('trial', 'input.width')} x ${s.number('trial', 'input.channels')}`,
        ],
        [
          'output',
          `one probability per class (softmax over ${(s.read('dataset', 'classNames') as string[]).length} classes)`,
        ],
        ['trainable parameters', String(s.number('trial', 'parameters'))],
      ],
    ),
  ]);

export const initialisation: Filler = (s) => {
  const weightsIn = s.read('lineage', 'weightsInHash');
  return filled([
    text(
      `Initialisation: ${s.text('selection', 'entry.label.initialisation')}` +
        (weightsIn === null
          ? ' (random, seeded by the trial seed ' + String(s.number('trial', 'seed')) + ').'
          : `, from the weights file with sha256 ${String(weightsIn)}; transfer mode ${s.text('selection', 'entry.label.transferMode')}.`),
    ),
  ]);
};

function configRows(s: Sources): string[][] {
  const config = s.facts.trial.config;
  return Object.keys(config)
    .sort()
    .map((key) => [key, JSON.stringify(s.read('trial', `config.${key}`))]);
}

export const training: Filler = (s) => {
  const schedule = s.read('sweep', 'spec.training.schedule') as Record<string, JsonValue>;
  const earlyStopping = s.read('sweep', 'spec.earlyStopping') as Record<string, JsonValue>;
  const patience =
    s.facts.sweep.spec.training.patience === undefined
      ? 'none'
      : String(s.number('sweep', 'spec.training.patience'));
  return filled([
    text(
      `Hyperparameter search: ${s.text('sweep', 'spec.search.strategy')} over ${JSON.stringify(s.read('sweep', 'spec.search.space'))}, ` +
        `seeds ${JSON.stringify(s.read('sweep', 'spec.seeds'))}; ${s.number('sweep', 'trialsRun')} models trained in the sweep, at most ${s.number('sweep', 'spec.budget.maxEpochs')} epochs each. ` +
        `Learning-rate schedule ${JSON.stringify(schedule)}; class weights ${s.text('sweep', 'spec.training.classWeights')}; ` +
        `early stopping within a trial: patience ${patience}; across trials: ${JSON.stringify(earlyStopping)}. ` +
        `The evaluated trial trained ${s.number('trial', 'epochsTrained')} epochs with seed ${s.number('trial', 'seed')}.`,
    ),
    table("The evaluated trial's resolved configuration", ['setting', 'value'], configRows(s)),
  ]);
};

export const selection: Filler = (s) => {
  const runs = s.facts.selection.entry.runs;
  const interval =
    s.facts.selection.entry.overSeeds.outcome === 'interval'
      ? ` (${Math.round(s.number('selection', 'entry.overSeeds.confidence') * 100)}% CI over seeds, Student t with ` +
        `${s.number('selection', 'entry.overSeeds.df')} df: ${fixed(s.number('selection', 'entry.overSeeds.lower'))} to ` +
        `${fixed(s.number('selection', 'entry.overSeeds.upper'))})`
      : ` (no interval: ${s.text('selection', 'entry.overSeeds.reason')})`;
  return filled([
    text(
      `Chosen on validation only: of ${s.number('selection', 'candidates')} configurations, the one with the best mean ` +
        `${s.text('selection', 'metric')} (${s.text('selection', 'goal')}) over its ${s.number('selection', 'entry.n')} seed(s): ` +
        `${fixed(s.number('selection', 'entry.mean'))}` +
        interval +
        `. The test split was not used for any choice. The reported test metrics are those of trial ${s.text('trial', 'id')} of this configuration.`,
    ),
    table(
      `${s.text('selection', 'metric')} of the chosen configuration per seed`,
      ['seed', 'trial', 'value'],
      runs.map((_, i) => [
        String(s.number('selection', `entry.runs.${i}.seed`)),
        s.text('selection', `entry.runs.${i}.trialId`),
        fixed(s.number('selection', `entry.runs.${i}.value`)),
      ]),
    ),
  ]);
};

export const modelBuilding: Filler = (s) =>
  filled([...modelDescription(s)!.value, ...training(s)!.value, ...selection(s)!.value]);

export const classImbalance: Filler = (s) => {
  const weights = s.text('sweep', 'spec.training.classWeights');
  return filled([
    text(
      weights === 'balanced'
        ? 'Class imbalance: the training loss weighted each class by the inverse of its training frequency (class weights: balanced); predictions were not resampled.'
        : `No class-imbalance method was used (class weights: ${weights}).`,
    ),
  ]);
};

export const ensembling: Filler = (s) =>
  filled([
    text(
      `No ensembling: every reported number comes from the predictions of one trained network (trial ${s.text('trial', 'id')}).`,
    ),
  ]);

// ---- evaluation methods ----

export const performanceMeasures: Filler = (s) => {
  const level = confidenceOf(s, 'testMetrics', 'result.metrics.auc');
  const blocks = [
    text(
      `Discrimination: AUC with a ${level} DeLong interval computed on the logit scale. Classification at a threshold of ` +
        `${fixed(s.number('testMetrics', 'threshold'))} on the positive-class probability (${s.text('testMetrics', 'thresholdRule')}): ` +
        `accuracy, sensitivity and specificity with Wilson score intervals. An interval is shown only where its coverage was checked by ` +
        'simulation (at least 10 images of each class for AUC); otherwise the value is given with the reason.',
    ),
  ];
  if (s.facts.calibration) {
    blocks.push(
      text(
        `Calibration: expected calibration error over ${s.number('calibration', 'bins')} equal-width bins and a reliability diagram, before and after temperature scaling.`,
      ),
    );
  }
  if (s.facts.robustness) {
    blocks.push(
      text(
        'Robustness: the drop from the clean test set under each corruption, with paired intervals (DeLong for AUC, Newcombe for proportions).',
      ),
    );
  }
  if (s.facts.subgroups?.length) {
    blocks.push(
      text(
        'Subgroups: the same metrics per subgroup, and the largest gap between subgroups with a MOVER interval.',
      ),
    );
  }
  return filled(blocks, 'the rationale for these measures, and any clinical-utility analysis');
};

export const updating: Filler = (s) => {
  if (!s.facts.calibration) {
    return {
      status: 'not applicable',
      value: [text('The model was neither updated nor recalibrated after training.')],
    };
  }
  return filled([
    text(
      `Recalibration by temperature scaling fitted on the validation split: T = ${fixed(s.number('calibration', 'temperature'))}. ` +
        `Test ECE ${fixed(s.number('calibration', 'before.ece'))} before, ${fixed(s.number('calibration', 'after.ece'))} after; ` +
        `test NLL ${fixed(s.number('calibration', 'before.nll'))} before, ${fixed(s.number('calibration', 'after.nll'))} after. The ranking (AUC) is unchanged.`,
    ),
  ]);
};

export const predictionCalculation: Filler = (s) => {
  const versions = s.read('lineage', 'backendVersions') as Record<string, string>;
  return filled(
    [
      text(
        `Predictions are computed by MedSweep (code commit ${s.text('lineage', 'codeVersion')}` +
          `${s.read('lineage', 'codeDirty') === true ? ', with uncommitted changes' : ''}) on the ${s.text('lineage', 'backend')} backend ` +
          `(${Object.entries(versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}) from the trained weights with sha256 ${s.text('lineage', 'weightsOutHash')}. ` +
          `The stored test predictions have sha256 ${s.text('lineage', 'predictionsHash')}; lineage record ${s.text('lineage', 'recordHash')}. ` +
          '`medsweep verify` re-hashes these artifacts and re-evaluates the weights.',
      ),
    ],
    'where the code and weights can be obtained, and any restriction on their use',
  );
};

export const modelSpecification: Filler = (s) => {
  const calculation = predictionCalculation(s)!;
  return filled([...modelDescription(s)!.value, ...calculation.value], calculation.authorsAdd);
};

export const modelOutput: Filler = (s) =>
  filled(
    [
      text(
        `Output: one probability per class. Classification: positive when the positive-class probability exceeds ` +
          `${fixed(s.number('testMetrics', 'threshold'))}, a threshold chosen as follows: ${s.text('testMetrics', 'thresholdRule')}.`,
      ),
    ],
    'why this threshold suits the intended clinical use',
  );

export const developmentVersusEvaluation: Filler = (s) => {
  const blocks = [
    text(
      `Internal evaluation on the ${SPLIT_NAMES[s.text('testMetrics', 'split') as 'test']} split of ${s.text('testMetrics', 'datasetName')} ` +
        `(manifest ${s.text('testMetrics', 'datasetHash')}), the dataset the model was developed on: same source, setting and label definitions.`,
    ),
  ];
  for (const external of s.facts.externalValidation ?? []) {
    blocks.push(
      text(
        `External evaluation on ${s.text('externalValidation', 'datasetName', external.id)} (manifest ${s.text('externalValidation', 'datasetHash', external.id)}), a separately registered dataset with the same classes.`,
      ),
    );
  }
  return filled(
    blocks,
    'differences in setting, eligibility, outcome definition and image acquisition between the datasets',
  );
};

// ---- open science ----

export const dataSharing: Filler = (s) => {
  const licence = s.read('dataset', 'licence');
  return filled(
    [
      text(
        `The images come from ${s.text('dataset', 'source')} (licence: ${licence === null ? 'not recorded' : String(licence)}); the exact data are identified by manifest sha256 ${s.text('dataset', 'id')}.`,
      ),
    ],
    'a data availability statement',
  );
};

export const codeSharing: Filler = (s) =>
  filled(
    [
      text(
        `Code: MedSweep at commit ${s.text('lineage', 'codeVersion')}${s.read('lineage', 'codeDirty') === true ? ' (with uncommitted changes: the commit alone does not reproduce it)' : ''}; ` +
          `dependencies pinned by package-lock.json sha256 ${s.text('lineage', 'lockHash')}; sweep spec sha256 ${s.text('sweep', 'specHash')}.`,
      ),
    ],
    'where the code can be accessed',
  );

export const software: Filler = (s) => {
  const versions = s.read('lineage', 'backendVersions') as Record<string, string>;
  return filled([
    text(
      `TensorFlow.js on the ${s.text('lineage', 'backend')} backend: ${Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ` +
        `MedSweep commit ${s.text('lineage', 'codeVersion')}, package-lock.json sha256 ${s.text('lineage', 'lockHash')}.`,
    ),
  ]);
};

// ---- results ----

export const participantsFlow: Filler = (s) =>
  filled([splitTable(s, 'Images per split and class (every image of the manifest is in one split)')]);

export const characteristics: Filler = (s) => {
  const blocks = [splitTable(s, 'Class distribution per split')];
  for (const group of s.facts.subgroups ?? []) {
    blocks.push(
      table(
        `Test images per ${s.text('subgroups', 'attribute', group.id)}`,
        ['value', 'images', 'positives', 'negatives'],
        group.report.groups.map((_, i) => [
          s.text('subgroups', `report.groups.${i}.value`, group.id),
          String(s.number('subgroups', `report.groups.${i}.samples`, group.id)),
          String(s.read('subgroups', `report.groups.${i}.positives`, group.id)),
          String(s.read('subgroups', `report.groups.${i}.negatives`, group.id)),
        ]),
      ),
    );
  }
  return filled(blocks, 'demographic and clinical characteristics the manifest does not carry');
};

export const analysisCounts: Filler = (s) => {
  const positive = s.facts.dataset.positiveClass;
  const events = (split: string) =>
    positive === null ? 'n/a' : String(s.number('dataset', `splits.${split}.perClass.${positive}`));
  const rows = [
    ['model development (training)', String(s.number('dataset', 'splits.train.count')), events('train')],
    [
      'hyperparameter tuning and selection (validation)',
      String(s.number('dataset', 'splits.val.count')),
      events('val'),
    ],
    [
      'evaluation (test)',
      String(s.number('testMetrics', 'result.samples')),
      String(s.read('testMetrics', 'result.positives')),
    ],
  ];
  for (const external of s.facts.externalValidation ?? []) {
    rows.push([
      `external evaluation (${s.text('externalValidation', 'datasetName', external.id)})`,
      String(s.number('externalValidation', 'result.samples', external.id)),
      String(s.read('externalValidation', 'result.positives', external.id)),
    ]);
  }
  return filled([
    table('Images and positives (outcome events) per analysis', ['analysis', 'images', 'positives'], rows),
  ]);
};

function metricsTable(s: Sources, kind: RecordKind, caption: string, id?: string): ReportBlock {
  const level = confidenceOf(s, kind, 'result.metrics.auc', id);
  return table(
    `${caption} (value [${level} CI])`,
    ['images', 'positives', ...METRICS.map(([, label]) => label)],
    [
      [
        String(s.number(kind, 'result.samples', id)),
        String(s.read(kind, 'result.positives', id)),
        ...METRICS.map(([metric]) => metricCell(s, kind, `result.metrics.${metric}`, id)),
      ],
    ],
  );
}

function subgroupBlocks(s: Sources): ReportBlock[] {
  return (s.facts.subgroups ?? []).flatMap((group) => {
    const id = group.id;
    const attribute = s.text('subgroups', 'attribute', id);
    const rows = group.report.groups.map((_, i) => [
      s.text('subgroups', `report.groups.${i}.value`, id),
      String(s.number('subgroups', `report.groups.${i}.samples`, id)),
      ...METRICS.map(([metric]) => metricCell(s, 'subgroups', `report.groups.${i}.metrics.${metric}`, id)),
    ]);
    const gaps = METRICS.map(([metric, label]) => {
      const path = `report.largestGap.${metric}`;
      if (s.text('subgroups', `${path}.status`, id) !== 'estimated')
        return [label, `not reported (${s.text('subgroups', `${path}.reason`, id)})`];
      const gap = group.report.largestGap[metric];
      const note =
        gap.status === 'estimated' && gap.note !== undefined
          ? `; ${s.text('subgroups', `${path}.note`, id)}`
          : '';
      return [
        label,
        `${s.text('subgroups', `${path}.highest`, id)} minus ${s.text('subgroups', `${path}.lowest`, id)}: ${metricCell(s, 'subgroups', `${path}.interval`, id)}${note}`,
      ];
    });
    const missing = s.number('subgroups', 'report.missingAttribute', id);
    return [
      table(
        `Test metrics per ${attribute} (value [95% CI])`,
        [attribute, 'images', ...METRICS.map(([, l]) => l)],
        rows,
      ),
      table(`Largest gap between ${attribute} subgroups`, ['metric', 'gap [95% CI]'], gaps),
      ...(missing > 0 ? [text(`${missing} test image(s) have no ${attribute} and are in no subgroup.`)] : []),
    ];
  });
}

export const performance: Filler = (s) => {
  const blocks = [metricsTable(s, 'testMetrics', `Test split of ${s.text('testMetrics', 'datasetName')}`)];
  for (const external of s.facts.externalValidation ?? []) {
    blocks.push(
      metricsTable(
        s,
        'externalValidation',
        `External: ${s.text('externalValidation', 'datasetName', external.id)}`,
        external.id,
      ),
    );
  }
  if (s.facts.calibration) {
    blocks.push(
      text(
        `Calibration on test: ECE ${fixed(s.number('calibration', 'before.ece'))} as trained, ${fixed(s.number('calibration', 'after.ece'))} after temperature scaling (T = ${fixed(s.number('calibration', 'temperature'))}).`,
      ),
      {
        kind: 'reliability-diagram',
        caption: 'Reliability diagram of the test split, before and after temperature scaling',
        before: s.read('calibration', 'before.bins') as unknown as ReliabilityBin[],
        after: s.read('calibration', 'after.bins') as unknown as ReliabilityBin[],
      },
    );
  }
  blocks.push(...subgroupBlocks(s));
  return filled(blocks);
};

export const subgroupPerformance: Filler = (s) =>
  s.facts.subgroups?.length ? filled(subgroupBlocks(s)) : undefined;

/** Subgroups by site or centre: the heterogeneity across clusters TRIPOD asks about. */
const CLUSTER_ATTRIBUTES = ['site', 'centre', 'center', 'hospital', 'scanner'];

export const heterogeneity: Filler = (s) => {
  const clusters = (s.facts.subgroups ?? []).filter((g) =>
    CLUSTER_ATTRIBUTES.includes(g.attribute.toLowerCase()),
  );
  if (clusters.length === 0) return undefined;
  return filled(
    clusters.map((g) =>
      text(
        `Performance per ${s.text('subgroups', 'attribute', g.id)} is reported with intervals and the largest gap between clusters (item on performance).`,
      ),
    ),
    'how heterogeneity was handled in model development',
  );
};

export const robustness: Filler = (s) => {
  if (!s.facts.robustness) return undefined;
  const rows = s.facts.robustness.rows.map((_, i) => [
    s.text('robustness', `rows.${i}.corruption`),
    String(s.number('robustness', `rows.${i}.severity`)),
    metricCell(s, 'robustness', `rows.${i}.metrics.auc`),
    metricCell(s, 'robustness', `rows.${i}.drop.auc`),
    metricCell(s, 'robustness', `rows.${i}.metrics.accuracy`),
    metricCell(s, 'robustness', `rows.${i}.drop.accuracy`),
  ]);
  return filled([
    text(
      `Corruptions of the test split: ${s.text('robustness', 'source')}, five severities each, random ones drawn with seed ${s.number('robustness', 'seed')}. Drop = clean minus corrupted (positive is a loss), paired intervals.`,
    ),
    table(
      'Test metrics under corruption (value [95% CI])',
      ['corruption', 'severity', 'AUC', 'AUC drop', 'ACC', 'ACC drop'],
      rows,
    ),
  ]);
};

export const externalValidation: Filler = (s) => {
  const externals = s.facts.externalValidation ?? [];
  if (externals.length === 0) return undefined;
  return filled(
    externals.map((e) =>
      metricsTable(
        s,
        'externalValidation',
        `External: ${s.text('externalValidation', 'datasetName', e.id)}`,
        e.id,
      ),
    ),
  );
};

export const fairness: Filler = (s) => {
  const groups = s.facts.subgroups ?? [];
  if (groups.length === 0) return undefined;
  return filled(
    [
      text(
        `No fairness-specific method was applied in training. Performance is reported per ${groups.map((g) => s.text('subgroups', 'attribute', g.id)).join(', ')} with the largest gap between subgroups.`,
      ),
    ],
    'the rationale, and any fairness approach outside MedSweep',
  );
};

// ---- model card ----

export const modelDetails: Filler = (s) =>
  filled(
    [
      ...modelDescription(s)!.value,
      text(
        `Version: trained weights sha256 ${s.text('lineage', 'weightsOutHash')} (trial ${s.text('trial', 'id')} of sweep ${s.text('sweep', 'name')}), ` +
          `lineage record ${s.text('lineage', 'recordHash')}.`,
      ),
    ],
    'the developers, licence of the model, citation and where to send questions',
  );

export const factors: Filler = (s) => {
  const attributes = s.read('dataset', 'attributes') as string[];
  const evaluated = (s.facts.subgroups ?? []).map((g) => s.text('subgroups', 'attribute', g.id));
  return filled(
    [
      text(
        `Per-sample attributes in the manifest: ${attributes.length === 0 ? 'none' : attributes.join(', ')}; evaluated as subgroups: ${evaluated.length === 0 ? 'none' : evaluated.join(', ')}.` +
          (s.facts.robustness ? ` Image-quality factors: ${s.text('robustness', 'source')}.` : ''),
      ),
    ],
    'which groups and instrumentation factors matter for the intended use',
  );
};

export const evaluationData: Filler = (s) => {
  const blocks = [
    text(
      `The ${SPLIT_NAMES.test} split of ${s.text('dataset', 'name')}: ${s.number('dataset', 'splits.test.count')} images, never used for training or any choice.`,
    ),
  ];
  for (const e of s.facts.externalValidation ?? []) {
    blocks.push(
      text(
        `External: ${s.text('externalValidation', 'datasetName', e.id)}, ${s.number('externalValidation', 'result.samples', e.id)} images.`,
      ),
    );
  }
  return filled(blocks);
};

export const trainingData: Filler = (s) =>
  filled([
    text(
      `The ${SPLIT_NAMES.train} split of ${s.text('dataset', 'name')} (${s.number('dataset', 'splits.train.count')} images); ${SPLIT_NAMES.val} split (${s.number('dataset', 'splits.val.count')} images) for selection.`,
    ),
    ...dataPreparation(s)!.value,
  ]);

export const quantitativeAnalyses: Filler = (s) => {
  const robust = robustness(s);
  return filled([...performance(s)!.value, ...(robust ? robust.value : [])]);
};

export const caveats: Filler = (s) => {
  const notes: string[] = [];
  const independence = s.facts.dataset.independence;
  if (independence === null) notes.push('Split independence was not checked.');
  else if (independence.level !== 'patient' && independence.level !== 'site') {
    notes.push(
      `Splits are disjoint only at ${s.text('dataset', 'independence.level')} level: images of one patient may be in more than one split.`,
    );
  }
  if (!s.facts.externalValidation?.length)
    notes.push(`Evaluated only on the test split of ${s.text('dataset', 'name')}: no external validation.`);
  if (!s.facts.subgroups?.length) notes.push('No subgroup analysis.');
  if (!s.facts.calibration) notes.push('Calibration was not assessed.');
  notes.push(
    `Test set of ${s.number('testMetrics', 'result.samples')} images: the interval widths above show the uncertainty this leaves.`,
  );
  return filled(notes.map(text), 'recommendations for use, and caveats known to the authors');
};
