/**
 * The HTML report in a real browser: headless Chromium (the system's, driven by playwright-core)
 * loads the report of a generated log from disk, with every network request refused, and the page
 * shows a lane per backend and a column per broadcast bucket, draws its canvas, answers hover and
 * click, and logs no error. A screenshot is written to the test's temporary folder.
 *
 * Without a Chromium binary (CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser) the test
 * says so in one line and is skipped; `.ci/run` installs Debian's `chromium`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BrowserContext, Page } from 'playwright-core';

import type { LogHeader, LogRecord } from '../../src';
import type { ReportModel } from '../../src/incident';
import {
  backendKey,
  broadcastAction,
  explicitInstance,
  failure,
  liveBackend,
  logHeader,
  logRecord,
  quiesceOperation,
  registerAction,
  releaseHandlesOperation,
  setResponseAction,
  sharedInstance,
  timeout,
} from '../../src';
import { generateLog, renderReport, replayLines, reportBuilder } from '../../src/incident';
import { fileSource, writeLog } from '../../src/node';
import { chromiumPath, launchChromium } from './chromium';

const executable = chromiumPath();
if (executable === undefined) {
  process.stdout.write(
    'no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): skipping the browser test\n',
  );
}
const describeWithChromium = executable === undefined ? describe.skip : describe;

const SLOW = 120_000;

interface Loaded {
  readonly model: ReportModel;
  readonly page: Page;
  readonly errors: ReadonlyArray<string>;
  readonly requests: ReadonlyArray<string>;
}

describeWithChromium('renderReport in Chromium', () => {
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-report-'));
    context = await launchChromium(executable as string, dir);
  }, SLOW);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, SLOW);

  /** Write a log, its report, and open it in a fresh page that records errors and requests. */
  const open = async (name: string, header: LogHeader, records: Iterable<LogRecord>): Promise<Loaded> => {
    const logFile = path.join(dir, `${name}.ndjson`);
    await writeLog(fs.createWriteStream(logFile), header, records);
    const builder = reportBuilder();
    const replay = await replayLines(fileSource(logFile), {
      verify: true,
      onStep: builder.add,
    });
    const model = builder.finish(replay, { file: `${name}.ndjson`, verify: true });
    const htmlFile = path.join(dir, `${name}.html`);
    fs.writeFileSync(htmlFile, renderReport(model));

    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') {
        errors.push(m.text());
      }
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) {
        requests.push(r.url());
      }
    });
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load', timeout: 60_000 });
    return { model, page, errors, requests };
  };

  /** Generate a log, write its report and open it. */
  const load = (name: string, backends: number, actions: number): Promise<Loaded> => {
    const log = generateLog({ backends, actions, seed: 7 });
    return open(name, log.header, log.records);
  };

  it(
    'should show a lane per backend and a column per bucket of broadcasts, with no error and no request',
    async () => {
      const { model, page, errors, requests } = await load('small', 6, 400);
      expect(model.lanes).toHaveLength(6);
      // Few broadcasts: every one has a column of its own.
      expect(model.columns).toHaveLength(model.summary.broadcasts.total);
      expect(await page.locator('.lane').count()).toBe(6);
      expect(await page.locator('.column').count()).toBe(model.columns.length);
      expect(await page.locator('#summary dd[data-figure="broadcasts"]').textContent()).toContain(
        `${String(model.summary.broadcasts.total)}:`,
      );
      // The canvas was drawn: some of its pixels are not blank.
      // (A string, evaluated in the page: this project's types know no DOM.)
      const painted = await page.evaluate<number>(`(() => {
        const canvas = document.getElementById('cells');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < pixels.length; i += 4) n += pixels[i] > 0 ? 1 : 0;
        return n;
      })()`);
      expect(painted).toBeGreaterThan(0);
      // Clicking a column shows its broadcasts in the details panel.
      await page.locator('.column').first().click();
      expect(await page.locator('#details').textContent()).toMatch(/^1 broadcast, line \d+/);
      await page.locator('.column').first().hover();
      expect(await page.locator('#tooltip').isVisible()).toBe(true);
      const shot = path.join(dir, 'small.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(fs.statSync(shot).size).toBeGreaterThan(1000);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    'should bucket a long log into at most MAX_REPORT_BUCKETS columns, with the summary of the replay',
    async () => {
      const { model, page, errors } = await load('wide', 40, 30_000);
      expect(model.summary.broadcasts.total).toBeGreaterThan(model.columns.length);
      expect(model.buckets).toBeLessThanOrEqual(1024);
      expect(await page.locator('.lane').count()).toBe(40);
      expect(await page.locator('.column').count()).toBe(model.columns.length);
      const columns = await page.locator('.column').evaluateAll((els) => els.length);
      expect(columns).toBe(model.columns.length);
      const total = model.columns.reduce((n, c) => n + c.broadcasts, 0);
      expect(total).toBe(model.summary.broadcasts.total);
      expect(await page.locator('#summary dd[data-figure="outcomes"]').textContent()).toBe(
        `AllAcked ${model.summary.outcomes.AllAcked.toLocaleString('en-US')}, Degraded ${model.summary.outcomes.Degraded.toLocaleString('en-US')}, NoLiveTargets ${model.summary.outcomes.NoLiveTargets.toLocaleString('en-US')}`,
      );
      await page.screenshot({ path: path.join(dir, 'wide.png') });
      expect(errors).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  // Names that would run if the page ever wrote them as markup: each sets a flag on the window.
  const PAYLOADS = [
    '<img src=x onerror="window.__injected=1">',
    '"><script>window.__injected=2</script>',
    '</script><script>window.__injected=3</script>',
    '<svg onload=window.__injected=4>',
    "' onmouseover='window.__injected=5",
    'javascript:window.__injected=6',
  ];

  /** A fleet whose names are payloads: one fails from line 12, one times out, a path prefix is a payload too. */
  const faultLog = (): { readonly header: LogHeader; readonly records: ReadonlyArray<LogRecord> } => {
    const fleet = PAYLOADS.map((p, i) =>
      backendKey(i % 2 === 0 ? sharedInstance : explicitInstance(p), p, `1.${String(i)}.0`, i.toString(16)),
    );
    const failing = fleet[1] as (typeof fleet)[number];
    const slow = fleet[4] as (typeof fleet)[number];
    const quiesce = broadcastAction(quiesceOperation('Maintenance'));
    const release = broadcastAction(releaseHandlesOperation('/tmp/<b onmouseover="window.__injected=7">'));
    const records = [
      ...fleet.map((k) => registerAction(liveBackend(k))),
      quiesce,
      quiesce,
      release,
      setResponseAction(failing, failure('Rejected')),
      quiesce,
      release,
      setResponseAction(slow, timeout),
      quiesce,
      quiesce,
    ].map((action) => logRecord(action));
    return { header: logHeader(), records };
  };

  it(
    'should open with findings that name the fault and lead into the timeline, and keep every name inert',
    async () => {
      const log = faultLog();
      const { model, page, errors, requests } = await open('fault', log.header, log.records);
      // Line 1 is the header, 2..7 the registrations, 8..10 broadcasts, 11 the failure, 12 the first Degraded.
      const first = page.locator('#findings [data-finding="first-degraded"]');
      expect(await first.textContent()).toContain('First Degraded broadcast: line 12, Quiesce Maintenance');
      expect(await first.textContent()).toContain(`not acknowledged by 1: ${model.findings.worst[0]?.label ?? ''}`);
      const worst = await page.locator('#findings [data-finding="worst"] li').allTextContents();
      expect(worst).toHaveLength(2);
      expect(worst[0]).toContain(
        `${PAYLOADS[1] ?? ''} 1.1.0 explicit:${PAYLOADS[1] ?? ''} #1: 4 failures, 0 timeouts, first at line 12`,
      );
      expect(worst[1]).toContain('2 timeouts, first at line 15');
      expect(await page.locator('#findings [data-finding="changes"] li').allTextContents()).toContain(
        `line 11: ${model.lanes[0]?.label ?? ''}: response Ack -> Failure(Rejected)`,
      );

      // The Degraded column has a colour of its own, apart from a failure cell's red.
      const fills = await page.evaluate<ReadonlyArray<string>>(`(() => {
        const degraded = document.querySelector('.column.degraded');
        const acked = document.querySelector('.column.all-acked');
        return [getComputedStyle(degraded).fill, getComputedStyle(acked).fill];
      })()`);
      expect(fills[0]).toBe('rgb(106, 27, 154)');
      expect(fills).not.toContain('rgb(198, 40, 40)');
      expect(fills[1]).not.toBe(fills[0]);

      // The first finding leads to its column: the timeline comes into view and the column's details show.
      await page.locator('#findings [data-finding="first-degraded"] a').click();
      expect(await page.locator('#details').textContent()).toMatch(/^1 broadcast, line 12\n/);
      const chartTop = await page.evaluate<number>(`document.getElementById('chart').getBoundingClientRect().top`);
      expect(chartTop).toBeLessThan(1000);
      expect(chartTop).toBeGreaterThanOrEqual(-1);

      // A worst backend leads to its lane's history.
      await page.locator('#findings [data-finding="worst"] a').first().click();
      const history = (await page.locator('#details').textContent()) ?? '';
      expect(history.split('\n').slice(1)).toEqual([
        'line 3: registered, live, answers Ack',
        'line 8: 3 broadcasts to all (to line 10): Ack',
        'line 11: response Ack -> Failure(Rejected)',
        'line 12: 4 broadcasts to all (to line 16): Failure',
      ]);
      // So does a click on the lane itself.
      await page.evaluate(`document.getElementById('details').textContent = ''`);
      await page.locator('.lane').nth(1).click();
      expect(await page.locator('#details').textContent()).toContain(
        `${model.lanes[1]?.label ?? ''}: live, answers Timeout`,
      );

      // Hover and click everything that shows text from the log: nothing it names ever runs.
      for (const selector of ['.lane', '.column', '#findings a']) {
        for (const el of await page.locator(selector).all()) {
          await el.hover();
          await el.click();
        }
      }
      expect(await page.evaluate<unknown>('window.__injected')).toBeUndefined();
      expect(
        await page.locator('#findings img, #findings svg, #findings script, #details *, #labels script').count(),
      ).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: path.join(dir, 'fault.png'), fullPage: true });
      await page.close();
    },
    SLOW,
  );
});
