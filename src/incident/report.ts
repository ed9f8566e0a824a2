/**
 * The incident report as one self-contained HTML page: the summary of the replay, a lane per
 * backend along the log's timeline showing when it was live, dead or unregistered and how it
 * answered each broadcast, the broadcasts as columns coloured by status, and details on hover
 * and click. No network: the style, the data and the script are inline, and the page's content
 * security policy forbids loading anything.
 *
 * @since 0.2.0
 */
import type { ReportColumn, ReportFindings, ReportLane, ReportModel, ReportSummary } from './reportModel';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';

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
  `<a href="#timeline" data-bucket="${String(bucket)}">${escapeHtml(text)}</a>`;

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
              `<li><a href="#timeline" data-lane="${String(w.lane)}">${escapeHtml(
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

/** The worst status of a column decides its colour: degraded, then no live target, then acked. */
const columnClass = (c: ReportColumn): string =>
  c.degraded > 0 ? 'degraded' : c.noLiveTargets > 0 ? 'none-live' : 'all-acked';

const laneTitle = (l: ReportLane): string =>
  `${l.label}: ${l.status}, answers ${l.response}; registered ${String(l.registrations)}x; ${String(
    l.acks,
  )} acks, ${String(l.timeouts)} timeouts, ${String(l.failures)} failures, ${String(l.skipped)} skipped`;

/** Lane height in pixels: 18 for a few lanes, down to 8 for hundreds. */
const laneHeight = (lanes: number): number => Math.max(8, Math.min(18, Math.floor(900 / Math.max(1, lanes))));

/** Column width in pixels: the timeline fills about 1,100 pixels, at least one per bucket. */
const bucketWidth = (buckets: number): number => Math.max(1, Math.min(24, Math.floor(1100 / Math.max(1, buckets))));

const STYLE = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#1c1c1c;background:#fff}
h1{font-size:18px;margin:0 0 8px}
#summary{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}
#summary dt{font-weight:600}
#summary dd{margin:0;font-variant-numeric:tabular-nums}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px;font-size:12px}
.legend span::before{content:"";display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;background:var(--c)}
#chart{display:grid;grid-template-columns:max-content auto;align-items:start;overflow:auto;max-height:80vh;border:1px solid #ddd}
#labels{position:sticky;left:0;background:#fff;z-index:1;border-right:1px solid #ddd}
.lane{white-space:nowrap;overflow:hidden;padding:0 6px;font-size:11px;cursor:pointer;font-family:ui-monospace,monospace}
.lane:hover{background:#eef}
.spacer{height:18px}
#columns,#cells{display:block}
.column{cursor:pointer}
.column.all-acked{fill:#2e7d32}.column.degraded{fill:#6a1b9a}.column.none-live{fill:#9e9e9e}
#findings{border:1px solid #ddd;padding:4px 12px;margin:0 0 12px;background:#fafafa}
#findings h2{font-size:15px;margin:4px 0}
#findings ul{margin:0;padding-left:18px}
#rates{margin:0 0 12px}#rates figcaption{font-size:11px;color:#555}
.column:hover{stroke:#000;stroke-width:1}
#axis text{font-size:10px;fill:#555}
#tooltip{position:fixed;pointer-events:none;background:#222;color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;white-space:pre;display:none;z-index:3;max-width:600px}
#details{margin-top:12px;padding:8px;border:1px solid #ddd;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px;min-height:3em}
`;

/**
 * The page's script: it draws the lanes on the canvas from the data, and shows details. Only
 * `textContent` receives text from the log, never markup.
 */
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var laneH = data.laneHeight, cw = data.bucketWidth;
  var canvas = document.getElementById('cells');
  var ctx = canvas.getContext('2d');
  var COLOURS = { failure: '#c62828', timeout: '#ef8f00', skipped: '#616161', ack: '#2e7d32' };
  var SPANS = { live: '#dcefdc', dead: '#cfcfcf', unregistered: '#f3dede' };
  var columnAt = {};
  data.columns.forEach(function (c) { columnAt[c.bucket] = c; });
  function span(bits) {
    return bits & 2 ? SPANS.dead : bits & 1 ? SPANS.live : bits & 4 ? SPANS.unregistered : null;
  }
  function worst(bits) {
    return bits & 4 ? COLOURS.failure : bits & 2 ? COLOURS.timeout : bits & 8 ? COLOURS.skipped : bits & 1 ? COLOURS.ack : null;
  }
  function answers(bits) {
    var out = [];
    if (bits & 1) out.push('ack');
    if (bits & 2) out.push('timeout');
    if (bits & 4) out.push('failure');
    if (bits & 8) out.push('skipped (dead)');
    return out;
  }
  function states(bits) {
    var out = [];
    if (bits & 1) out.push('live');
    if (bits & 2) out.push('dead');
    if (bits & 4) out.push('unregistered');
    return out.length ? out.join(', ') : 'not registered yet';
  }
  function position(p) {
    return data.axis === 'time' ? new Date(p).toISOString() : 'line ' + Math.round(p).toLocaleString('en-US');
  }
  function range(b) {
    var from = data.origin + b * data.bucketWidthPositions;
    var to = from + data.bucketWidthPositions - 1;
    return data.bucketWidthPositions === 1 ? position(from) : position(from) + ' to ' + position(to);
  }
  function describeColumn(c) {
    var lines = c.firstLine === c.lastLine ? 'line ' + c.firstLine.toLocaleString('en-US')
      : 'lines ' + c.firstLine.toLocaleString('en-US') + ' to ' + c.lastLine.toLocaleString('en-US');
    var text = c.broadcasts.toLocaleString('en-US') + (c.broadcasts === 1 ? ' broadcast' : ' broadcasts') + ', ' + lines;
    if (c.firstTime !== null) text += '\\n' + new Date(c.firstTime).toISOString() + (c.lastTime !== c.firstTime ? ' to ' + new Date(c.lastTime).toISOString() : '');
    text += '\\n' + c.operations.join('; ') + (c.broadcasts > c.operations.length ? ' ...' : '');
    text += '\\nAllAcked ' + c.allAcked + ', Degraded ' + c.degraded + ', NoLiveTargets ' + c.noLiveTargets;
    if (c.divergences > 0) text += '\\n' + c.divergences + ' recorded result(s) not reproduced';
    return text;
  }
  function draw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    data.lanes.forEach(function (lane, i) {
      var y = i * laneH;
      for (var b = 0; b < data.buckets; b++) {
        var s = span(parseInt(lane.states.charAt(b), 16));
        if (s) { ctx.fillStyle = s; ctx.fillRect(b * cw, y + 1, cw, laneH - 2); }
        var w = worst(parseInt(lane.cells.charAt(b), 16));
        if (w) { ctx.fillStyle = w; ctx.fillRect(b * cw, y + 1, Math.max(1, cw - (cw > 3 ? 1 : 0)), laneH - 2); }
      }
    });
  }
  draw();
  var tooltip = document.getElementById('tooltip');
  var details = document.getElementById('details');
  function show(text, event) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    tooltip.style.left = Math.min(event.clientX + 12, window.innerWidth - 320) + 'px';
    tooltip.style.top = (event.clientY + 12) + 'px';
  }
  function hide() { tooltip.style.display = 'none'; }
  canvas.addEventListener('mousemove', function (event) {
    var r = canvas.getBoundingClientRect();
    var b = Math.floor((event.clientX - r.left) / cw), i = Math.floor((event.clientY - r.top) / laneH);
    var lane = data.lanes[i];
    if (!lane || b < 0 || b >= data.buckets) { hide(); return; }
    var text = lane.label + '\\n' + range(b) + ': ' + states(parseInt(lane.states.charAt(b), 16));
    var a = answers(parseInt(lane.cells.charAt(b), 16));
    if (a.length) text += '\\nanswered: ' + a.join(', ');
    if (columnAt[b]) text += '\\n' + describeColumn(columnAt[b]);
    show(text, event);
  });
  canvas.addEventListener('mouseleave', hide);
  function columnDetails(c) {
    var text = describeColumn(c) + '\\n';
    var groups = { failure: [], timeout: [], 'skipped (dead)': [], ack: [] };
    data.lanes.forEach(function (lane) {
      answers(parseInt(lane.cells.charAt(c.bucket), 16)).forEach(function (a) { groups[a].push(lane.label); });
    });
    Object.keys(groups).forEach(function (k) {
      if (groups[k].length) text += '\\n' + k + ' (' + groups[k].length + '): ' + groups[k].join(', ');
    });
    details.textContent = text;
  }
  Array.prototype.forEach.call(document.querySelectorAll('.column'), function (el) {
    var c = data.columns[Number(el.getAttribute('data-column'))];
    el.addEventListener('mousemove', function (event) { show(describeColumn(c), event); });
    el.addEventListener('mouseleave', hide);
    el.addEventListener('click', function () { columnDetails(c); });
  });
  canvas.addEventListener('click', function (event) {
    var r = canvas.getBoundingClientRect();
    var c = columnAt[Math.floor((event.clientX - r.left) / cw)];
    if (c) columnDetails(c);
  });
  function laneDetails(i) {
    var lane = data.lanes[i], el = document.querySelector('.lane[data-lane="' + i + '"]');
    if (!lane || !el) return;
    details.textContent = el.getAttribute('title') + '\\n' + lane.history.map(function (h) {
      return 'line ' + h.line.toLocaleString('en-US') + (h.time === null ? '' : ' ' + new Date(h.time).toISOString()) + ': ' + h.text;
    }).join('\\n');
    el.scrollIntoView({ block: 'nearest' });
  }
  Array.prototype.forEach.call(document.querySelectorAll('.lane'), function (el) {
    el.addEventListener('click', function () { laneDetails(Number(el.getAttribute('data-lane'))); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#findings a'), function (a) {
    a.addEventListener('click', function () {
      if (a.hasAttribute('data-lane')) laneDetails(Number(a.getAttribute('data-lane')));
      else {
        var b = Number(a.getAttribute('data-bucket')), chart = document.getElementById('chart');
        chart.scrollLeft = Math.max(0, b * cw - chart.clientWidth / 2);
        if (columnAt[b]) columnDetails(columnAt[b]);
      }
    });
  });
}());
`;

const axisSvg = (model: ReportModel, width: number): string => {
  const ticks = Math.max(1, Math.min(8, model.buckets));
  const labels: string[] = [];
  for (let t = 0; t < ticks; t++) {
    const b = Math.floor((t * model.buckets) / ticks);
    const at = model.origin + b * model.bucketWidth;
    // A time axis names the day once, on its first tick.
    const iso = new Date(at).toISOString();
    const label =
      model.axis === 'line'
        ? `line ${at.toLocaleString('en-US')}`
        : t === 0
          ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`
          : iso.slice(11, 19);
    labels.push(
      `<text x="${String(b * bucketWidth(model.buckets) + 2)}" y="12">${escapeHtml(label)}</text><line x1="${String(
        b * bucketWidth(model.buckets),
      )}" x2="${String(b * bucketWidth(model.buckets))}" y1="0" y2="16" stroke="#999"/>`,
    );
  }
  return `<svg id="axis" width="${String(width)}" height="18" role="img" aria-label="timeline">${labels.join('')}</svg>`;
};

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
  // Only the lanes held in full are drawn: the others are counted under the chart.
  const drawn = model.lanes.filter((l) => l.cells !== '');
  const laneH = laneHeight(drawn.length);
  const cw = bucketWidth(model.buckets);
  const width = Math.max(1, model.buckets * cw);
  const height = Math.max(1, drawn.length * laneH);
  const title = `Incident report: ${model.summary.file}`;
  const summary = summaryRows(model.summary)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-figure="${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('\n');
  const lanes = drawn
    .map(
      (l, i) =>
        `<div class="lane" data-lane="${String(i)}" style="height:${String(laneH)}px;line-height:${String(
          laneH,
        )}px;font-size:${String(Math.min(11, laneH - 1))}px" title="${escapeHtml(laneTitle(l))}">${escapeHtml(
          l.label,
        )}</div>`,
    )
    .join('\n');
  const columns = model.columns
    .map(
      (c, i) =>
        `<rect class="column ${columnClass(c)}" data-column="${String(i)}" data-first-line="${String(
          c.firstLine,
        )}" x="${String(c.bucket * cw)}" y="2" width="${String(cw)}" height="14"/>`,
    )
    .join('');
  const data = {
    axis: model.axis,
    origin: model.origin,
    bucketWidthPositions: model.bucketWidth,
    buckets: model.buckets,
    laneHeight: laneH,
    bucketWidth: cw,
    lanes: drawn.map((l) => ({ label: l.label, cells: l.cells, states: l.states, history: l.history })),
    columns: model.columns,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
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
<span>${escapeHtml(
    `${drawn.length.toLocaleString('en-US')} lanes drawn, the most troubled first${
      drawn.length < model.lanes.length
        ? ` (${(model.lanes.length - drawn.length).toLocaleString('en-US')} more are counted in the summary)`
        : ''
    }, ${model.columns.length.toLocaleString(
      'en-US',
    )} columns; one column spans ${model.bucketWidth.toLocaleString('en-US')} ${
      model.axis === 'time' ? 'ms' : model.bucketWidth === 1 ? 'line' : 'lines'
    }`,
  )}</span>
</div>
<div id="chart"><a id="timeline"></a>
<div id="labels"><div class="spacer"></div>
${lanes}
</div>
<div id="plot">
<svg id="columns" width="${String(width)}" height="18" role="img" aria-label="broadcasts">${columns}</svg>
<canvas id="cells" width="${String(width)}" height="${String(height)}"></canvas>
${axisSvg(model, width)}
</div>
</div>
<div id="details">Click a column or a lane for details.</div>
<div id="tooltip"></div>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
};
