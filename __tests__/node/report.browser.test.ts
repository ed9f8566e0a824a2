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

import type { ReportModel } from '../../src/incident';
import { generateLog } from '../../src';
import { renderReport, reportBuilder, replayLines } from '../../src/incident';
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

  /** Generate a log, write its report and open it. */
  const load = async (name: string, backends: number, actions: number): Promise<Loaded> => {
    const logFile = path.join(dir, `${name}.ndjson`);
    const log = generateLog({ backends, actions, seed: 7 });
    await writeLog(fs.createWriteStream(logFile), log.header, log.records);
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
});
