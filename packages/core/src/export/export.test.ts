import { describe, expect, it } from 'vitest';
import {
  escapeLatex,
  exportLeaderboard,
  exportScratchVsTransfer,
  InvalidOptionError,
  toCsv,
  type LeaderboardEntry,
  type ScratchVsTransferRow,
} from '../index.js';

const ci = (lower: number, upper: number) => ({
  estimate: (lower + upper) / 2,
  lower,
  upper,
  confidence: 0.95,
  method: 'percentile' as const,
  resamples: 2000,
  seed: 0,
});

const entries: LeaderboardEntry[] = [
  {
    rank: 1,
    groupKey: 'g1',
    label: {
      architecture: 'resnet50',
      initialisation: 'imagenet',
      transferMode: 'full',
      config: { optimizer: 'adam', lr: 0.001 },
    },
    n: 3,
    mean: 0.9213333,
    std: 0.0096,
    ci: ci(0.912, 0.931),
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
      config: { note: '=HYPERLINK("x")', lr: 0.01 },
    },
    n: 1,
    mean: 0.8,
    std: null,
    ci: null,
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

  it('exports the leaderboard with full precision and every trial id', () => {
    expect(exportLeaderboard(entries, 'csv')).toBe(
      'rank,group_key,architecture,initialisation,transfer_mode,config,n,mean,std,ci_lower,ci_upper,ci_confidence,best_trial_id,best_seed,best_value,trial_ids\r\n' +
        '1,g1,resnet50,imagenet,full,"{""lr"":0.001,""optimizer"":""adam""}",3,0.9213333,0.0096,0.912,0.931,0.95,t3,3,0.931,t1 t2 t3\r\n' +
        '2,g2,dense_net|v2,scratch,full,"{""lr"":0.01,""note"":""=HYPERLINK(\\""x\\"")""}",1,0.8,,,,,t4,1,0.8,t4\r\n',
    );
  });
});

describe('Markdown', () => {
  it('renders the leaderboard rounded, escaped, with missing values as a dash', () => {
    expect(exportLeaderboard(entries, 'markdown')).toBe(
      '| Rank | Architecture | Initialisation | Transfer | Config | n | Mean ± std | 95% CI | Best run |\n' +
        '| ---: | :--- | :--- | :--- | :--- | ---: | ---: | ---: | :--- |\n' +
        '| 1 | resnet50 | imagenet | full | lr=0.001, optimizer=adam | 3 | 0.921 ± 0.010 | [0.912, 0.931] | t3 |\n' +
        '| 2 | dense\\_net\\|v2 | scratch | full | lr=0.01, note==HYPERLINK("x") | 1 | 0.800 | — | t4 |\n',
    );
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
    gain: { estimate: 0.08, lower: 0.0467, upper: 0.1133, confidence: 0.95, resamples: 10000, seed: 0 },
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
    gain: { estimate: -0.05, lower: -0.07, upper: -0.0004, confidence: 0.95, resamples: 10000, seed: 0 },
  },
  { architecture: 'efficientnet_b0', pretrained: null, scratch: null, gain: null },
];

describe('scratch-vs-transfer table', () => {
  it('as CSV', () => {
    expect(exportScratchVsTransfer(rows, 'csv')).toBe(
      'architecture,pretrained_initialisation,pretrained_n,pretrained_mean,pretrained_std,pretrained_group_keys,pretrained_trial_ids,scratch_n,scratch_mean,scratch_std,scratch_group_keys,scratch_trial_ids,gain,gain_lower,gain_upper,gain_confidence\r\n' +
        'resnet50,imagenet,3,0.9,0.02,p1,p-1 p-2 p-3,3,0.82,0.02,s1,s-1 s-2 s-3,0.08,0.0467,0.1133,0.95\r\n' +
        'vgg16,imagenet,2,0.7,0.01,p2,q-1 q-2,2,0.75,0.01,s2,r-1 r-2,-0.05,-0.07,-0.0004,0.95\r\n' +
        'efficientnet_b0,,,,,,,,,,,,,,,\r\n',
    );
  });

  it('as Markdown, gains signed', () => {
    expect(exportScratchVsTransfer(rows, 'markdown', { digits: 2 })).toBe(
      '| Architecture | Pretrained | n | Pretrained mean ± std | n | Scratch mean ± std | Gain | Gain 95% CI |\n' +
        '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        '| resnet50 | imagenet | 3 | 0.90 ± 0.02 | 3 | 0.82 ± 0.02 | +0.08 | [0.05, 0.11] |\n' +
        '| vgg16 | imagenet | 2 | 0.70 ± 0.01 | 2 | 0.75 ± 0.01 | -0.05 | [-0.07, 0.00] |\n' +
        '| efficientnet\\_b0 | — | — | — | — | — | — | — |\n',
    );
  });

  it('as LaTeX in a captioned table, specials escaped and numbers in math mode', () => {
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
        '\\begin{tabular}{llrrrrrr}\n' +
        '\\toprule\n' +
        'Architecture & Pretrained & n & Pretrained mean $\\pm$ std & n & Scratch mean $\\pm$ std & Gain & Gain 95\\% CI \\\\\n' +
        '\\midrule\n' +
        'resnet50 & imagenet & 3 & $0.900 \\pm 0.020$ & 3 & $0.820 \\pm 0.020$ & $+0.080$ & $[0.047, 0.113]$ \\\\\n' +
        'vgg16 & imagenet & 2 & $0.700 \\pm 0.010$ & 2 & $0.750 \\pm 0.010$ & $-0.050$ & $[-0.070, 0.000]$ \\\\\n' +
        'efficientnet\\_b0 & -- & -- & -- & -- & -- & -- & -- \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n' +
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
      '\\begin{tabular}{rllllrrrl}\n' +
        '\\toprule\n' +
        'Rank & Architecture & Initialisation & Transfer & Config & n & Mean $\\pm$ std & 95\\% CI & Best run \\\\\n' +
        '\\midrule\n' +
        '2 & dense\\_net\\textbar{}v2 & scratch & full & lr=0.01, note==HYPERLINK("x") & 1 & $0.80$ & -- & t4 \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n',
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
