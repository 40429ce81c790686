// The dashboard as people use it, in headless Chromium against the built app on the real stack: a lead
// signs in, submits a sweep (after fixing an error the page points at), watches it run, pauses and
// resumes it; a viewer is refused cancelling it in the page and by the API; the lead reads the
// leaderboard, exports it as CSV and opens a trial; an auditor verifies the audit chain; the lead trains
// a real BreastMNIST trial, runs its robustness panel, an external validation and subgroups by sex from
// the trial page and sees the robustness on the leaderboard row. Each step leaves a screenshot in test/browser/artifacts/.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { CLASS_NAMES } from './support/trainer-with-outputs.js';
import { startWebApp } from './support/web-app.js';
import type { WebApp } from './support/web-app.js';
import { BREAST, BREAST_EXTERNAL, createWorld, REAL_QUEUE, SYNTHETIC_QUEUE } from './support/world.js';
import type { TestUser, World } from './support/world.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** 2 architectures x 2 arms x 2 learning rates x 3 seeds (three: the fewest an interval over seeds takes). */
const TRIALS = 24;
const CONFIGURATIONS = 8;

let world: World;
let app: WebApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let lead: Page;
let sweepId: string;
let trialPath: string;

function specText(project: string, dataset: string): string {
  return [
    'name: browser test sweep',
    `project: ${project}`,
    `dataset: ${dataset}`,
    'architectures: [vgg16, resnet50]',
    'arms: [scratch, pretrained:imagenet]',
    'search:',
    '  strategy: grid',
    '  space:',
    '    lr: { type: choice, values: [0.001, 0.01] }',
    'seeds: [0, 1, 2]',
    'budget: { maxTrials: 24, maxParallel: 2, maxEpochs: 3 }',
    `resources: { queue: ${SYNTHETIC_QUEUE}, gpus: 0 }`,
    '',
  ].join('\n');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A new browser context (its own cookies) signed in as `user`. */
async function signIn(user: TestUser): Promise<Page> {
  const context = await browser.newContext({ baseURL: app.url, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/sweeps');
  // No session: the dashboard sends the browser to the login page, remembering where it was going.
  await page.waitForURL(/\/login\?next=%2Fsweeps/);
  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/sweeps$/);
  await expect.poll(() => page.getByTestId('current-user').textContent()).toBe(`Test ${user.role}`);
  return page;
}

const attribute = (page: Page, testId: string, name: string) =>
  page.getByTestId(testId).first().getAttribute(name);

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  world = await createWorld({ segmentMs: 1_500 });
  app = await startWebApp(world.env);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
  await world?.close();
});

describe('dashboard in a real browser', () => {
  // The steps build on each other (one sweep, one session): after a failure the rest would only time out.
  let failed = false;
  afterEach((context) => void (failed ||= context.task.result?.state === 'fail'));
  beforeEach((context) => {
    if (failed) context.skip();
  });

  it('sends security headers: no framing, no sniffing, a content security policy', async () => {
    for (const path of ['/login', '/api/trpc/auth.me']) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/);
    }
    const page = (await fetch(`${app.url}/login`)).headers.get('content-security-policy');
    expect(page).toMatch(/script-src 'self'/);
    expect(page).toMatch(/connect-src 'self'/);
  });

  it('refuses a wrong password and signs the lead in', async () => {
    const context = await browser.newContext({ baseURL: app.url });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-email').fill(world.users.lead.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/email or password/i);
    await shot(page, '01-login-refused');

    lead = await signIn(world.users.lead);
    await shot(lead, '02-sweeps-empty');
  });

  it('shows spec errors inline with their line, then submits the fixed spec', async () => {
    await lead.getByTestId('nav-submit').click();
    await lead.waitForURL(/\/submit$/);
    await lead.getByTestId('spec-text').fill(specText(world.project, 'nosuchdata'));
    const issue = lead.getByTestId('spec-issue').first();
    await issue.waitFor();
    expect(await issue.getAttribute('data-path')).toBe('dataset');
    expect(await issue.getAttribute('data-line')).toBe('3');
    expect(await issue.textContent()).toMatch(/nosuchdata.*not registered/);
    expect(await lead.getByTestId('spec-submit').isDisabled()).toBe(true);
    await shot(lead, '03-submit-invalid');

    await lead.getByTestId('spec-text').fill(specText(world.project, 'synthetic'));
    await lead.getByTestId('spec-valid').waitFor();
    expect(await lead.getByTestId('spec-valid').textContent()).toContain(`${TRIALS} trials`);
    await shot(lead, '04-submit-valid');
    await lead.getByTestId('spec-submit').click();
    await lead.waitForURL(/\/sweeps\/[0-9a-f-]{36}$/);
    sweepId = lead.url().split('/').at(-1)!;
  });

  it('updates status and progress live, and pauses and resumes the sweep', async () => {
    const progress = async () => Number(await attribute(lead, 'sweep-progress', 'data-progress'));
    await expect.poll(progress, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    await shot(lead, '05-sweep-running');

    await lead.getByTestId('sweep-pause').click();
    await expect
      .poll(() => attribute(lead, 'sweep-overview', 'data-status'), { timeout: 30_000 })
      .toBe('paused');
    expect(await progress()).toBeLessThan(1);
  });

  it('refuses a viewer cancelling the sweep, in the page and in the API', async () => {
    const viewer = await signIn(world.users.viewer);
    await viewer.goto(`/sweeps/${sweepId}`);
    const cancel = viewer.getByTestId('sweep-cancel');
    expect(await cancel.isDisabled()).toBe(true);
    expect(await viewer.getByTestId('sweep-controls-reason').textContent()).toContain('viewer');
    await shot(viewer, '06-viewer-controls-disabled');

    // React ignores clicks on a disabled button, so the page cannot be talked into the call; the API is
    // asked directly, from the viewer's page (its session cookie) and from outside with no cookie.
    const fromPage = await viewer.evaluate(async (id) => {
      const response = await fetch('/api/trpc/sweeps.cancel', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { sweepId: id } }),
      });
      return { status: response.status, body: await response.text() };
    }, sweepId);
    expect(fromPage.status).toBe(403);
    expect(fromPage.body).toMatch(/role 'viewer' in project .* does not allow sweep\.control/);
    const anonymous = await fetch(`${app.url}/api/trpc/sweeps.cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { sweepId } }),
    });
    expect(anonymous.status).toBe(401);

    const row = await world.db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(row.status).toBe('paused');
    const cancels = await world.db.auditEvent.count({
      where: { action: 'sweep.cancel', subjectId: sweepId },
    });
    expect(cancels).toBe(0);
  });

  it('resumes and runs to completion with the page following along', async () => {
    await lead.getByTestId('sweep-resume').click();
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await attribute(lead, 'sweep-progress', 'data-progress')) ?? '');
          return attribute(lead, 'sweep-overview', 'data-status');
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe('completed');
    expect(await attribute(lead, 'sweep-progress', 'data-progress')).toBe('1');
    // The page moved through intermediate values without being reloaded.
    expect([...seen].filter((v) => Number(v) > 0 && Number(v) < 1).length).toBeGreaterThan(0);
    await expect.poll(() => attribute(lead, 'trials-count', 'data-loaded')).toBe(String(TRIALS));
    expect(await lead.getByTestId('trial-row').count()).toBe(TRIALS);
    await expect
      .poll(() => lead.locator('[data-testid=trial-row][data-status=completed]').count())
      .toBe(TRIALS);

    // Sorting by the primary metric is the API's order: best first.
    await lead.getByTestId('sort-val_auc').click();
    await expect
      .poll(async () => {
        const values = (await lead.getByTestId('trial-primary-metric').allTextContents()).map(Number);
        return values.every((v, i) => i === 0 || values[i - 1]! >= v);
      })
      .toBe(true);
    expect(await lead.getByTestId('parallel-coordinates').locator('path.trial').count()).toBe(TRIALS);
    await shot(lead, '07-sweep-completed');

    await lead.goto('/sweeps');
    const row = lead.locator(`[data-testid=sweep-row][data-sweep-id="${sweepId}"]`);
    expect(await row.getByTestId('sweep-status').textContent()).toBe('completed');
    await shot(lead, '08-sweeps-list');
  });

  it('shows the leaderboard with intervals and exports it as CSV', async () => {
    await lead.goto(`/sweeps/${sweepId}/leaderboard`);
    const rows = lead.getByTestId('leaderboard-row');
    expect(await rows.count()).toBe(CONFIGURATIONS);
    expect(await lead.getByTestId('leaderboard-ci').first().textContent()).toMatch(
      /^\[\d\.\d{4}, \d\.\d{4}\]$/,
    );
    expect(await lead.getByTestId('leaderboard-ci').first().getAttribute('data-method')).toBe('student-t');
    // From the three runs' stored test predictions: seeds and test images resampled.
    expect(await lead.getByTestId('leaderboard-new-patients').first().textContent()).toMatch(
      /^\[\d\.\d{4}, \d\.\d{4}\]$/,
    );
    expect(await lead.getByTestId('positive-class').textContent()).toContain('label 1 (MedMNIST convention');
    expect(await lead.getByTestId('arms-row').count()).toBe(2);
    // The leader against the next four, on the same stored test predictions, Holm beside every raw p.
    await expect.poll(() => lead.getByTestId('pairwise-p-mcnemar').count(), { timeout: 30_000 }).toBe(4);
    expect(await lead.getByTestId('pairwise-unavailable').count()).toBe(0);
    expect(await lead.getByTestId('pairwise-holm-mcnemar').count()).toBe(4);
    expect(await lead.getByTestId('pairwise-family').textContent()).toContain('(4 comparisons)');
    const pValues = (await lead.getByTestId('pairwise-p-delong').allTextContents()).map((t) =>
      t.replace('< ', ''),
    );
    expect(pValues.every((p) => Number(p) >= 0 && Number(p) <= 1)).toBe(true);
    await shot(lead, '09-leaderboard');

    const [download] = await Promise.all([
      lead.waitForEvent('download'),
      lead.getByTestId('export-leaderboard-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('leaderboard-test-auc.csv');
    const file = join(ARTIFACTS, 'leaderboard.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + CONFIGURATIONS);
    expect(lines[0]).toMatch(/rank/i);
    const trials = await world.db.trial.findMany({ where: { sweepId }, select: { id: true } });
    const csv = lines.join('\n');
    expect(trials.every((t) => csv.includes(t.id))).toBe(true);
    // The top row's mean is the one the page shows, at full precision.
    const shownMean = Number(await lead.getByTestId('leaderboard-mean').first().textContent());
    const means = lines[1]!
      .split(',')
      .map(Number)
      .filter((v) => Math.abs(v - shownMean) < 5e-5);
    expect(means.length).toBeGreaterThan(0);
  });

  it('opens a trial: config, verified lineage, curves, evaluation plots, Grad-CAM and downloads', async () => {
    await lead.getByTestId('leaderboard-run-link').first().click();
    await lead.waitForURL(/\/trials\/[0-9a-f-]{36}$/);
    const detail = lead.getByTestId('trial-detail');
    expect(await detail.getAttribute('data-status')).toBe('completed');
    expect(await lead.getByTestId('final-metrics').locator('tbody tr').count()).toBe(2);
    expect(await lead.getByTestId('trial-config').textContent()).toContain('"lr"');
    expect(await attribute(lead, 'lineage-status', 'data-ok')).toBe('true');
    expect(await lead.getByTestId('curve-auc').locator('path.series').count()).toBe(1);
    expect(await lead.getByTestId('curve-loss').locator('path.series').count()).toBe(1);
    // ROC, confusion matrix and calibration from the stored predictions (binary: one ROC curve).
    await lead.getByTestId('evaluation').waitFor();
    expect(await lead.getByTestId('roc-chart').locator('path.series').count()).toBe(1);
    const cells = await lead.getByTestId('confusion-matrix').locator('rect').count();
    expect(cells).toBe(4);
    // Rows and columns carry the dataset's class names, as the predictions recorded them.
    const matrixText = await lead.getByTestId('confusion-matrix').textContent();
    for (const name of CLASS_NAMES) expect(matrixText).toContain(name);
    expect(await lead.getByTestId('calibration-chart').locator('circle').count()).toBeGreaterThan(2);
    // The Grad-CAM image loads through its signed link.
    const image = lead.getByTestId('gradcam').locator('img');
    await image.scrollIntoViewIfNeeded(); // it loads lazily
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(32);
    // A signed download of the predictions is the stored object, byte for byte.
    const trialId = lead.url().split('/').at(-1)!;
    const predictions = await world.db.artifact.findFirstOrThrow({ where: { trialId, kind: 'predictions' } });
    const [download] = await Promise.all([
      lead.waitForEvent('download'),
      lead
        .locator('[data-testid=artifact-row][data-kind=predictions]')
        .getByTestId('artifact-download')
        .click(),
    ]);
    const saved = join(mkdtempSync(join(tmpdir(), 'medsweep-download-')), 'predictions.json');
    await download.saveAs(saved);
    expect(createHash('sha256').update(readFileSync(saved)).digest('hex')).toBe(predictions.sha256);
    // The synthetic trainer records no worker attempts (the real one does); the page says so.
    await lead.getByTestId('attempts-empty').waitFor();
    await shot(lead, '10-trial');
    trialPath = new URL(lead.url()).pathname;
  });

  it('opens the dataset a trial trained on: hashes, report and the sweeps that used it', async () => {
    await lead.getByTestId('trial-dataset-link').click();
    await lead.waitForURL(/\/datasets\/[0-9a-f-]{36}$/);
    await lead.getByTestId('dataset-detail').waitFor();
    expect(await lead.getByTestId('dataset-manifest-hash').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The synthetic dataset was registered without samples, so without a report.
    await lead.getByTestId('dataset-no-report').waitFor();
    expect(await lead.getByTestId('dataset-sweeps').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(lead, '10b-dataset');
  });

  it('lets an auditor verify the audit chain', async () => {
    const auditor = await signIn(world.users.auditor);
    await auditor.goto(`/audit?project=${world.project}`);
    const actions = await auditor
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['sweep.submit', 'sweep.pause', 'sweep.resume']));
    await auditor.getByTestId('audit-verify').click();
    const result = auditor.getByTestId('audit-verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(/Chain intact: \d+ events verified/);
    await shot(auditor, '11-audit-verified');

    // And re-verify a trial's lineage from its artifacts' bytes.
    await auditor.goto(trialPath);
    await auditor.getByTestId('lineage-reverify').click();
    const reverified = auditor.getByTestId('lineage-reverify-result');
    await reverified.waitFor();
    expect(await reverified.getAttribute('data-ok')).toBe('true');
    expect(await reverified.textContent()).toContain('predictionsHash');
    await shot(auditor, '12-lineage-reverified');

    // The lead may not read the log at all.
    await lead.goto(`/audit?project=${world.project}`);
    await lead.getByTestId('audit-forbidden').waitFor();
  });

  it('shows the instance audit log to the instance admin alone, and makes and revokes an own API token', async () => {
    // The lead has no instance role: no link, and the page says why.
    const leadOnly = await signIn(world.users.lead);
    expect(await leadOnly.getByTestId('nav-instance-audit').count()).toBe(0);
    await leadOnly.goto('/audit/instance');
    await leadOnly.getByTestId('instance-audit-forbidden').waitFor();

    const admin = await signIn(world.users.admin);
    await admin.getByTestId('nav-instance-audit').click();
    await admin.waitForURL(/\/audit\/instance$/);
    const rows = (attribute: string) =>
      admin
        .getByTestId('audit-row')
        .evaluateAll((found, name) => found.map((r) => r.getAttribute(name)), attribute);
    // Events of no project: the sign-ins and the accounts made for this test.
    expect(await rows('data-action')).toEqual(expect.arrayContaining(['auth.login', 'user.create']));
    expect(new Set(await rows('data-project'))).toEqual(new Set(['']));
    // All events: the projects' too.
    await admin.getByTestId('instance-audit-scope-all').click();
    await admin.waitForURL(/scope=all$/);
    await expect.poll(async () => (await rows('data-project')).some((p) => p !== '')).toBe(true);
    await admin.getByTestId('instance-audit-verify').click();
    const verdict = admin.getByTestId('instance-audit-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-ok')).toBe('true');
    expect(await verdict.textContent()).toMatch(/Whole chain intact: \d+ events verified up to #\d+/);
    await shot(admin, '12b-instance-audit-verified');

    // An own token, its secret shown once; it acts for the admin until revoked.
    await admin.getByTestId('nav-account').click();
    await admin.waitForURL(/\/account$/);
    expect(await admin.getByTestId('account-instance-role').textContent()).toBe('admin');
    await admin.getByTestId('token-name').fill('browser-test');
    await admin.getByTestId('token-create').click();
    const secret = (await admin.getByTestId('token-secret').textContent())!.trim();
    expect(secret).toMatch(/^mst_/);
    const me = () =>
      fetch(`${app.url}/api/trpc/auth.me`, { headers: { authorization: `Bearer ${secret}` } }).then(
        (r) => r.status,
      );
    expect(await me()).toBe(200);
    const row = admin.locator('[data-testid="token-row"][data-name="browser-test"]');
    expect(await row.getAttribute('data-state')).toBe('active');
    await shot(admin, '12c-account-token');
    admin.once('dialog', (dialog) => void dialog.accept());
    await row.getByTestId('token-revoke').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');
    expect(await me()).toBe(401);
  });

  it("runs a BreastMNIST trial's robustness panel, external validation and subgroups, shown on its page and leaderboard row", async () => {
    await lead.goto('/submit');
    await lead
      .getByTestId('spec-text')
      .fill(
        [
          'name: breastmnist evaluation panels',
          `project: ${world.project}`,
          `dataset: ${BREAST}`,
          'architectures: [vgg16]',
          'model: { inputSize: 32, widthMultiplier: 0.125 }',
          'arms: [scratch]',
          'search:',
          '  strategy: grid',
          '  space:',
          '    lr: { type: choice, values: [0.001] }',
          '    batchSize: { type: choice, values: [32] }',
          'seeds: [0]',
          'budget: { maxTrials: 1, maxParallel: 1, maxEpochs: 3 }',
          `resources: { queue: ${REAL_QUEUE}, gpus: 0 }`,
          '',
        ].join('\n'),
      );
    await lead.getByTestId('spec-valid').waitFor();
    await lead.getByTestId('spec-submit').click();
    await lead.waitForURL(/\/sweeps\/[0-9a-f-]{36}$/);
    const realSweep = lead.url().split('/').at(-1)!;
    await expect
      .poll(() => attribute(lead, 'sweep-overview', 'data-status'), { timeout: 300_000, interval: 1_000 })
      .toBe('completed');

    await lead.goto(`/sweeps/${realSweep}/leaderboard`);
    expect(await lead.getByTestId('leaderboard-robustness').first().textContent()).toBe('—');
    await lead.getByTestId('leaderboard-run-link').first().click();
    await lead.waitForURL(/\/trials\/[0-9a-f-]{36}$/);
    // The robustness panel: every MedMNIST-C corruption of BreastMNIST at five severities, beside clean.
    await lead.getByTestId('run-robustness').click();
    await expect
      .poll(() => lead.getByTestId('robustness-row').count(), { timeout: 600_000, interval: 2_000 })
      .toBe(35);
    await lead.getByTestId('robustness-clean').waitFor();
    expect(await lead.getByTestId('robustness-row').first().textContent()).toMatch(/pixelate1\d\.\d{3}/);
    expect(await lead.getByTestId('robustness-table').textContent()).toMatch(/\[\d\.\d{3}, \d\.\d{3}\]/);
    await shot(lead, '13-robustness');

    // External validation on a second registration with the same classes, beside the internal test split.
    await lead.getByTestId('external-dataset').selectOption({ label: BREAST_EXTERNAL });
    await lead.getByTestId('run-external').click();
    await expect
      .poll(() => lead.getByTestId('external-row').count(), { timeout: 300_000, interval: 1_000 })
      .toBe(1);
    expect(await lead.getByTestId('external-internal').textContent()).toContain(`${BREAST} (internal)`);
    expect(await lead.getByTestId('external-row').textContent()).toMatch(
      new RegExp(`^${BREAST_EXTERNAL}156`),
    );
    await shot(lead, '14-external-validation');

    // Subgroups by the dataset's sex column, with intervals and the largest gap.
    await lead.getByTestId('subgroup-attribute').selectOption('sex');
    await lead.getByTestId('run-subgroups').click();
    await expect
      .poll(() => lead.getByTestId('subgroup-row').count(), { timeout: 300_000, interval: 1_000 })
      .toBe(2);
    expect(await lead.getByTestId('subgroup-row').allTextContents()).toEqual([
      expect.stringMatching(/^F\d+/),
      expect.stringMatching(/^M\d+/),
    ]);
    expect(await lead.getByTestId('subgroup-gaps').textContent()).toMatch(/F − M|M − F/);

    await lead.goto(`/sweeps/${realSweep}/leaderboard`);
    expect(await lead.getByTestId('leaderboard-robustness').first().textContent()).toMatch(
      /seed 0: mean AUC drop -?\d\.\d{3} at severity 3 over 7 corruptions/,
    );
    await lead.getByTestId('report-links').waitFor();
    await shot(lead, '15-leaderboard-robustness');
  }, 900_000); // training one tiny trial and predicting its test split 36 times: minutes on a loaded CPU
});
