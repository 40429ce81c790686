// npm run bench:web [-- --trials 10000 --requests 50 --loads 10 --build auto|always|never]
// The dashboard at scale (issue 4): a private database with one project whose sweep has `trials`
// recorded trials, the production build of apps/web (`next start`, built first when missing or stale)
// on a free port, and a viewer signed in through auth.login. Measures, for the sweep page and the
// leaderboard page:
//   - server response: `requests` sequential GETs of the page's HTML after a warm-up, timed to the first
//     byte (TTFB) and to the last byte of the full HTML; the goal is judged on the full response;
//   - first contentful paint in headless Chromium: `loads` cold loads (a new browser context each, so
//     an empty cache), read from performance.getEntriesByName('first-contentful-paint').
// Prints a table and, last, one JSON object:
// {"trials", "sweepPage": {...}, "leaderboardPage": {...}, "goals": {"serverP95Ms": 300, "fcpMs": 1500},
//  "met", "loadAverage": {"start", "end"}, "cores"}. Exits 0 whether or not the goals are met.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/support/browser.js';
import type { WebApp } from '../browser/support/web-app.js';
import { startWebApp } from '../browser/support/web-app.js';
import { ms, percentiles } from './support/percentiles.js';
import { createSeededProject } from './support/seeded-project.js';
import { signIn } from './support/trpc-http.js';
import type { BuildMode } from './support/web-build.js';
import { ensureWebBuild } from './support/web-build.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '50' },
    loads: { type: 'string', default: '10' },
    build: { type: 'string', default: 'auto' },
  },
});
const TRIALS = Number(values.trials);
const REQUESTS = Number(values.requests);
const LOADS = Number(values.loads);
const BUILD = values.build as BuildMode;
if (!['auto', 'always', 'never'].includes(BUILD)) throw new Error(`--build must be auto, always or never`);
/** Requests per page before timing: Next.js loads the route's code and Prisma opens its pool. */
const WARM_UP_REQUESTS = 5;
const GOALS = { serverP95Ms: 300, fcpMs: 1500 };

const log = (line: string) => console.error(line);

interface PageUnderTest {
  key: 'sweepPage' | 'leaderboardPage';
  label: string;
  path: string;
  /** Text the rendered HTML must contain, so a login redirect or an error page never counts as a page. */
  expect: string;
}

interface ServerTiming {
  ttfb: number[];
  full: number[];
  bytes: number;
}

/** One GET of the page's HTML with the session cookie: time to the first byte and to the last. */
async function timeRequest(app: WebApp, page: PageUnderTest, cookie: string) {
  const start = performance.now();
  const response = await fetch(`${app.url}${page.path}`, { headers: { cookie }, redirect: 'manual' });
  const ttfb = performance.now() - start;
  const html = await response.text();
  const full = performance.now() - start;
  if (response.status !== 200 || !html.includes(page.expect)) {
    throw new Error(
      `GET ${page.path} answered ${response.status} without "${page.expect}":\n${html.slice(0, 500)}\n${app.output().slice(-2000)}`,
    );
  }
  return { ttfb, full, bytes: Buffer.byteLength(html) };
}

async function timeServer(app: WebApp, page: PageUnderTest, cookie: string): Promise<ServerTiming> {
  for (let i = 0; i < WARM_UP_REQUESTS; i++) await timeRequest(app, page, cookie);
  const timing: ServerTiming = { ttfb: [], full: [], bytes: 0 };
  for (let i = 0; i < REQUESTS; i++) {
    const { ttfb, full, bytes } = await timeRequest(app, page, cookie);
    timing.ttfb.push(ttfb);
    timing.full.push(full);
    timing.bytes = bytes;
  }
  return timing;
}

/** First contentful paint of one cold load (new context: no cache), in ms since navigation start. */
async function coldFcp(browser: Browser, app: WebApp, page: PageUnderTest, cookie: string): Promise<number> {
  const [name, value] = cookie.split('=') as [string, string];
  const context = await browser.newContext();
  try {
    await context.addCookies([{ name, value, url: app.url }]);
    const tab = await context.newPage();
    await tab.goto(`${app.url}${page.path}`, { waitUntil: 'load' });
    if (new URL(tab.url()).pathname !== page.path) {
      throw new Error(`${page.path} went to ${tab.url()} in Chromium (not signed in?)`);
    }
    // The paint entry is recorded asynchronously, usually before load, at the latest soon after.
    await tab.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, {
      timeout: 10_000,
    });
    return await tab.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime);
  } finally {
    await context.close();
  }
}

async function timeFcp(browser: Browser, app: WebApp, page: PageUnderTest, cookie: string) {
  await coldFcp(browser, app, page, cookie); // warm-up: Chromium's own start-up costs
  const samples: number[] = [];
  for (let i = 0; i < LOADS; i++) samples.push(await coldFcp(browser, app, page, cookie));
  return samples;
}

const started = performance.now();
const build = ensureWebBuild(BUILD, log);
log(`seeding a private database with ${TRIALS.toLocaleString('en')} trials ...`);
const seeded = await createSeededProject({ trials: TRIALS });
let app: WebApp | undefined;
let browser: Browser | undefined;
try {
  app = await startWebApp(seeded.env);
  log(`next start on ${app.url} (${build} build); signing in as ${seeded.viewer.email}`);
  const cookie = await signIn(app.url, seeded.viewer.email, seeded.viewer.password);
  const sweepPage: PageUnderTest = {
    key: 'sweepPage',
    label: 'Sweep page',
    path: `/sweeps/${seeded.sweepId}`,
    expect: 'data-testid="sweep-overview"',
  };
  const leaderboardPage: PageUnderTest = {
    key: 'leaderboardPage',
    label: 'Leaderboard page',
    path: `/sweeps/${seeded.sweepId}/leaderboard`,
    expect: 'id="leaderboard-heading"',
  };
  const pages = [sweepPage, leaderboardPage];
  const loadAtStart = loadavg()[0]!;
  const server = new Map<string, ServerTiming>();
  for (const page of pages) {
    log(`${page.label}: ${REQUESTS} timed requests ...`);
    server.set(page.key, await timeServer(app, page, cookie));
  }
  browser = await launchChromium();
  const fcp = new Map<string, number[]>();
  for (const page of pages) {
    log(`${page.label}: ${LOADS} cold loads in Chromium ...`);
    fcp.set(page.key, await timeFcp(browser, app, page, cookie));
  }
  const loadAtEnd = loadavg()[0]!;

  const summary = (page: PageUnderTest) => {
    const s = server.get(page.key)!;
    const full = percentiles(s.full);
    const ttfb = percentiles(s.ttfb);
    const paint = percentiles(fcp.get(page.key)!);
    return {
      serverP50Ms: ms(full.p50),
      serverP95Ms: ms(full.p95),
      ttfbP50Ms: ms(ttfb.p50),
      ttfbP95Ms: ms(ttfb.p95),
      fcpP50Ms: ms(paint.p50),
      fcpP95Ms: ms(paint.p95),
      htmlKiB: Math.round(s.bytes / 1024),
    };
  };
  const results = { sweepPage: summary(sweepPage), leaderboardPage: summary(leaderboardPage) };
  const met = pages.every(
    (p) => results[p.key].serverP95Ms < GOALS.serverP95Ms && results[p.key].fcpP95Ms < GOALS.fcpMs,
  );
  const rows = pages.map((p) => {
    const r = results[p.key];
    return `| ${p.label} | ${r.serverP50Ms} | ${r.serverP95Ms} | ${r.ttfbP50Ms} | ${r.ttfbP95Ms} | ${r.fcpP50Ms} | ${r.fcpP95Ms} | ${r.htmlKiB} |`;
  });
  console.log(`
Dashboard with ${TRIALS.toLocaleString('en')} trials in one sweep: ${REQUESTS} timed requests per page after ${WARM_UP_REQUESTS} warm-up, ${LOADS} cold Chromium loads per page.

| Page | full HTML p50 (ms) | full HTML p95 (ms) | TTFB p50 (ms) | TTFB p95 (ms) | FCP p50 (ms) | FCP p95 (ms) | HTML (KiB) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Goals: full HTML p95 < ${GOALS.serverP95Ms} ms, FCP p95 < ${GOALS.fcpMs} ms: ${met ? 'met' : 'NOT met'}.
Total ${((performance.now() - started) / 1000).toFixed(0)} s on ${availableParallelism()} cores; 1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end (other processes share the machine: compare runs at similar load).`);
  console.log(
    JSON.stringify({
      trials: TRIALS,
      ...results,
      goals: GOALS,
      met,
      loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(loadAtEnd.toFixed(2)) },
      cores: availableParallelism(),
    }),
  );
} finally {
  await browser?.close();
  await app?.stop();
  await seeded.close();
}
