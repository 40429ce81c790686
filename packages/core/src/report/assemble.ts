// Assembling a report: each checklist item is filled from the facts by its filler (with the citations
// the filler read), or listed as to be supplied by the authors. Pure and deterministic: the same facts
// give the same report, so a report can be hashed, diffed and regenerated.
import type { Checklist } from './checklists.js';
import { MODEL_CARD } from './checklists.js';
import type { ReportFacts } from './facts.js';
import type { ReportItem } from './items.js';
import { Sources } from './sources.js';

export interface Report {
  readonly checklist: { readonly id: Checklist['id']; readonly name: string; readonly reference: string };
  /** What the report is about. */
  readonly subject: {
    readonly sweepId: string;
    readonly sweepName: string;
    readonly configuration: string;
    readonly trialId: string;
    readonly lineageRecordHash: string;
    readonly datasetName: string;
  };
  readonly items: readonly ReportItem[];
}

/** Items by status, for a summary line. */
export function statusCounts(report: Report): Record<ReportItem['status'], number> {
  const counts = { filled: 0, 'to be supplied by the authors': 0, 'not applicable': 0 };
  for (const item of report.items) counts[item.status]++;
  return counts;
}

/** Fills every item of `checklist` the facts answer; the rest are to be supplied by the authors. */
export function assembleReport(facts: ReportFacts, checklist: Checklist): Report {
  const items = checklist.items.map((definition): ReportItem => {
    const { id, section, topic, asks } = definition;
    const sources = new Sources(facts);
    const content = definition.fill?.(sources);
    if (content === undefined) {
      return {
        id,
        section,
        topic,
        asks,
        status: 'to be supplied by the authors',
        value: [],
        citations: [],
        authorsAdd: null,
      };
    }
    return {
      id,
      section,
      topic,
      asks,
      status: content.status,
      value: content.value,
      citations: sources.citations(),
      authorsAdd: content.authorsAdd ?? null,
    };
  });
  return {
    checklist: { id: checklist.id, name: checklist.name, reference: checklist.reference },
    subject: {
      sweepId: facts.sweep.id,
      sweepName: facts.sweep.name,
      configuration: facts.selection.id,
      trialId: facts.trial.id,
      lineageRecordHash: facts.lineage.recordHash,
      datasetName: facts.dataset.name,
    },
    items,
  };
}

/** The model card (Mitchell et al. 2019) of the chosen configuration, assembled like a checklist. */
export function assembleModelCard(facts: ReportFacts): Report {
  return assembleReport(facts, MODEL_CARD);
}
