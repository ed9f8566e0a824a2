/**
 * The HTML report in a real browser: headless Chromium (the system's, driven by playwright-core)
 * loads the report of a generated log from disk and the page opens with findings that name the
 * fault, draws only what is on screen (at 2,000 and 200,000 lanes alike), filters, orders, zooms
 * and shows details, never runs a name from the log, logs no error and sends no request. The
 * screenshots go to the folder the test prints (LIFECYCLE_BROADCAST_SCREENSHOTS, or a temporary
 * one).
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

/** Where the screenshots go: LIFECYCLE_BROADCAST_SCREENSHOTS (kept and named once), or the test's temporary folder. */
const SHOTS = process.env.LIFECYCLE_BROADCAST_SCREENSHOTS;

interface Loaded {
  readonly model: ReportModel;
  readonly page: Page;
  readonly errors: ReadonlyArray<string>;
  readonly requests: ReadonlyArray<string>;
  readonly bytes: number;
}

/** Painted pixels of a canvas, counted in the page (a string: this project's types know no DOM). */
const painted = (page: Page, id: string): Promise<number> =>
  page.evaluate<number>(`(() => {
    const canvas = document.getElementById(${JSON.stringify(id)});
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < pixels.length; i += 4) n += pixels[i] > 0 ? 1 : 0;
    return n;
  })()`);

/** The colour of a canvas pixel, as `rgb(r, g, b)`. */
const pixel = (page: Page, id: string, x: number, y: number): Promise<string> =>
  page.evaluate<string>(`(() => {
    const d = document.getElementById(${JSON.stringify(id)}).getContext('2d').getImageData(${String(x)}, ${String(y)}, 1, 1).data;
    return 'rgb(' + d[0] + ', ' + d[1] + ', ' + d[2] + ')';
  })()`);

interface Placed {
  readonly left: number;
  readonly right: number;
  readonly text: string;
}

/** The labels placed in a box of the timeline's head (`#axis`, `#ops`), left to right, and the box's width. */
const placed = (page: Page, box: string): Promise<{ readonly width: number; readonly labels: ReadonlyArray<Placed> }> =>
  page.evaluate(`(() => {
    const box = document.getElementById(${JSON.stringify(box)});
    const origin = box.getBoundingClientRect().left;
    return {
      width: box.clientWidth,
      labels: Array.from(box.children).map((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left - origin, right: r.right - origin, text: el.textContent };
      }),
    };
  })()`);

/** Labels that never touch the next one and stay inside their box. */
const expectApart = (box: { readonly width: number; readonly labels: ReadonlyArray<Placed> }): void => {
  box.labels.forEach((l, i) => {
    expect(l.left).toBeGreaterThanOrEqual(0);
    expect(l.right).toBeLessThanOrEqual(box.width + 0.5);
    const next = box.labels[i + 1];
    if (next !== undefined) {
      expect(next.left).toBeGreaterThan(l.right);
    }
  });
};

const attribute = async (page: Page, selector: string, name: string): Promise<string> =>
  (await page.locator(selector).getAttribute(name)) ?? '';

describeWithChromium('renderReport in Chromium', () => {
  let dir: string;
  let shots: string;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-report-'));
    shots = SHOTS ?? dir;
    if (SHOTS !== undefined) {
      fs.mkdirSync(SHOTS, { recursive: true });
      process.stdout.write(`report screenshots in ${SHOTS}\n`);
    }
    context = await launchChromium(executable as string, dir);
  }, SLOW);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    await context?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, SLOW);

  /** Report a log file, write the page and open it in a fresh page that records errors and requests. */
  const openFile = async (name: string, logFile: string, fullLanes?: number): Promise<Loaded> => {
    const builder = reportBuilder(fullLanes === undefined ? {} : { fullLanes });
    const replay = await replayLines(fileSource(logFile), { onStep: builder.add, onBroadcast: builder.addBroadcast });
    const model = builder.finish(replay, { file: `${name}.ndjson`, verify: false });
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
    return { model, page, errors, requests, bytes: fs.statSync(htmlFile).size };
  };

  /** Write a log, its report, and open it. */
  const open = async (
    name: string,
    header: LogHeader,
    records: Iterable<LogRecord>,
    fullLanes?: number,
  ): Promise<Loaded> => {
    const logFile = path.join(dir, `${name}.ndjson`);
    await writeLog(fs.createWriteStream(logFile), header, records);
    return openFile(name, logFile, fullLanes);
  };

  /** Drag across the lanes' canvas from x = a to x = b (pixels from its left). */
  const brush = async (page: Page, a: number, b: number): Promise<void> => {
    const box = await page.locator('#cells').boundingBox();
    if (box === null) {
      throw new Error('the lanes canvas is not on screen');
    }
    const y = box.y + Math.min(20, box.height / 2);
    await page.mouse.move(box.x + a, y);
    await page.mouse.down();
    await page.mouse.move(box.x + (a + b) / 2, y);
    await page.mouse.move(box.x + b, y);
    await page.mouse.up();
  };

  it(
    'should open the example log with its findings, a column per broadcast labelled with its operation and an axis across the page',
    async () => {
      const { model, page, errors, requests } = await openFile('example', path.resolve('examples/broker.ndjson'));
      expect(model.lanes).toHaveLength(6);
      expect(model.columns).toHaveLength(model.summary.broadcasts.total);
      expect(await page.locator('#findings [data-finding="first-degraded"]').textContent()).toBe(
        'First Degraded broadcast: line 10, ReleaseHandles /home/dev/.cache/zccache; not acknowledged by 1: fbuild 2.1.3 shared #9d41be07 (Timeout)',
      );
      expect(await page.locator('.lane').allTextContents()).toEqual(model.lanes.map((l) => l.label));
      expect(await painted(page, 'head')).toBeGreaterThan(0);
      expect(await painted(page, 'cells')).toBeGreaterThan(0);
      // Columns named by their operation, axis labels across the page's width, none overlapping.
      const ops = await placed(page, 'ops');
      expect(ops.labels.length).toBeGreaterThan(1);
      expect(ops.labels.every((l) => /^(Quiesce|ReleaseHandles) /.test(l.text))).toBe(true);
      expectApart(ops);
      const axis = await placed(page, 'axis');
      expect(axis.width).toBeGreaterThan(900);
      expect(axis.labels.length).toBeGreaterThan(4);
      expect(axis.labels[0]?.text).toBe('line 2');
      expect(axis.labels[axis.labels.length - 1]?.left).toBeGreaterThan(axis.width * 0.7);
      expectApart(axis);
      // Clicking the first column shows its broadcast; hovering shows a tooltip.
      const first = model.columns[0];
      const head = await page.locator('#head').boundingBox();
      const at = (bucket: number): number => ((bucket + 0.5) * (head?.width ?? 0)) / model.buckets;
      await page.locator('#head').click({ position: { x: at(first?.bucket ?? 0), y: 8 } });
      expect(await page.locator('#details').textContent()).toMatch(
        new RegExp(`^1 broadcast, line ${String(first?.firstLine)}\\n`),
      );
      await page.locator('#head').hover({ position: { x: at(first?.bucket ?? 0), y: 8 } });
      expect(await page.locator('#tooltip').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(shots, 'report-example.jpg'), type: 'jpeg', quality: 60 });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
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

      // A Degraded column is purple; the failing lane's cell in the same column is a failure's red.
      const degraded = model.columns.find((c) => c.degraded > 0);
      const width = (await page.locator('#head').boundingBox())?.width ?? 0;
      const x = Math.floor((((degraded?.bucket ?? 0) + 0.5) * width) / model.buckets);
      expect(await pixel(page, 'head', x, 8)).toBe('rgb(106, 27, 154)');
      expect(await pixel(page, 'cells', x, 8)).toBe('rgb(198, 40, 40)');

      // The first finding leads to its column: the timeline comes into view, the column is selected and detailed.
      await page.locator('#findings [data-finding="first-degraded"] a').click();
      expect(await page.locator('#details').textContent()).toMatch(/^1 broadcast, line 12\n/);
      const top = await page.evaluate<number>(`document.getElementById('timeline').getBoundingClientRect().top`);
      expect(top).toBeGreaterThanOrEqual(-1);
      expect(top).toBeLessThan(1000);

      // A worst backend leads to its lane's history.
      await page.locator('#findings [data-finding="worst"] a').first().click();
      const history = (await page.locator('#details').textContent()) ?? '';
      expect(history.split('\n').slice(1)).toEqual([
        'line 3: registered, live, answers Ack',
        'line 8: 3 broadcasts to all (to line 10): Ack',
        'line 11: response Ack -> Failure(Rejected)',
        'line 12: 4 broadcasts to all (to line 16): Failure',
      ]);
      expect(await page.locator('.lane.selected').textContent()).toBe(model.lanes[0]?.label);
      // So does a click on a lane's label.
      await page.locator('.lane').nth(1).click();
      expect(await page.locator('#details').textContent()).toContain(
        `${model.lanes[1]?.label ?? ''}: live, answers Timeout`,
      );

      // Hover and click everything that shows text from the log: nothing it names ever runs.
      for (const selector of ['.lane', '#findings a', '#head', '#cells']) {
        for (const el of await page.locator(selector).all()) {
          await el.hover();
          await el.click();
        }
      }
      await page.locator('#filter').fill(PAYLOADS[0] ?? '');
      expect(await page.locator('.lane').count()).toBe(1);
      expect(await page.evaluate<unknown>('window.__injected')).toBeUndefined();
      expect(
        await page
          .locator('#findings img, #findings svg, #findings script, #details *, #labels script, #labels img')
          .count(),
      ).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    'should show the 50 worst of 2,000 lanes first, all on request, filter, order, zoom and zoom out',
    async () => {
      const log = generateLog({ backends: 2000, actions: 40_000, seed: 7, results: false });
      const { model, page, errors, requests, bytes } = await open('fleet', log.header, log.records, 2000);
      expect(model.lanes).toHaveLength(2000);
      expect(bytes).toBeLessThan(10 * 1024 * 1024);
      const firstDegraded = model.findings.firstDegraded;
      expect(firstDegraded).not.toBeNull();
      expect(await page.locator('#findings [data-finding="first-degraded"]').textContent()).toContain(
        `First Degraded broadcast: line ${(firstDegraded?.line ?? 0).toLocaleString('en-US')}`,
      );
      expect(await page.locator('#findings [data-finding="worst"] li').first().textContent()).toContain(
        model.lanes[0]?.label,
      );
      expect(await page.locator('#shown').textContent()).toBe('50 of 2,000 lanes');
      expect(await page.locator('#show-all').textContent()).toBe('show all 2,000');
      // Only the lanes on screen have a label element.
      const onScreen = await page.locator('.lane').count();
      expect(onScreen).toBeGreaterThan(10);
      expect(onScreen).toBeLessThan(60);
      await page.screenshot({ path: path.join(shots, 'report-fleet.jpg'), type: 'jpeg', quality: 60 });

      await page.locator('#show-all').click();
      expect(await page.locator('#shown').textContent()).toBe('2,000 of 2,000 lanes');
      // Scrolled to the end, the last lanes are drawn and labelled.
      await page.evaluate(`(() => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight; })()`);
      await page.waitForFunction(
        `Array.from(document.querySelectorAll('.lane')).some((el) => el.getAttribute('data-lane') === '1999')`,
      );
      expect(await page.locator('.lane').count()).toBeLessThan(60);
      expect(await painted(page, 'cells')).toBeGreaterThan(0);

      // Filtering to one service leaves only its lanes (all of them: "show all" holds).
      await page.locator('#filter').fill('soldr 0.5.0');
      const soldr = model.lanes.filter((l) => l.label.startsWith('soldr 0.5.0 '));
      expect(soldr.length).toBeGreaterThan(50);
      expect(await page.locator('#shown').textContent()).toBe(
        `${soldr.length.toLocaleString('en-US')} of ${soldr.length.toLocaleString('en-US')} lanes matching`,
      );
      const labels = await page.locator('.lane').allTextContents();
      expect(labels.length).toBeGreaterThan(10);
      expect(labels.every((l) => l.startsWith('soldr 0.5.0 '))).toBe(true);
      // Ordered by name.
      await page.locator('#order').selectOption('name');
      const byName = soldr.map((l) => l.label).sort();
      expect(await page.locator('.lane').first().textContent()).toBe(byName[0]);

      // Brushing zooms into a window: the axis names it; zooming out gives the whole log back.
      const whole = `0-${String(model.buckets)}`;
      expect(await attribute(page, '#timeline', 'data-window')).toBe(whole);
      const before = (await placed(page, 'axis')).labels.map((l) => l.text);
      await brush(page, 200, 400);
      const window = (await attribute(page, '#timeline', 'data-window')).split('-').map(Number);
      expect(window[0]).toBeGreaterThan(0);
      expect((window[1] ?? 0) - (window[0] ?? 0)).toBeLessThan(model.buckets / 2);
      const zoomed = await placed(page, 'axis');
      expect(zoomed.labels.map((l) => l.text)).not.toEqual(before);
      expectApart(zoomed);
      expect(await painted(page, 'cells')).toBeGreaterThan(0);
      await page.locator('#zoom-out').click();
      expect(await attribute(page, '#timeline', 'data-window')).toBe(whole);
      expect(await page.locator('#zoom-out').isDisabled()).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    'should draw 200,000 lanes as well as 20: a bounded page, a painted canvas, a working filter',
    async () => {
      const log = generateLog({ backends: 200_000, actions: 300_000, seed: 7, results: false });
      const { model, page, errors, requests, bytes } = await open('huge', log.header, log.records);
      expect(model.lanes).toHaveLength(200_000);
      expect(model.fullLanes).toBe(500);
      expect(bytes).toBeLessThan(10 * 1024 * 1024);
      expect(await page.locator('#shown').textContent()).toBe(
        '50 of 500 lanes (199,500 more are only counted in the summary)',
      );
      // Not blank: the canvas is painted at its top and in the lanes' first rows.
      expect(await painted(page, 'cells')).toBeGreaterThan(10_000);
      expect(await painted(page, 'head')).toBeGreaterThan(0);
      const canvas = await page.evaluate<readonly [number, number]>(
        `[document.getElementById('cells').width, document.getElementById('cells').height]`,
      );
      expect(canvas[1]).toBeLessThanOrEqual(1000);
      await page.locator('#filter').fill('lspd');
      const labels = await page.locator('.lane').allTextContents();
      expect(labels.length).toBeGreaterThan(0);
      expect(labels.every((l) => l.startsWith('lspd '))).toBe(true);
      await page.screenshot({ path: path.join(shots, 'report-200000.jpg'), type: 'jpeg', quality: 60 });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
    5 * SLOW,
  );
});
