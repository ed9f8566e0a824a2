/**
 * The incident report as one self-contained HTML page: the summary of the replay, a lane per
 * backend along the log's timeline showing when it was live, dead or unregistered and how it
 * answered each broadcast, the broadcasts as columns coloured by status, and details on hover
 * and click. No network: the style, the data and the script are inline, and the page's content
 * security policy forbids loading anything.
 *
 * @since 0.2.0
 */
import type { ReportColumn, ReportLane, ReportModel, ReportSummary } from './reportModel';
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
.column.all-acked{fill:#2e7d32}.column.degraded{fill:#c62828}.column.none-live{fill:#9e9e9e}
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
  Array.prototype.forEach.call(document.querySelectorAll('.lane'), function (el) {
    el.addEventListener('click', function () {
      details.textContent = el.getAttribute('title');
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
  const laneH = laneHeight(model.lanes.length);
  const cw = bucketWidth(model.buckets);
  const width = Math.max(1, model.buckets * cw);
  const height = Math.max(1, model.lanes.length * laneH);
  const title = `Incident report: ${model.summary.file}`;
  const summary = summaryRows(model.summary)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-figure="${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('\n');
  const lanes = model.lanes
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
    lanes: model.lanes.map((l) => ({ label: l.label, cells: l.cells, states: l.states })),
    columns: model.columns,
    summary: model.summary,
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
<dl id="summary">
${summary}
</dl>
<div class="legend">
<span style="--c:#2e7d32">ack</span><span style="--c:#ef8f00">timeout</span><span style="--c:#c62828">failure</span><span style="--c:#616161">skipped (dead)</span><span style="--c:#dcefdc">live</span><span style="--c:#cfcfcf">dead</span><span style="--c:#f3dede">unregistered</span>
<span>columns: <b style="color:#2e7d32">AllAcked</b> <b style="color:#c62828">Degraded</b> <b style="color:#9e9e9e">NoLiveTargets</b></span>
<span>${escapeHtml(
    `${model.lanes.length.toLocaleString('en-US')} lanes, ${model.columns.length.toLocaleString(
      'en-US',
    )} columns; one column spans ${model.bucketWidth.toLocaleString('en-US')} ${
      model.axis === 'time' ? 'ms' : model.bucketWidth === 1 ? 'line' : 'lines'
    }`,
  )}</span>
</div>
<div id="chart">
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
