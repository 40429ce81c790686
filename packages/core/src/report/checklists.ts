// The checklists a report can follow, as data: each item's number, section, topic, what it asks (our own
// short paraphrase; read the published checklist for the authoritative wording) and the filler that
// answers it from the facts, if the platform can. An item without a filler is always for the authors.
//
// - TRIPOD+AI: Collins et al., BMJ 2024;385:e078378. 27 items, several with sub-items (52 in all);
//   item 3c is health inequalities and 14 fairness.
// - CLAIM 2024 update: Tejani et al., Radiology: Artificial Intelligence 2024;6(4):e240300, the 2020
//   checklist of Mongan et al. revised ("ground truth" became "reference standard"); numbered 1-42 as its
//   adherence studies number it.
// - Model card: Mitchell et al., FAT* 2019, "Model Cards for Model Reporting": its nine sections.
import type { Filler } from './fillers.js';
import * as fill from './fillers.js';

export interface ChecklistItemDefinition {
  readonly id: string;
  readonly section: string;
  readonly topic: string;
  readonly asks: string;
  readonly fill?: Filler;
}

export interface Checklist {
  readonly id: 'tripod-ai' | 'claim' | 'model-card';
  readonly name: string;
  readonly reference: string;
  readonly items: readonly ChecklistItemDefinition[];
}

type Row = readonly [id: string, topic: string, asks: string, fill?: Filler];

function section(name: string, rows: readonly Row[]): ChecklistItemDefinition[] {
  return rows.map(([id, topic, asks, filler]) => ({
    id,
    section: name,
    topic,
    asks,
    ...(filler && { fill: filler }),
  }));
}

export const TRIPOD_AI: Checklist = {
  id: 'tripod-ai',
  name: 'TRIPOD+AI',
  reference: 'Collins GS et al. TRIPOD+AI statement. BMJ 2024;385:e078378',
  items: [
    ...section('Title and abstract', [
      [
        '1',
        'Title',
        'Say that the study develops or evaluates a prediction model, for whom, and what it predicts.',
      ],
      ['2', 'Abstract', 'A structured abstract following TRIPOD+AI for Abstracts.'],
    ]),
    ...section('Introduction', [
      [
        '3a',
        'Background',
        'The healthcare context (diagnostic or prognostic), why the model is needed, and existing models.',
      ],
      [
        '3b',
        'Background',
        'The target population, where the model sits in the care pathway, and its intended users.',
      ],
      ['3c', 'Background', 'Known health inequalities between sociodemographic groups.'],
      ['4', 'Objectives', 'The objectives, including whether the study develops, evaluates, or both.'],
    ]),
    ...section('Methods', [
      [
        '5a',
        'Data',
        'The data sources for development and evaluation, why they were used, and how representative they are.',
        fill.dataSource,
      ],
      ['5b', 'Data', 'The dates of the data: start and end of accrual and, where relevant, of follow-up.'],
      ['6a', 'Participants', 'The study setting: care level, number and location of centres.'],
      ['6b', 'Participants', 'Eligibility criteria of participants.'],
      ['6c', 'Participants', 'Treatments received and how they were handled, where relevant.'],
      [
        '7',
        'Data preparation',
        'Pre-processing and quality checks of the data, and whether they were alike across groups.',
        fill.dataPreparation,
      ],
      [
        '8a',
        'Outcome',
        'What is predicted and over what horizon, how and when it was assessed, and why this outcome.',
        fill.outcome,
      ],
      [
        '8b',
        'Outcome',
        'Qualifications and demographics of outcome assessors where assessment is subjective.',
      ],
      ['8c', 'Outcome', 'Any blinding of the outcome assessment.'],
      ['9a', 'Predictors', 'How the initial predictors were chosen, and any pre-selection.', fill.predictors],
      [
        '9b',
        'Predictors',
        'Definitions of all predictors: how and when measured, and any blinding.',
        fill.predictors,
      ],
      [
        '9c',
        'Predictors',
        'Qualifications and demographics of predictor assessors where measurement is subjective.',
      ],
      [
        '10',
        'Sample size',
        'How the study size was reached, separately for development and evaluation, and why it suffices.',
        fill.sampleSize,
      ],
      ['11', 'Missing data', 'How missing data were handled, and why any data were left out.'],
      [
        '12a',
        'Analytical methods',
        'How the data were used (development, evaluation), including any partitioning.',
        fill.partitions,
      ],
      [
        '12b',
        'Analytical methods',
        'How predictors were handled: functional form, rescaling, transformation, standardisation.',
        fill.dataPreparation,
      ],
      [
        '12c',
        'Analytical methods',
        'The model type and why, every model-building step including hyperparameter tuning, and internal validation.',
        fill.modelBuilding,
      ],
      [
        '12d',
        'Analytical methods',
        'How heterogeneity of parameters and performance across clusters (centres, countries) was handled.',
        fill.heterogeneity,
      ],
      [
        '12e',
        'Analytical methods',
        'The performance measures and plots used, and why; how models were compared.',
        fill.performanceMeasures,
      ],
      [
        '12f',
        'Analytical methods',
        'Any model updating (e.g. recalibration) after evaluation, overall or for groups or settings.',
        fill.updating,
      ],
      [
        '12g',
        'Analytical methods',
        'For evaluation, how the predictions were computed (formula, code, object, API).',
        fill.predictionCalculation,
      ],
      [
        '13',
        'Class imbalance',
        'Any class-imbalance method, why, and any recalibration that followed.',
        fill.classImbalance,
      ],
      ['14', 'Fairness', 'Any approach used to address fairness, and why.', fill.fairness],
      [
        '15',
        'Model output',
        'The model output (probabilities, classes) and how any classification thresholds were found.',
        fill.modelOutput,
      ],
      [
        '16',
        'Training versus evaluation',
        'Differences between development and evaluation data in setting, eligibility, outcome and predictors.',
        fill.developmentVersusEvaluation,
      ],
      ['17', 'Ethical approval', 'The approving ethics committee, and the consent or waiver.'],
    ]),
    ...section('Open science', [
      ['18a', 'Funding', "Sources of funding and the funders' role."],
      ['18b', 'Conflicts of interest', 'Conflicts of interest and financial disclosures of every author.'],
      ['18c', 'Protocol', 'Where the protocol is, or that there was none.'],
      ['18d', 'Registration', 'The registry and registration number, or that the study was not registered.'],
      ['18e', 'Data sharing', 'Availability of the study data.', fill.dataSharing],
      ['18f', 'Code sharing', 'Availability of the analysis code.', fill.codeSharing],
    ]),
    ...section('Patient and public involvement', [
      [
        '19',
        'Patient and public involvement',
        'Patient and public involvement in the study, or that there was none.',
      ],
    ]),
    ...section('Results', [
      [
        '20a',
        'Participants',
        'The flow of participants through the study, with and without the outcome (a diagram helps).',
        fill.participantsFlow,
      ],
      [
        '20b',
        'Participants',
        'Characteristics overall and per data source, and differences across key demographic groups.',
        fill.characteristics,
      ],
      [
        '20c',
        'Participants',
        'For evaluation, the distribution of key predictors and outcome compared with the development data.',
        fill.characteristics,
      ],
      [
        '21',
        'Model development',
        'Participants and outcome events in each analysis (development, tuning, evaluation).',
        fill.analysisCounts,
      ],
      [
        '22',
        'Model specification',
        'The full model (formula, code, object, API) for use and third-party evaluation, and any access restrictions.',
        fill.modelSpecification,
      ],
      [
        '23a',
        'Model performance',
        'Performance with confidence intervals, including for key subgroups; plots where helpful.',
        fill.performance,
      ],
      [
        '23b',
        'Model performance',
        'Heterogeneity of performance across clusters, if examined.',
        fill.heterogeneity,
      ],
      [
        '24',
        'Model updating',
        'Results of any model updating: the updated model and its performance.',
        fill.updating,
      ],
    ]),
    ...section('Discussion', [
      [
        '25',
        'Interpretation',
        'An overall interpretation, including fairness, in the light of the objectives and earlier studies.',
      ],
      [
        '26',
        'Limitations',
        'Limitations (sample, size, overfitting, missing data) and their effect on bias, uncertainty and generalisability.',
      ],
      [
        '27a',
        'Usability in current care',
        'How poor-quality or unavailable input data should be assessed and handled in use.',
      ],
      [
        '27b',
        'Usability in current care',
        'Whether users interact with the input data or the model, and the expertise they need.',
      ],
      [
        '27c',
        'Usability in current care',
        'Next steps for research, especially on applicability and generalisability.',
      ],
    ]),
  ],
};

export const CLAIM: Checklist = {
  id: 'claim',
  name: 'CLAIM (2024 update)',
  reference:
    'Tejani AS et al. Checklist for Artificial Intelligence in Medical Imaging (CLAIM): 2024 Update. Radiol Artif Intell 2024;6(4):e240300',
  items: [
    ...section('Title and abstract', [
      [
        '1',
        'Title or abstract',
        'Identify the study as AI methodology and name the kind of technique (e.g. deep learning).',
      ],
      ['2', 'Abstract', 'A structured summary of design, methods, results and conclusions.'],
    ]),
    ...section('Introduction', [
      [
        '3',
        'Background',
        'Scientific and clinical background, including the intended use and role of the AI approach.',
      ],
      ['4', 'Objectives', 'Study objectives and hypotheses.'],
    ]),
    ...section('Methods: study design', [
      ['5', 'Study design', 'Prospective or retrospective.'],
      [
        '6',
        'Study goal',
        'The goal: model creation, exploratory or feasibility study, non-inferiority trial, ...',
      ],
    ]),
    ...section('Methods: data', [
      ['7', 'Data sources', 'The data sources.', fill.dataSource],
      [
        '8',
        'Eligibility',
        'Inclusion and exclusion criteria: how, where and when eligible cases were identified.',
      ],
      ['9', 'Pre-processing', 'Data pre-processing steps.', fill.dataPreparation],
      ['10', 'Data subsets', 'Selection of data subsets, if any.', fill.partitions],
      [
        '11',
        'Data elements',
        'Definitions of data elements, with references to common data elements.',
        fill.outcome,
      ],
      ['12', 'De-identification', 'De-identification methods.'],
      ['13', 'Missing data', 'How missing data were handled.'],
    ]),
    ...section('Methods: reference standard', [
      ['14', 'Reference standard', 'The reference standard, in enough detail to replicate it.', fill.outcome],
      ['15', 'Reference standard', 'Why this reference standard, where alternatives exist.'],
      [
        '16',
        'Annotation',
        'Source of the reference annotations; qualifications and preparation of the annotators.',
      ],
      ['17', 'Annotation', 'Annotation tools.'],
      [
        '18',
        'Annotation',
        'Inter- and intra-rater variability, and how variability or discrepancies were handled.',
      ],
    ]),
    ...section('Methods: data partitions', [
      ['19', 'Sample size', 'The intended sample size and how it was determined.', fill.sampleSize],
      ['20', 'Partitions', 'How data were assigned to partitions, with their proportions.', fill.partitions],
      [
        '21',
        'Partitions',
        'The level at which partitions are disjoint (image, study, patient, institution).',
        fill.partitions,
      ],
    ]),
    ...section('Methods: model', [
      [
        '22',
        'Model',
        'The model in detail: inputs, outputs, intermediate layers and connections.',
        fill.modelDescription,
      ],
      ['23', 'Software', 'Software libraries, frameworks and packages.', fill.software],
      [
        '24',
        'Initialisation',
        'Initialisation of model parameters (random, transfer learning).',
        fill.initialisation,
      ],
    ]),
    ...section('Methods: training', [
      [
        '25',
        'Training',
        'The training approach: augmentation, hyperparameters, number of models trained.',
        fill.training,
      ],
      ['26', 'Model selection', 'How the final model was selected.', fill.selection],
      ['27', 'Ensembling', 'Ensembling techniques, if any.', fill.ensembling],
    ]),
    ...section('Methods: evaluation', [
      ['28', 'Metrics', 'Metrics of model performance.', fill.performanceMeasures],
      [
        '29',
        'Statistics',
        'Statistical measures of significance and uncertainty (e.g. confidence intervals).',
        fill.performanceMeasures,
      ],
      ['30', 'Robustness', 'Robustness or sensitivity analysis.', fill.robustness],
      [
        '31',
        'Explainability',
        'Methods for explainability or interpretability (e.g. saliency maps), and how they were validated.',
      ],
      ['32', 'External validation', 'Validation or testing on external data.', fill.externalValidation],
    ]),
    ...section('Results', [
      [
        '33',
        'Data flow',
        'Flow of participants or cases, with a diagram of inclusion and exclusion.',
        fill.participantsFlow,
      ],
      [
        '34',
        'Characteristics',
        'Demographic and clinical characteristics of the cases in each partition.',
        fill.characteristics,
      ],
      [
        '35',
        'Performance',
        'Performance metrics of the chosen model(s) on all data partitions.',
        fill.performance,
      ],
      [
        '36',
        'Performance',
        'Estimates of diagnostic accuracy and their precision (e.g. 95% confidence intervals).',
        fill.performance,
      ],
      ['37', 'Failure analysis', 'Failure analysis of incorrectly classified cases.'],
    ]),
    ...section('Discussion', [
      [
        '38',
        'Limitations',
        'Limitations, including potential bias, statistical uncertainty and generalisability.',
      ],
      ['39', 'Implications', 'Implications for practice, including the intended use and clinical role.'],
    ]),
    ...section('Other information', [
      ['40', 'Registration', 'Registration number and name of registry.'],
      [
        '41',
        'Protocol, code and data',
        'Where the full protocol can be accessed, and the availability of code and data.',
        fill.codeSharing,
      ],
      ['42', 'Funding', 'Sources of funding and other support; role of funders.'],
    ]),
  ],
};

export const MODEL_CARD: Checklist = {
  id: 'model-card',
  name: 'Model card',
  reference: 'Mitchell M et al. Model Cards for Model Reporting. FAT* 2019',
  items: [
    ...section('Model card', [
      [
        'model-details',
        'Model details',
        'Who built it, when, version, type, training algorithm and parameters, licence, citation, contact.',
        fill.modelDetails,
      ],
      ['intended-use', 'Intended use', 'Primary uses and users, and uses it is not meant for.'],
      [
        'factors',
        'Factors',
        'Groups, instruments and environments over which performance may vary, and those evaluated.',
        fill.factors,
      ],
      [
        'metrics',
        'Metrics',
        'The performance measures, decision thresholds, and how uncertainty was quantified.',
        fill.performanceMeasures,
      ],
      ['evaluation-data', 'Evaluation data', 'The datasets evaluated on, and why.', fill.evaluationData],
      ['training-data', 'Training data', 'The training data and its pre-processing.', fill.trainingData],
      [
        'quantitative-analyses',
        'Quantitative analyses',
        'Results overall and per factor, with intervals.',
        fill.quantitativeAnalyses,
      ],
      ['ethical-considerations', 'Ethical considerations', 'Sensitive data, risks and harms, mitigations.'],
      [
        'caveats',
        'Caveats and recommendations',
        'What the evaluation leaves out, and recommendations for use.',
        fill.caveats,
      ],
    ]),
  ],
};

export const CHECKLISTS = { 'tripod-ai': TRIPOD_AI, claim: CLAIM, 'model-card': MODEL_CARD } as const;
export type ChecklistId = keyof typeof CHECKLISTS;
