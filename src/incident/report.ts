/**
 * The incident report as one self-contained HTML page: findings first, the replay's summary, and
 * a timeline of a lane per backend and a column per broadcast, drawn where it is on screen. No
 * network: style, data and script are inline, and the content security policy forbids loading.
 *
 * @since 0.2.0
 */
import type { ReportColumn, ReportFindings, ReportLane, ReportModel, ReportSummary } from './reportModel';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { PAGE_SCRIPT, PAGE_STYLE } from './reportPage';

/** The width of the lane labels, in pixels. */
const LABELS_WIDTH = 300;

// -------------------------------------------------------------------------------------
// escaping
// -------------------------------------------------------------------------------------

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` with the five characters that mean something in HTML written as character
 * references, fit for element content and quoted attribute values.
 *
 * @example
 * import { escapeHtml } from 'lifecycle-broadcast/incident'
 *
 * escapeHtml('<img src=x onerror="alert(1)">') // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 *
 * @since 0.2.0
 */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * `value` as JSON that can sit inside a `<script>` element: `<`, `>`, `&` and the two line
 * separators are written as `\u` escapes, so no text from the log can close the element.
 *
 * @since 0.2.0
 */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// -------------------------------------------------------------------------------------
// pieces
// -------------------------------------------------------------------------------------

const thousands = (n: number): string => n.toLocaleString('en-US');

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${thousands(n)}`)
    .join(', ');

const isoTime = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

const summaryRows = (s: ReportSummary): ReadonlyArray<readonly [string, string]> => [
  [
    'log',
    `${s.file} (${s.formatVersion === null ? 'no header' : `format version ${String(s.formatVersion)}`}${
      s.ackTimeoutMs === null ? '' : `, ack timeout ${thousands(s.ackTimeoutMs)} ms`
    })`,
  ],
  [
    'read',
    `to line ${thousands(s.lastLine)}${s.complete ? '' : ' (stopped early)'}: ${thousands(s.steps)} actions applied, ${
      s.invalidLines === 0 ? 'no invalid line' : `${thousands(s.invalidLines)} invalid lines`
    }`,
  ],
  ...(s.from === null && s.until === null
    ? []
    : [['window', `from ${s.from ?? 'the start'} to ${s.until ?? 'the end'}`] as const]),
  ...(s.firstTime === null && s.lastTime === null
    ? []
    : [['time', `${isoTime(s.firstTime)} to ${isoTime(s.lastTime)}`] as const]),
  [
    'backends',
    `${thousands(s.backends.registered)} registered: ${thousands(s.backends.live)} live, ${thousands(
      s.backends.dead,
    )} dead; ${thousands(s.backends.unregistered)} unregistered`,
  ],
  [
    'actions',
    `${counts(s.actions)}${s.keyNotFound > 0 ? ` (${thousands(s.keyNotFound)} named an unregistered backend)` : ''}`,
  ],
  [
    'broadcasts',
    `${thousands(s.broadcasts.total)}: ${counts(s.broadcasts.byOperation)}; quiesce reasons: ${counts(
      s.broadcasts.quiesceReasons,
    )}`,
  ],
  ['outcomes', counts(s.outcomes)],
  ...(s.verify === null
    ? []
    : [
        [
          'verify',
          s.verify.checked === 0
            ? 'no line carries a recorded result: nothing to compare'
            : s.verify.divergences === 0
              ? `${thousands(s.verify.checked)} recorded results checked, all reproduced`
              : `${thousands(s.verify.checked)} recorded results checked, ${thousands(s.verify.divergences)} not reproduced`,
        ] as const,
      ]),
];

const at = (line: number, time: number | null): string =>
  `line ${thousands(line)}${time === null ? '' : ` (${isoTime(time)})`}`;

/** A link to a column of the timeline: it selects the column's details. */
const columnLink = (bucket: number, text: string): string =>
  `<a href="#timeline-start" data-bucket="${String(bucket)}">${escapeHtml(text)}</a>`;

/** The findings, as the list the page opens with: every text from the log escaped. */
const findingsHtml = (f: ReportFindings, lanes: number): string => {
  const items: string[] = [];
  const d = f.firstDegraded;
  if (d === null) {
    items.push('<li data-finding="first-degraded">No broadcast was Degraded.</li>');
  } else {
    const who = d.notAcked.map((b) => `${b.label} (${b.answer})`).join(', ');
    const more =
      d.notAckedTotal > d.notAcked.length ? ` and ${thousands(d.notAckedTotal - d.notAcked.length)} more` : '';
    items.push(
      `<li data-finding="first-degraded"><b>First Degraded broadcast:</b> ${columnLink(
        d.bucket,
        `${at(d.line, d.time)}, ${d.operation}`,
      )}; not acknowledged by ${escapeHtml(`${thousands(d.notAckedTotal)}: ${who}${more}`)}</li>`,
    );
  }
  const s = f.longestStreak;
  if (s !== null) {
    items.push(
      `<li data-finding="streak"><b>Longest Degraded streak:</b> ${columnLink(
        s.firstBucket,
        `${thousands(s.broadcasts)} broadcast${s.broadcasts === 1 ? '' : 's'}, ${at(s.firstLine, s.firstTime)} to ${at(
          s.lastLine,
          s.lastTime,
        )}`,
      )}</li>`,
    );
  }
  if (f.changesBefore.length > 0) {
    const changes = f.changesBefore
      .map((c) => `<li>${columnLink(c.bucket, `${at(c.line, c.time)}: ${c.label}: ${c.change}`)}</li>`)
      .join('');
    items.push(`<li data-finding="changes"><b>Just before the first degradation:</b><ul>${changes}</ul></li>`);
  }
  const worst =
    f.worst.length === 0
      ? '<li data-finding="worst"><b>Worst backends:</b> none timed out or failed</li>'
      : `<li data-finding="worst"><b>Worst backends</b> (of ${thousands(lanes)}):<ol>${f.worst
          .map(
            (w) =>
              `<li><a href="#timeline-start" data-lane="${String(w.lane)}">${escapeHtml(
                `${w.label}: ${thousands(w.failures)} failures, ${thousands(w.timeouts)} timeouts, first at ${
                  w.firstBadLine === null ? '-' : `line ${thousands(w.firstBadLine)}`
                }`,
              )}</a></li>`,
          )
          .join('')}</ol></li>`;
  items.push(worst);
  return `<section id="findings"><h2>Findings</h2><ul>${items.join('')}</ul></section>`;
};

/** Outcome rates over time: a small bar per column, stacked AllAcked / Degraded / NoLiveTargets. */
const ratesSvg = (columns: ReadonlyArray<ReportColumn>, buckets: number): string => {
  const w = 600;
  const h = 40;
  const bw = w / Math.max(1, buckets);
  const bars = columns
    .map((c) => {
      const x = (c.bucket * bw).toFixed(1);
      const width = Math.max(1, bw).toFixed(1);
      const deg = (h * c.degraded) / c.broadcasts;
      const none = (h * c.noLiveTargets) / c.broadcasts;
      return `<rect x="${x}" y="0" width="${width}" height="${(h - deg - none).toFixed(1)}" fill="#2e7d32"/><rect x="${x}" y="${(
        h -
        deg -
        none
      ).toFixed(1)}" width="${width}" height="${deg.toFixed(1)}" fill="#6a1b9a"/><rect x="${x}" y="${(h - none).toFixed(
        1,
      )}" width="${width}" height="${none.toFixed(1)}" fill="#9e9e9e"/>`;
    })
    .join('');
  return `<figure id="rates"><svg width="${String(w)}" height="${String(h)}" role="img" aria-label="outcome rates over time">${bars}</svg><figcaption>outcomes over time: AllAcked, Degraded, NoLiveTargets</figcaption></figure>`;
};

type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'string or null' | 'number or null';

const fits = (v: unknown, kind: FieldKind): boolean =>
  kind === 'array'
    ? Array.isArray(v)
    : kind === 'object'
      ? isRecord(v)
      : kind === 'string or null'
        ? v === null || typeof v === 'string'
        : kind === 'number or null'
          ? v === null || typeof v === 'number'
          : typeof v === kind;

/**
 * Check the fields of one entry of a model given by plain JavaScript: a one-line TypeError naming
 * the entry and its first wrong field (`renderReport: model.lanes[3].label must be a string, got 5`).
 */
const checkFields = (
  where: string,
  v: unknown,
  fields: Readonly<Record<string, FieldKind>>,
): Record<string, unknown> => {
  if (!isRecord(v)) {
    throw new TypeError(`renderReport: ${where} must be an object, got ${show(v)}`);
  }
  for (const [name, kind] of Object.entries(fields)) {
    if (!fits(v[name], kind)) {
      const article = kind === 'array' || kind === 'object' ? 'an' : 'a';
      throw new TypeError(`renderReport: ${where}.${name} must be ${article} ${kind}, got ${show(v[name])}`);
    }
  }
  return v;
};

const LANE_FIELDS: Readonly<Record<string, FieldKind>> = {
  label: 'string',
  id: 'string',
  status: 'string',
  response: 'string',
  registrations: 'number',
  acks: 'number',
  timeouts: 'number',
  failures: 'number',
  skipped: 'number',
  firstBadLine: 'number or null',
  cells: 'string',
  states: 'string',
  history: 'array',
};

const COLUMN_FIELDS: Readonly<Record<string, FieldKind>> = {
  bucket: 'number',
  broadcasts: 'number',
  firstLine: 'number',
  lastLine: 'number',
  firstTime: 'number or null',
  lastTime: 'number or null',
  allAcked: 'number',
  degraded: 'number',
  noLiveTargets: 'number',
  divergences: 'number',
  operations: 'array',
};

/** Check one lane of a model given by plain JavaScript: a one-line error naming it and its field. */
const checkLane = (l: unknown, i: number, buckets: number): void => {
  const where = `model.lanes[${String(i)}]`;
  const lane = checkFields(where, l, LANE_FIELDS);
  const cells = lane.cells as string;
  const states = lane.states as string;
  if ((cells !== '' || states !== '') && (cells.length !== buckets || states.length !== buckets)) {
    throw new RangeError(
      `renderReport: ${where}: cells and states must hold one digit per bucket (${String(buckets)}) or be empty, got ${String(
        cells.length,
      )} and ${String(states.length)}`,
    );
  }
  (lane.history as ReadonlyArray<unknown>).forEach((h, j) => {
    checkFields(`${where}.history[${String(j)}]`, h, { line: 'number', time: 'number or null', text: 'string' });
  });
};

/** Check the summary of a model given by plain JavaScript: the fields its rows read. */
const checkSummary = (s: unknown): void => {
  const summary = checkFields('model.summary', s, {
    file: 'string',
    lastLine: 'number',
    complete: 'boolean',
    steps: 'number',
    invalidLines: 'number',
    keyNotFound: 'number',
    backends: 'object',
    actions: 'object',
    broadcasts: 'object',
    outcomes: 'object',
    firstTime: 'number or null',
    lastTime: 'number or null',
  });
  checkFields('model.summary.backends', summary.backends, {
    registered: 'number',
    live: 'number',
    dead: 'number',
    unregistered: 'number',
  });
  checkFields('model.summary.broadcasts', summary.broadcasts, {
    total: 'number',
    byOperation: 'object',
    quiesceReasons: 'object',
  });
};

/** Check the findings of a model given by plain JavaScript. */
const checkFindings = (f: unknown): void => {
  const findings = checkFields('model.findings', f, { worst: 'array', changesBefore: 'array' });
  if (findings.firstDegraded !== null) {
    checkFields('model.findings.firstDegraded', findings.firstDegraded, {
      line: 'number',
      time: 'number or null',
      operation: 'string',
      bucket: 'number',
      notAcked: 'array',
      notAckedTotal: 'number',
    });
    (findings.firstDegraded as { readonly notAcked: ReadonlyArray<unknown> }).notAcked.forEach((b, i) => {
      checkFields(`model.findings.firstDegraded.notAcked[${String(i)}]`, b, { label: 'string', answer: 'string' });
    });
  }
  if (findings.longestStreak !== null) {
    checkFields('model.findings.longestStreak', findings.longestStreak, {
      broadcasts: 'number',
      firstLine: 'number',
      lastLine: 'number',
      firstTime: 'number or null',
      lastTime: 'number or null',
      firstBucket: 'number',
    });
  }
  (findings.worst as ReadonlyArray<unknown>).forEach((w, i) => {
    checkFields(`model.findings.worst[${String(i)}]`, w, {
      label: 'string',
      lane: 'number',
      failures: 'number',
      timeouts: 'number',
      firstBadLine: 'number or null',
    });
  });
  (findings.changesBefore as ReadonlyArray<unknown>).forEach((c, i) => {
    checkFields(`model.findings.changesBefore[${String(i)}]`, c, {
      line: 'number',
      time: 'number or null',
      bucket: 'number',
      label: 'string',
      change: 'string',
    });
  });
};

const laneTitle = (l: ReportLane): string =>
  `${l.label}: ${l.status}, answers ${l.response}; registered ${String(l.registrations)}x; ${String(
    l.acks,
  )} acks, ${String(l.timeouts)} timeouts, ${String(l.failures)} failures, ${String(l.skipped)} skipped`;

// -------------------------------------------------------------------------------------
// render
// -------------------------------------------------------------------------------------

/**
 * The report as one self-contained HTML document. Its size is bounded whatever the length of the
 * log: about two bytes per lane and bucket (at most `MAX_REPORT_BUCKETS` buckets) and a few
 * hundred bytes per lane and column. Every text from the log is escaped.
 *
 * @example
 * import { renderReport, reportBuilder, replayLines } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const builder = reportBuilder()
 * const replay = await replayLines(fileSource('broker.ndjson'), { onStep: builder.add })
 * const html: string = renderReport(builder.finish(replay, { file: 'broker.ndjson', verify: false }))
 *
 * @since 0.2.0
 */
export const renderReport = (model: ReportModel): string => {
  const m: unknown = model;
  if (
    !isRecord(m) ||
    !Array.isArray(m.lanes) ||
    !Array.isArray(m.columns) ||
    !isRecord(m.summary) ||
    typeof m.buckets !== 'number'
  ) {
    throw new TypeError(`renderReport: model must be what reportBuilder().finish gives, got ${show(m)}`);
  }
  checkSummary(m.summary);
  checkFindings(m.findings);
  m.lanes.forEach((l: unknown, i: number) => {
    checkLane(l, i, model.buckets);
  });
  m.columns.forEach((c: unknown, i: number) => {
    checkFields(`model.columns[${String(i)}]`, c, COLUMN_FIELDS);
  });
  // Only the lanes held in full are drawn: the others are counted in the summary.
  const drawn = model.lanes.filter((l) => l.cells !== '');
  const title = `Incident report: ${model.summary.file}`;
  const summary = summaryRows(model.summary)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-figure="${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('\n');
  const data = {
    axis: model.axis,
    origin: model.origin,
    bucketWidthPositions: model.bucketWidth,
    buckets: model.buckets,
    summarised: model.lanes.length - drawn.length,
    lanes: drawn.map((l) => ({
      label: l.label,
      id: l.id,
      title: laneTitle(l),
      firstBadLine: l.firstBadLine,
      cells: l.cells,
      states: l.states,
      history: l.history,
    })),
    columns: model.columns,
  };
  const span = `one column spans ${thousands(model.bucketWidth)} ${
    model.axis === 'time' ? 'ms' : model.bucketWidth === 1 ? 'line' : 'lines'
  }`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${findingsHtml(model.findings, model.lanes.length)}
${ratesSvg(model.columns, model.buckets)}
<dl id="summary">
${summary}
</dl>
<div class="legend">
<span style="--c:#2e7d32">ack</span><span style="--c:#ef8f00">timeout</span><span style="--c:#c62828">failure</span><span style="--c:#616161">skipped (dead)</span><span style="--c:#dcefdc">live</span><span style="--c:#cfcfcf">dead</span><span style="--c:#f3dede">unregistered</span>
<span>columns: <b style="color:#2e7d32">AllAcked</b> <b style="color:#6a1b9a">Degraded</b> <b style="color:#9e9e9e">NoLiveTargets</b></span>
<span>${escapeHtml(`${thousands(model.columns.length)} columns; ${span}`)}</span>
</div>
<div id="toolbar">
<input id="filter" type="search" placeholder="filter: service, instance, version, key prefix" aria-label="filter lanes">
<label>order <select id="order"><option value="trouble">most trouble first</option><option value="first">first trouble first</option><option value="name">by name</option></select></label>
<button id="show-all" type="button" hidden>show all</button>
<button id="zoom-out" type="button" disabled>zoom out</button>
<span id="shown"></span>
<span>drag across the timeline to zoom</span>
</div>
<div id="timeline" style="--labels:${String(LABELS_WIDTH)}px"><a id="timeline-start"></a>
<div id="top"><div class="corner">${escapeHtml(`${thousands(drawn.length)} lanes held in full`)}</div>
<div id="headbox"><canvas id="head" width="800" height="18" aria-label="broadcasts"></canvas><div id="ops"></div><div id="axis"></div></div></div>
<div id="scroller"><div id="rows"><div id="labels"></div><canvas id="cells" width="800" height="16" aria-label="lanes"></canvas></div><div id="space"></div></div>
<div id="empty" hidden>No lane matches the filter.</div>
<div id="brush"></div>
</div>
<div id="details">Click a column or a lane for details.</div>
<div id="tooltip"></div>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
};
