// The auditor's report of a sweep: a TRIPOD+AI or CLAIM checklist filled from its records, and the model
// card of the configuration chosen on validation, as Markdown or HTML files.
import { z } from 'zod';
import { sweepInput } from '../inputs.js';
import { projectOfSweep } from '../locate.js';
import { REPORT_CHECKLISTS, REPORT_FORMATS, sweepReport } from '../services/report.js';
import { projectProcedure, router } from '../trpc.js';

export const reportsRouter = router({
  /**
   * The checklist report and the model card as files, and the assembled report as data (what
   * `medsweep report --checklist --json` prints); every filled item names the records it came from.
   */
  get: projectProcedure(
    sweepInput.extend({
      checklist: z.enum(REPORT_CHECKLISTS).default('tripod-ai'),
      format: z.enum(REPORT_FORMATS).default('markdown'),
    }),
    'project.read',
    projectOfSweep,
  ).query(async ({ ctx, input }) => {
    const { report, modelCard, assembled } = await sweepReport(
      { db: ctx.db, objectStore: ctx.objectStore },
      input.sweepId,
      input.checklist,
      input.format,
    );
    return { report, modelCard, assembled };
  }),
});
