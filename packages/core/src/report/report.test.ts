import { describe, expect, it } from 'vitest';
import {
  assembleModelCard,
  assembleReport,
  CLAIM,
  InvalidReportFactError,
  MODEL_CARD,
  recordOf,
  statusCounts,
  TRIPOD_AI,
  valueAt,
} from '../index.js';
import type { Report, ReportFacts } from '../index.js';
import { reportFacts } from '../test-support/report-facts.js';

const facts = reportFacts();
const reports: [string, Report][] = [
  ['TRIPOD+AI', assembleReport(facts, TRIPOD_AI)],
  ['CLAIM', assembleReport(facts, CLAIM)],
  ['model card', assembleModelCard(facts)],
];

function expectEveryCitationTrue(report: Report, from: ReportFacts): void {
  for (const item of report.items) {
    if (item.status === 'filled')
      expect(item.citations.length, `${item.id} cites nothing`).toBeGreaterThan(0);
    if (item.status === 'to be supplied by the authors') {
      expect(item.value, item.id).toEqual([]);
      expect(item.citations, item.id).toEqual([]);
    }
    for (const c of item.citations) {
      const record = recordOf(from, c.recordKind, c.recordId);
      expect(record, `${item.id}: ${c.recordKind} ${c.recordId}`).toBeDefined();
      expect(record!.id).toBe(c.recordId);
      expect(c.value, `${item.id}: ${c.recordKind}.${c.field}`).toEqual(valueAt(record, c.field));
    }
  }
}

describe.each(reports)('%s', (_, report) => {
  it('cites a record for every filled item, and each cited value equals that record field', () => {
    expectEveryCitationTrue(report, facts);
  });

  it('keeps item ids unique and in checklist order', () => {
    expect(new Set(report.items.map((i) => i.id)).size).toBe(report.items.length);
  });
});

describe('TRIPOD+AI', () => {
  const report = reports[0]![1];
  const item = (id: string) => report.items.find((i) => i.id === id)!;

  it('has the 27 numbered items, 52 with their sub-items, fairness and health inequalities among them', () => {
    expect(TRIPOD_AI.items).toHaveLength(52);
    expect(new Set(TRIPOD_AI.items.map((i) => i.id.replace(/[a-z]$/, ''))).size).toBe(27);
    expect(item('3c').topic).toBe('Background');
    expect(item('3c').asks).toMatch(/health inequalities/);
    expect(item('14').topic).toBe('Fairness');
  });

  it('fills what the platform knows from its records', () => {
    for (const id of [
      '5a',
      '7',
      '10',
      '12a',
      '12c',
      '12e',
      '12f',
      '12g',
      '13',
      '14',
      '15',
      '18e',
      '18f',
      '20a',
      '21',
      '22',
      '23a',
    ]) {
      expect(item(id).status, id).toBe('filled');
    }
    expect(item('5a').citations.map((c) => `${c.recordKind}.${c.field}`)).toEqual(
      expect.arrayContaining(['dataset.id', 'dataset.licence', 'lineage.datasetManifestHash']),
    );
    expect(item('18f').citations.map((c) => c.field)).toEqual(
      expect.arrayContaining(['codeVersion', 'lockHash']),
    );
  });

  it('lists what only the authors know as to be supplied', () => {
    for (const id of [
      '1',
      '2',
      '3a',
      '3b',
      '3c',
      '4',
      '5b',
      '6a',
      '6b',
      '8b',
      '11',
      '17',
      '18a',
      '18b',
      '18c',
      '18d',
      '19',
      '25',
      '26',
      '27a',
    ]) {
      expect(item(id).status, id).toBe('to be supplied by the authors');
    }
    expect(item('5a').authorsAdd).toMatch(/representative/);
  });

  it('reports test metrics with their intervals, as computed', () => {
    const table = item('23a').value.find((b) => b.kind === 'table')!;
    const auc = facts.testMetrics.result.metrics.auc;
    expect(auc.outcome).toBe('interval');
    if (table.kind !== 'table' || auc.outcome !== 'interval') return;
    expect(table.rows[0]![2]).toBe(
      `${auc.estimate.toFixed(3)} [${auc.lower.toFixed(3)}, ${auc.upper.toFixed(3)}]`,
    );
    expect(item('23a').value.some((b) => b.kind === 'reliability-diagram')).toBe(true);
  });

  it('without calibration, robustness, external data or subgroups: those items are for the authors or not applicable', () => {
    const bare = reportFacts({ withOptional: false });
    const plain = assembleReport(bare, TRIPOD_AI);
    expectEveryCitationTrue(plain, bare);
    const status = (id: string) => plain.items.find((i) => i.id === id)!.status;
    expect(status('14')).toBe('to be supplied by the authors');
    expect(status('12d')).toBe('to be supplied by the authors');
    expect(status('12f')).toBe('not applicable');
    expect(status('24')).toBe('not applicable');
    const claim = assembleReport(bare, CLAIM);
    expect(claim.items.find((i) => i.id === '30')!.status).toBe('to be supplied by the authors');
    expect(claim.items.find((i) => i.id === '32')!.status).toBe('to be supplied by the authors');
  });
});

describe('CLAIM and the model card', () => {
  it('CLAIM has 42 items; robustness, external validation and partitions are filled from records', () => {
    const report = reports[1]![1];
    expect(CLAIM.items).toHaveLength(42);
    for (const id of ['21', '23', '24', '26', '30', '32', '36']) {
      expect(report.items.find((i) => i.id === id)!.status, id).toBe('filled');
    }
    expect(report.items.find((i) => i.id === '37')!.status).toBe('to be supplied by the authors');
  });

  it("the model card has Mitchell et al.'s nine sections; intended use and ethics are the authors'", () => {
    const card = reports[2]![1];
    expect(MODEL_CARD.items.map((i) => i.topic)).toEqual([
      'Model details',
      'Intended use',
      'Factors',
      'Metrics',
      'Evaluation data',
      'Training data',
      'Quantitative analyses',
      'Ethical considerations',
      'Caveats and recommendations',
    ]);
    expect(statusCounts(card)).toEqual({
      filled: 7,
      'to be supplied by the authors': 2,
      'not applicable': 0,
    });
  });
});

describe('assembleReport', () => {
  it('is deterministic', () => {
    expect(assembleReport(reportFacts(), TRIPOD_AI)).toEqual(reports[0]![1]);
  });

  it('says which fact is missing when the facts are incomplete', () => {
    const broken = { ...facts, trial: { ...facts.trial, input: undefined } } as unknown as ReportFacts;
    expect(() => assembleReport(broken, TRIPOD_AI)).toThrow(InvalidReportFactError);
    expect(() => assembleReport(broken, TRIPOD_AI)).toThrow(/trial\.input\.height is undefined/);
  });
});
