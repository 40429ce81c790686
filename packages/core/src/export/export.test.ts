import { describe, expect, it } from 'vitest';
import {
  escapeLatex,
  exportLeaderboard,
  exportPairwise,
  exportScratchVsTransfer,
  holmComparisonFamily,
  InvalidOptionError,
  toCsv,
  varyingParameters,
  type LeaderboardEntry,
  type RunComparison,
  type ScratchVsTransferRow,
} from '../index.js';

const tooFew = (estimate: number, n: number, method: 'student-t' | 'paired-t' = 'student-t') => ({
  outcome: 'refused' as const,
  method,
  estimate,
  confidence: 0.95,
  n,
  reason: `n too small: ${n} seed${n === 1 ? '' : 's'}; at least 3 are needed for an interval`,
});

const entries: LeaderboardEntry[] = [
  {
    rank: 1,
    groupKey: 'g1',
    label: {
      architecture: 'resnet50',
      initialisation: 'imagenet',
      transferMode: 'full',
      config: { optimizer: 'adam', lr: 0.001, note: 'plain', training: { epochs: 6 } },
    },
    n: 3,
    mean: 0.9213333,
    std: 0.0096,
    overSeeds: {
      outcome: 'interval',
      method: 'student-t',
      estimate: 0.9213333,
      lower: 0.8975,
      upper: 0.9452,
      standardError: 0.00554,
      df: 2,
      confidence: 0.95,
      n: 3,
    },
    newPatients: {
      outcome: 'interval',
      method: 'two-level',
      estimate: 0.9213333,
      lower: 0.871,
      upper: 0.955,
      standardError: 0.021,
      df: 61.5,
      confidence: 0.95,
      n: 3,
      seedVariance: 0.0000307,
      testVariance: 0.00041,
      metric: 'auc',
      testImages: 156,
    },
    best: { trialId: 't3', seed: 3, value: 0.931 },
    runs: [
      { trialId: 't1', seed: 1, value: 0.912 },
      { trialId: 't2', seed: 2, value: 0.921 },
      { trialId: 't3', seed: 3, value: 0.931 },
    ],
  },
  {
    rank: 2,
    groupKey: 'g2',
    label: {
      architecture: 'dense_net|v2',
      initialisation: 'scratch',
      transferMode: 'full',
      config: { note: '=HYPERLINK("x")', lr: 0.01, optimizer: 'sgd', training: { epochs: 6 } },
    },
    n: 1,
    mean: 0.8,
    std: null,
    overSeeds: tooFew(0.8, 1),
    newPatients: { outcome: 'unavailable', reason: 'no stored test predictions for trial t4' },
    best: { trialId: 't4', seed: 1, value: 0.8 },
    runs: [{ trialId: 't4', seed: 1, value: 0.8 }],
  },
];

describe('CSV (RFC 4180, formula-safe)', () => {
  it('quotes what must be quoted, ends every record with CRLF, and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b', 'c'],
        [
          ['plain', 'has,comma', 'has "quote"'],
          ['line\nbreak', null, -0.5],
          ['=1+1', '+cmd', '-2'],
          ['@sum', '\tx', true],
        ],
      ),
    ).toBe(
      'a,b,c\r\n' +
        'plain,"has,comma","has ""quote"""\r\n' +
        '"line\nbreak",,-0.5\r\n' +
        "'=1+1,'+cmd,'-2\r\n" +
        "'@sum,'\tx,true\r\n",
    );
  });

  it('exports the leaderboard with full precision, every interval with its method, n and df, and every trial id', () => {
    expect(exportLeaderboard(entries, 'csv').split('\r\n')).toEqual([
      'rank,group_key,architecture,initialisation,transfer_mode,config,n,mean,std,' +
        'seeds_ci_method,seeds_ci_lower,seeds_ci_upper,seeds_ci_confidence,seeds_ci_n,seeds_ci_df,seeds_ci_not_computed,' +
        'new_patients_ci_method,new_patients_ci_estimate,new_patients_ci_lower,new_patients_ci_upper,' +
        'new_patients_ci_confidence,new_patients_ci_n,new_patients_ci_df,new_patients_ci_seed_variance,' +
        'new_patients_ci_test_variance,new_patients_ci_test_images,new_patients_ci_not_computed,' +
        'positive_class,best_trial_id,best_seed,best_value,trial_ids',
      '1,g1,resnet50,imagenet,full,"{""lr"":0.001,""note"":""plain"",""optimizer"":""adam"",""training"":{""epochs"":6}}",' +
        '3,0.9213333,0.0096,' +
        'student-t,0.8975,0.9452,0.95,3,2,,' +
        'two-level,0.9213333,0.871,0.955,0.95,3,61.5,0.0000307,0.00041,156,,' +
        ',t3,3,0.931,t1 t2 t3',
      '2,g2,dense_net|v2,scratch,full,"{""lr"":0.01,""note"":""=HYPERLINK(\\""x\\"")"",""optimizer"":""sgd"",""training"":{""epochs"":6}}",' +
        '1,0.8,,' +
        'student-t,,,0.95,1,,n too small: 1 seed; at least 3 are needed for an interval,' +
        ',,,,,,,,,,no stored test predictions for trial t4,' +
        ',t4,1,0.8,t4',
      '',
    ]);
  });
});

describe('Markdown', () => {
  it('renders the leaderboard rounded and escaped: varying parameters, both intervals, n too small, notes', () => {
    expect(
      exportLeaderboard(entries, 'markdown', { positiveClass: 'malignant (label 0, clinical finding)' }),
    ).toBe(
      '| Rank | Architecture | Initialisation | Transfer | Parameters that vary | n | Mean ± std | 95% CI over seeds (t) | 95% CI for new patients (two-level) | Best run |\n' +
        '| ---: | :--- | :--- | :--- | :--- | ---: | ---: | ---: | ---: | :--- |\n' +
        '| 1 | resnet50 | imagenet | full | lr=0.001, note=plain, optimizer=adam | 3 | 0.921 ± 0.010 | [0.897, 0.945] | [0.871, 0.955] | t3 |\n' +
        '| 2 | dense\\_net\\|v2 | scratch | full | lr=0.01, note==HYPERLINK("x"), optimizer=sgd | 1 | 0.800 | n too small | — | t4 |\n' +
        '\n' +
        'The CI over seeds (t) is for the mean over seeds on these test images; the CI for new patients ' +
        '(two-level) also resamples the test images, i.e. what another sample of patients would show. ' +
        'n too small: an interval needs at least 3 seeds. Positive class: malignant (label 0, clinical finding).\n',
    );
  });
});

describe('varyingParameters', () => {
  it('keeps the settings whose values differ between the rows that have them, paths sorted', () => {
    expect(
      varyingParameters([
        {
          architecture: 'vgg16',
          arm: 'scratch',
          params: { lr: 0.001 },
          model: { inputSize: 32 },
          transfer: null,
        },
        {
          architecture: 'resnet50',
          arm: 'pretrained:imagenet',
          params: { lr: 0.01 },
          model: { inputSize: 32 },
          transfer: { mode: 'full', lrMultiplier: 0.1 },
        },
        {
          architecture: 'resnet50',
          arm: 'pretrained:imagenet',
          params: { lr: 0.01 },
          model: { inputSize: 64 },
          transfer: { mode: 'frozen', lrMultiplier: 1 },
          seeds: [0, 1],
        },
      ]),
    ).toEqual([
      'model.inputSize=32, params.lr=0.001',
      'model.inputSize=32, params.lr=0.01, transfer.lrMultiplier=0.1',
      'model.inputSize=64, params.lr=0.01, transfer.lrMultiplier=1',
    ]);
    expect(varyingParameters([{ a: 1 }, { a: 1 }])).toEqual(['', '']);
  });
});

const rows: ScratchVsTransferRow[] = [
  {
    architecture: 'resnet50',
    pretrained: {
      initialisation: 'imagenet',
      groupKeys: ['p1'],
      n: 3,
      mean: 0.9,
      std: 0.02,
      runs: [
        { trialId: 'p-1', seed: 1, value: 0.88 },
        { trialId: 'p-2', seed: 2, value: 0.9 },
        { trialId: 'p-3', seed: 3, value: 0.92 },
      ],
    },
    scratch: {
      initialisation: 'scratch',
      groupKeys: ['s1'],
      n: 3,
      mean: 0.82,
      std: 0.02,
      runs: [
        { trialId: 's-1', seed: 1, value: 0.8 },
        { trialId: 's-2', seed: 2, value: 0.82 },
        { trialId: 's-3', seed: 3, value: 0.84 },
      ],
    },
    gain: {
      outcome: 'interval',
      method: 'paired-t',
      estimate: 0.08,
      lower: 0.0467,
      upper: 0.1133,
      standardError: 0.0077,
      df: 2,
      confidence: 0.95,
      n: 3,
      pretrainedMean: 0.9,
      scratchMean: 0.82,
      pretrainedSeeds: 3,
      scratchSeeds: 3,
    },
    newPatients: {
      outcome: 'interval',
      method: 'two-level-paired',
      estimate: 0.08,
      lower: 0.011,
      upper: 0.149,
      standardError: 0.034,
      df: 57.2,
      confidence: 0.95,
      n: 3,
      seedVariance: 0.0000593,
      testVariance: 0.00109,
      pretrainedMean: 0.9,
      scratchMean: 0.82,
      pretrainedSeeds: 3,
      scratchSeeds: 3,
      metric: 'auc',
      testImages: 156,
    },
  },
  {
    architecture: 'vgg16',
    pretrained: {
      initialisation: 'imagenet',
      groupKeys: ['p2'],
      n: 2,
      mean: 0.7,
      std: 0.01,
      runs: [
        { trialId: 'q-1', seed: 1, value: 0.69 },
        { trialId: 'q-2', seed: 2, value: 0.71 },
      ],
    },
    scratch: {
      initialisation: 'scratch',
      groupKeys: ['s2'],
      n: 2,
      mean: 0.75,
      std: 0.01,
      runs: [
        { trialId: 'r-1', seed: 1, value: 0.74 },
        { trialId: 'r-2', seed: 2, value: 0.76 },
      ],
    },
    gain: {
      ...tooFew(-0.05, 2, 'paired-t'),
      reason: 'n too small: 2 paired seeds; at least 3 are needed for an interval',
      pretrainedMean: 0.7,
      scratchMean: 0.75,
      pretrainedSeeds: 2,
      scratchSeeds: 2,
    },
  },
  { architecture: 'efficientnet_b0', pretrained: null, scratch: null, gain: null },
];

describe('scratch-vs-transfer table', () => {
  it('as CSV, each gain interval with its method (paired/Welch), n and df, or why there is none', () => {
    expect(exportScratchVsTransfer(rows, 'csv').split('\r\n')).toEqual([
      'architecture,pretrained_initialisation,pretrained_n,pretrained_mean,pretrained_std,pretrained_group_keys,' +
        'pretrained_trial_ids,scratch_n,scratch_mean,scratch_std,scratch_group_keys,scratch_trial_ids,gain,' +
        'gain_seeds_ci_method,gain_seeds_ci_lower,gain_seeds_ci_upper,gain_seeds_ci_confidence,gain_seeds_ci_n,' +
        'gain_seeds_ci_df,gain_seeds_ci_not_computed,gain_new_patients_ci_method,gain_new_patients_ci_estimate,' +
        'gain_new_patients_ci_lower,gain_new_patients_ci_upper,gain_new_patients_ci_confidence,gain_new_patients_ci_n,' +
        'gain_new_patients_ci_df,gain_new_patients_ci_seed_variance,gain_new_patients_ci_test_variance,' +
        'gain_new_patients_ci_test_images,gain_new_patients_ci_not_computed,positive_class',
      'resnet50,imagenet,3,0.9,0.02,p1,p-1 p-2 p-3,3,0.82,0.02,s1,s-1 s-2 s-3,0.08,' +
        'paired-t,0.0467,0.1133,0.95,3,2,,' +
        'two-level-paired,0.08,0.011,0.149,0.95,3,57.2,0.0000593,0.00109,156,,',
      'vgg16,imagenet,2,0.7,0.01,p2,q-1 q-2,2,0.75,0.01,s2,r-1 r-2,-0.05,' +
        'paired-t,,,0.95,2,,n too small: 2 paired seeds; at least 3 are needed for an interval,' +
        ',,,,,,,,,,,',
      `efficientnet_b0${','.repeat(31)}`,
      '',
    ]);
  });

  it('as Markdown, gains signed, how each interval pairs the arms, and the notes', () => {
    expect(
      exportScratchVsTransfer(rows, 'markdown', {
        digits: 2,
        positiveClass: 'malignant (label 0, clinical finding)',
      }),
    ).toBe(
      '| Architecture | Pretrained | n | Pretrained mean ± std | n | Scratch mean ± std | Gain | Gain 95% CI over seeds (t) | Gain 95% CI for new patients (two-level) |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        '| resnet50 | imagenet | 3 | 0.90 ± 0.02 | 3 | 0.82 ± 0.02 | +0.08 | [0.05, 0.11] paired | [0.01, 0.15] paired |\n' +
        '| vgg16 | imagenet | 2 | 0.70 ± 0.01 | 2 | 0.75 ± 0.01 | -0.05 | n too small | — |\n' +
        '| efficientnet\\_b0 | — | — | — | — | — | — | — | — |\n' +
        '\n' +
        'Gain: pretrained minus scratch (positive: pretrained better); its intervals pair the arms by seed where ' +
        'both ran the same seeds (paired), and compare them as two samples otherwise (Welch). ' +
        'n too small: an interval needs at least 3 seeds. Positive class: malignant (label 0, clinical finding).\n',
    );
  });

  it('as LaTeX in a captioned table, specials escaped, numbers in math mode, notes in small type', () => {
    expect(
      exportScratchVsTransfer(rows, 'latex', {
        caption: 'Scratch vs ImageNet (AUC, 3 seeds & 95% CI)',
        label: 'tab:transfer',
      }),
    ).toBe(
      '\\begin{table}[ht]\n' +
        '\\centering\n' +
        '\\caption{Scratch vs ImageNet (AUC, 3 seeds \\& 95\\% CI)}\n' +
        '\\label{tab:transfer}\n' +
        '\\begin{tabular}{llrrrrrrr}\n' +
        '\\toprule\n' +
        'Architecture & Pretrained & n & Pretrained mean $\\pm$ std & n & Scratch mean $\\pm$ std & Gain & ' +
        'Gain 95\\% CI over seeds (t) & Gain 95\\% CI for new patients (two-level) \\\\\n' +
        '\\midrule\n' +
        'resnet50 & imagenet & 3 & $0.900 \\pm 0.020$ & 3 & $0.820 \\pm 0.020$ & $+0.080$ & $[0.047, 0.113]$ paired & ' +
        '$[0.011, 0.149]$ paired \\\\\n' +
        'vgg16 & imagenet & 2 & $0.700 \\pm 0.010$ & 2 & $0.750 \\pm 0.010$ & $-0.050$ & n too small & -- \\\\\n' +
        'efficientnet\\_b0 & -- & -- & -- & -- & -- & -- & -- & -- \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n' +
        '\\par\\smallskip{\\footnotesize Gain: pretrained minus scratch (positive: pretrained better); its ' +
        'intervals pair the arms by seed where both ran the same seeds (paired), and compare them as two ' +
        'samples otherwise (Welch). n too small: an interval needs at least 3 seeds.}\n' +
        '\\end{table}\n',
    );
  });
});

describe('LaTeX', () => {
  it('escapes every special character', () => {
    expect(escapeLatex('a\\b & c% $d #e _f {g} ~h ^i ± |<>')).toBe(
      'a\\textbackslash{}b \\& c\\% \\$d \\#e \\_f \\{g\\} \\textasciitilde{}h \\textasciicircum{}i $\\pm$ \\textbar{}\\textless{}\\textgreater{}',
    );
  });

  it('renders a bare tabular without a caption', () => {
    expect(exportLeaderboard(entries.slice(1), 'latex', { digits: 2 })).toBe(
      '\\begin{tabular}{rllllrrrrl}\n' +
        '\\toprule\n' +
        'Rank & Architecture & Initialisation & Transfer & Parameters that vary & n & Mean $\\pm$ std & ' +
        '95\\% CI over seeds (t) & 95\\% CI for new patients (two-level) & Best run \\\\\n' +
        '\\midrule\n' +
        '2 & dense\\_net\\textbar{}v2 & scratch & full & -- & 1 & $0.80$ & n too small & -- & t4 \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n' +
        '\\par\\smallskip{\\footnotesize The CI over seeds (t) is for the mean over seeds on these test images; ' +
        'the CI for new patients (two-level) also resamples the test images, i.e. what another sample of ' +
        'patients would show. n too small: an interval needs at least 3 seeds.}\n',
    );
  });

  it('refuses a label that could break out of \\label{}, and bad digits', () => {
    expect(() => exportLeaderboard(entries, 'latex', { caption: 'x', label: 'a}b' })).toThrow(
      InvalidOptionError,
    );
    expect(() => exportLeaderboard(entries, 'latex', { label: 'tab:x' })).toThrow('together with a caption');
    expect(() => exportLeaderboard(entries, 'markdown', { digits: -1 })).toThrow(
      'export: option digits is -1; expected an integer in [0, 15]',
    );
  });
});

function comparison(accuracyP: number, delongP: number, bootstrapP: number): RunComparison {
  return {
    task: 'binary-class',
    numImages: 156,
    accuracy: {
      a: 0.87,
      b: 0.8,
      difference: 0.07,
      mcnemar: { onlyACorrect: 20, onlyBCorrect: 9, statistic: 9, pValue: accuracyP, method: 'exact' },
    },
    auc: {
      a: 0.9,
      b: 0.84,
      difference: 0.06,
      delong: { aucA: 0.9, aucB: 0.84, difference: 0.06, variance: 0.0004, z: 3, pValue: delongP },
      pairedBootstrap: {
        aucA: 0.9,
        aucB: 0.84,
        difference: 0.06,
        lower: 0.021,
        upper: 0.1,
        standardError: 0.02,
        pValue: bootstrapP,
        confidence: 0.95,
        resamples: 2000,
        seed: 0,
      },
    },
  };
}

describe('pairwise table', () => {
  const leader = { rank: 1, trialId: 'ta', label: 'squeezenet1_1 · imagenet' };
  const table = {
    description: 'the leader against each of the next 2 configurations',
    ...holmComparisonFamily([
      {
        member: { a: leader, b: { rank: 2, trialId: 'tb', label: 'vgg16 · scratch' } },
        comparison: comparison(0.04, 0.00002, 0.03),
      },
      {
        member: { a: leader, b: { rank: 3, trialId: 'tc', label: 'vgg16 | x' } },
        comparison: comparison(0.01, 0.2, 0.5),
      },
    ]),
  };

  it('as Markdown: every raw p-value beside its Holm-adjusted one, and what the family is', () => {
    expect(exportPairwise(table, 'markdown', { digits: 2 })).toBe(
      '| A | B | Δ accuracy | McNemar p | McNemar p (Holm) | Δ AUC | Δ AUC 95% CI (paired bootstrap) | DeLong p | DeLong p (Holm) | Bootstrap p | Bootstrap p (Holm) |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        '| #1 squeezenet1\\_1 · imagenet | #2 vgg16 · scratch | +0.07 | 0.0400 | 0.0400 | +0.06 | [0.02, 0.10] | < 0.0001 | < 0.0001 | 0.0300 | 0.0600 |\n' +
        '| #1 squeezenet1\\_1 · imagenet | #3 vgg16 \\| x | +0.07 | 0.0100 | 0.0200 | +0.06 | [0.02, 0.10] | 0.2000 | 0.2000 | 0.5000 | 0.5000 |\n' +
        '\n' +
        'Family: the leader against each of the next 2 configurations (2 comparisons). Holm-adjusted p-values ' +
        "control the family-wise error rate over these comparisons, separately for McNemar's test (accuracy), " +
        "DeLong's test (AUC) and the paired bootstrap (AUC); differences are A - B.\n",
    );
  });

  it('as CSV and LaTeX: full precision, the family size, and p-values in math mode', () => {
    const [header, first] = exportPairwise(table, 'csv', {
      positiveClass: 'pneumonia (label 1, MedMNIST convention)',
    }).split('\r\n');
    expect(header).toBe(
      'rank_a,trial_id_a,label_a,rank_b,trial_id_b,label_b,test_images,accuracy_a,accuracy_b,accuracy_difference,' +
        'mcnemar_method,mcnemar_p,mcnemar_p_holm,auc_a,auc_b,auc_difference,delong_p,delong_p_holm,' +
        'bootstrap_lower,bootstrap_upper,bootstrap_confidence,bootstrap_resamples,bootstrap_p,bootstrap_p_holm,' +
        'family_size,family_adjustment,positive_class',
    );
    expect(first).toBe(
      '1,ta,squeezenet1_1 · imagenet,2,tb,vgg16 · scratch,156,0.87,0.8,0.07,exact,0.04,0.04,0.9,0.84,0.06,' +
        '0.00002,0.00004,0.021,0.1,0.95,2000,0.03,0.06,2,holm,"pneumonia (label 1, MedMNIST convention)"',
    );
    const latex = exportPairwise(table, 'latex');
    expect(latex).toContain('$0.0400$ & $0.0400$ & $+0.060$ & $[0.021, 0.100]$ & $<0.0001$ & $<0.0001$');
    expect(latex).toContain('\\par\\smallskip{\\footnotesize Family: the leader against each of the next 2');
  });
});
