/**
 * The style and the script of the report page. The script draws the timeline on canvases the
 * size of the screen: only the lanes and the window of buckets on screen are drawn, whatever the
 * number of lanes, so no canvas ever grows past what a browser can hold. Lane labels, axis labels
 * and column labels are the few elements on screen, and receive text from the log through
 * `textContent` only, never as markup.
 *
 * @internal
 */

/** @internal */
export const PAGE_STYLE = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#1c1c1c;background:#fff}
h1{font-size:18px;margin:0 0 8px}
#summary{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}
#summary dt{font-weight:600}
#summary dd{margin:0;font-variant-numeric:tabular-nums}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px;font-size:12px}
.legend span::before{content:"";display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;background:var(--c)}
#findings{border:1px solid #ddd;padding:4px 12px;margin:0 0 12px;background:#fafafa}
#findings h2{font-size:15px;margin:4px 0}
#findings ul{margin:0;padding-left:18px}
#rates{margin:0 0 12px}#rates figcaption{font-size:11px;color:#555}
#toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 6px}
#filter{width:28em;max-width:100%;padding:3px 6px;font:inherit}
#timeline{border:1px solid #ddd;position:relative;user-select:none}
#top{display:grid;grid-template-columns:var(--labels) 1fr;border-bottom:1px solid #ddd}
#top .corner{font-size:11px;color:#555;padding:2px 6px;overflow:hidden;white-space:nowrap}
#headbox{position:relative;height:52px;overflow:hidden}
#head{position:absolute;left:0;top:0;cursor:crosshair}
#ops,#axis{position:absolute;left:0;right:0;height:16px;overflow:hidden;pointer-events:none}
#ops{top:18px}#axis{top:34px}
#ops span,#axis span{position:absolute;top:0;white-space:nowrap;font-size:10px;line-height:16px}
#ops span{color:#333}#axis span{color:#555;border-left:1px solid #999;padding-left:2px}
#scroller{overflow-y:auto;overflow-x:hidden;position:relative}
#rows{position:sticky;top:0;display:grid;grid-template-columns:var(--labels) 1fr;overflow:hidden}
#labels{position:relative;overflow:hidden;border-right:1px solid #ddd;background:#fff}
.lane{position:absolute;left:0;right:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:0 6px;font-size:11px;cursor:pointer;font-family:ui-monospace,monospace}
.lane:hover{background:#eef}.lane.selected{background:#dde}
#cells{display:block;cursor:crosshair}
#brush{position:absolute;top:0;bottom:0;background:rgba(30,80,200,.18);border:1px solid #1e50c8;display:none;pointer-events:none}
#empty{padding:8px;color:#555}
#tooltip{position:fixed;pointer-events:none;background:#222;color:#fff;padding:4px 6px;border-radius:3px;font-size:12px;white-space:pre;display:none;z-index:3;max-width:600px}
#details{margin-top:12px;padding:8px;border:1px solid #ddd;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px;min-height:3em}
`;

/** @internal */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var LANE_H = 16, LIMIT = 50, NAMES_SHOWN = 20;
  var COLOURS = { failure: '#c62828', timeout: '#ef8f00', skipped: '#616161', ack: '#2e7d32' };
  var SPANS = { live: '#dcefdc', dead: '#cfcfcf', unregistered: '#f3dede' };
  var STATUS = { degraded: '#6a1b9a', none: '#9e9e9e', acked: '#2e7d32' };
  function $(id) { return document.getElementById(id); }
  var timeline = $('timeline'), scroller = $('scroller'), rows = $('rows'), space = $('space');
  var labels = $('labels'), canvas = $('cells'), ctx = canvas.getContext('2d');
  var headbox = $('headbox'), head = $('head'), hctx = head.getContext('2d'), axis = $('axis'), ops = $('ops');
  var brush = $('brush'), empty = $('empty');
  var filterBox = $('filter'), order = $('order'), showAll = $('show-all'), zoomOut = $('zoom-out'), shown = $('shown');
  var details = $('details'), tooltip = $('tooltip');
  var columnAt = {};
  data.columns.forEach(function (c) { columnAt[c.bucket] = c; });
  var view = { from: 0, to: data.buckets, all: false, query: '', order: 'trouble', lane: -1, bucket: -1 };
  var zooms = [], visible = [], matched = 0, pending = false;

  function thousands(n) { return n.toLocaleString('en-US'); }
  function span(bits) {
    return bits & 2 ? SPANS.dead : bits & 1 ? SPANS.live : bits & 4 ? SPANS.unregistered : null;
  }
  function worst(bits) {
    return bits & 4 ? COLOURS.failure : bits & 2 ? COLOURS.timeout : bits & 8 ? COLOURS.skipped : bits & 1 ? COLOURS.ack : null;
  }
  function status(c) { return c.degraded > 0 ? STATUS.degraded : c.noLiveTargets > 0 ? STATUS.none : STATUS.acked; }
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
  function digit(text, b) { return parseInt(text.charAt(b), 16) || 0; }
  function position(p) {
    return data.axis === 'time' ? new Date(p).toISOString() : 'line ' + thousands(Math.round(p));
  }
  function range(b) {
    var from = data.origin + b * data.bucketWidthPositions;
    var to = from + data.bucketWidthPositions - 1;
    return data.bucketWidthPositions === 1 ? position(from) : position(from) + ' to ' + position(to);
  }
  function describeColumn(c) {
    var lines = c.firstLine === c.lastLine ? 'line ' + thousands(c.firstLine)
      : 'lines ' + thousands(c.firstLine) + ' to ' + thousands(c.lastLine);
    var text = thousands(c.broadcasts) + (c.broadcasts === 1 ? ' broadcast' : ' broadcasts') + ', ' + lines;
    if (c.firstTime !== null) text += '\n' + new Date(c.firstTime).toISOString() + (c.lastTime !== c.firstTime ? ' to ' + new Date(c.lastTime).toISOString() : '');
    text += '\n' + c.operations.join('; ') + (c.broadcasts > c.operations.length ? ' ...' : '');
    text += '\nAllAcked ' + thousands(c.allAcked) + ', Degraded ' + thousands(c.degraded) + ', NoLiveTargets ' + thousands(c.noLiveTargets);
    if (c.divergences > 0) text += '\n' + thousands(c.divergences) + ' recorded result(s) not reproduced';
    return text;
  }

  // ---- which lanes: filter, order, the worst first ----
  function matches(lane, words) {
    var text = (lane.label + ' ' + lane.id).toLowerCase();
    for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return false;
    return true;
  }
  var ORDERS = {
    trouble: function (a, b) { return a - b; },
    name: function (a, b) {
      var x = data.lanes[a].label, y = data.lanes[b].label;
      return x < y ? -1 : x > y ? 1 : a - b;
    },
    first: function (a, b) {
      var x = data.lanes[a].firstBadLine, y = data.lanes[b].firstBadLine;
      return x === y ? a - b : x === null ? 1 : y === null ? -1 : x - y;
    }
  };
  function choose() {
    var words = view.query.toLowerCase().split(/\s+/).filter(function (w) { return w !== ''; });
    var list = [];
    for (var i = 0; i < data.lanes.length; i++) if (matches(data.lanes[i], words)) list.push(i);
    list.sort(ORDERS[view.order]);
    matched = list.length;
    visible = view.all ? list : list.slice(0, LIMIT);
    showAll.hidden = view.all || matched <= LIMIT;
    showAll.textContent = 'show all ' + thousands(matched);
    shown.textContent = thousands(visible.length) + ' of ' + thousands(matched) + ' lanes' +
      (words.length ? ' matching' : '') + (data.summarised > 0 ? ' (' + thousands(data.summarised) + ' more are only counted in the summary)' : '');
    empty.hidden = visible.length > 0;
    layout();
  }

  // ---- geometry ----
  function width() { return canvas.width; }
  function x(b) { return Math.round(((b - view.from) * width()) / (view.to - view.from)); }
  function bucketAt(px) {
    var b = view.from + Math.floor((px * (view.to - view.from)) / width());
    return Math.max(view.from, Math.min(view.to - 1, b));
  }
  function layout() {
    var total = visible.length * LANE_H;
    var viewH = Math.max(LANE_H, Math.min(total, Math.round(window.innerHeight * 0.7)));
    scroller.style.height = viewH + 'px';
    rows.style.height = viewH + 'px';
    space.style.height = Math.max(0, total - viewH) + 'px';
    var w = Math.max(100, headbox.clientWidth);
    canvas.width = w; canvas.height = viewH;
    head.width = w; head.height = 18;
    draw();
  }
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }

  // ---- drawing: only what is on screen ----
  function draw() {
    timeline.setAttribute('data-window', view.from + '-' + view.to);
    drawHead();
    var top = scroller.scrollTop, first = Math.floor(top / LANE_H);
    var last = Math.min(visible.length, Math.ceil((top + canvas.height) / LANE_H));
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    var frag = document.createDocumentFragment();
    for (var r = first; r < last; r++) {
      var i = visible[r], lane = data.lanes[i], y = r * LANE_H - top;
      for (var b = view.from; b < view.to; b++) {
        var x0 = x(b), w = Math.max(1, x(b + 1) - x0);
        var s = span(digit(lane.states, b));
        if (s) { ctx.fillStyle = s; ctx.fillRect(x0, y + 1, w, LANE_H - 2); }
        var c = worst(digit(lane.cells, b));
        if (c) { ctx.fillStyle = c; ctx.fillRect(x0, y + 3, Math.max(1, w - (w > 3 ? 1 : 0)), LANE_H - 6); }
      }
      if (i === view.lane) { ctx.strokeStyle = '#1e50c8'; ctx.strokeRect(0.5, y + 0.5, canvas.width - 1, LANE_H - 1); }
      var el = document.createElement('div');
      el.className = i === view.lane ? 'lane selected' : 'lane';
      el.setAttribute('data-lane', String(i));
      el.style.top = y + 'px';
      el.style.height = LANE_H + 'px';
      el.style.lineHeight = LANE_H + 'px';
      el.title = lane.title;
      el.textContent = lane.label;
      frag.appendChild(el);
    }
    if (view.bucket >= view.from && view.bucket < view.to) {
      ctx.fillStyle = 'rgba(30,80,200,.35)';
      ctx.fillRect(x(view.bucket), 0, Math.max(2, x(view.bucket + 1) - x(view.bucket)), canvas.height);
    }
    labels.textContent = '';
    labels.appendChild(frag);
  }
  function placeLabels(box, items) {
    // Left to right, a label only where it does not touch the one before nor run off the edge.
    box.textContent = '';
    var end = -Infinity, placed = 0;
    hctx.font = '10px system-ui, sans-serif';
    items.forEach(function (it) {
      var w = Math.ceil(hctx.measureText(it.text).width) + 8;
      if (it.x < end + 6 || it.x + w > width()) return;
      var el = document.createElement('span');
      el.style.left = it.x + 'px';
      el.textContent = it.text;
      box.appendChild(el);
      end = it.x + w;
      placed++;
    });
    return placed;
  }
  function axisText(p, spanPositions) {
    if (data.axis === 'line') return 'line ' + thousands(Math.round(p));
    var iso = new Date(p).toISOString();
    return spanPositions < 60000 ? iso.slice(11, 23) : spanPositions < 86400000 ? iso.slice(11, 19) : iso.slice(0, 10) + ' ' + iso.slice(11, 16);
  }
  function drawHead() {
    hctx.clearRect(0, 0, head.width, head.height);
    var opItems = [];
    for (var b = view.from; b < view.to; b++) {
      var c = columnAt[b];
      if (!c) continue;
      hctx.fillStyle = status(c);
      hctx.fillRect(x(b), 2, Math.max(1, x(b + 1) - x(b) - (x(b + 1) - x(b) > 3 ? 1 : 0)), 14);
      opItems.push({ x: x(b), text: c.operations[0] + (c.operations.length > 1 ? ' +' : '') });
    }
    placeLabels(ops, opItems);
    var positions = (view.to - view.from) * data.bucketWidthPositions;
    var sample = Math.ceil(hctx.measureText(axisText(data.origin + view.from * data.bucketWidthPositions, positions)).width) + 24;
    var count = Math.max(1, Math.floor(width() / sample));
    var step = Math.max(1, Math.ceil((view.to - view.from) / count));
    var axisItems = [];
    for (var t = view.from; t < view.to; t += step) {
      axisItems.push({ x: x(t), text: axisText(data.origin + t * data.bucketWidthPositions, positions) });
    }
    placeLabels(axis, axisItems);
  }

  // ---- details ----
  function columnDetails(c) {
    var text = describeColumn(c) + '\n';
    var groups = { failure: [], timeout: [], 'skipped (dead)': [] };
    data.lanes.forEach(function (lane) {
      answers(digit(lane.cells, c.bucket)).forEach(function (a) { if (groups[a]) groups[a].push(lane.label); });
    });
    Object.keys(groups).forEach(function (k) {
      var names = groups[k];
      if (!names.length) return;
      text += '\n' + k + ' (' + thousands(names.length) + '): ' + names.slice(0, NAMES_SHOWN).join(', ') +
        (names.length > NAMES_SHOWN ? ' and ' + thousands(names.length - NAMES_SHOWN) + ' more' : '');
    });
    details.textContent = text;
  }
  function selectBucket(b) {
    if (b < view.from || b >= view.to) { zooms = []; view.from = 0; view.to = data.buckets; zoomOut.disabled = true; }
    view.bucket = b;
    draw();
    if (columnAt[b]) columnDetails(columnAt[b]);
  }
  function laneDetails(i) {
    var lane = data.lanes[i];
    if (!lane) return;
    view.lane = i;
    var r = visible.indexOf(i);
    if (r < 0) {
      view.query = ''; filterBox.value = ''; view.all = true;
      choose();
      r = visible.indexOf(i);
    }
    var top = r * LANE_H;
    if (top < scroller.scrollTop || top + LANE_H > scroller.scrollTop + canvas.height) scroller.scrollTop = Math.max(0, top - canvas.height / 2);
    draw();
    details.textContent = lane.title + '\n' + lane.history.map(function (h) {
      return 'line ' + thousands(h.line) + (h.time === null ? '' : ' ' + new Date(h.time).toISOString()) + ': ' + h.text;
    }).join('\n');
  }

  // ---- pointer: hover, click, brush to zoom ----
  function show(text, event) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    tooltip.style.left = Math.min(event.clientX + 12, window.innerWidth - 320) + 'px';
    tooltip.style.top = (event.clientY + 12) + 'px';
  }
  function hide() { tooltip.style.display = 'none'; }
  var drag = null;
  function localX(event) { return event.clientX - canvas.getBoundingClientRect().left; }
  function down(event) { if (event.button === 0) { drag = { x: localX(event) }; event.preventDefault(); } }
  function move(event, inHead) {
    var px = localX(event);
    if (drag) {
      var a = Math.max(0, Math.min(drag.x, px)), z = Math.min(width(), Math.max(drag.x, px));
      if (z - a > 4) {
        brush.style.display = 'block';
        brush.style.left = (labels.offsetWidth + a) + 'px';
        brush.style.width = (z - a) + 'px';
      }
      return;
    }
    var b = bucketAt(px), c = columnAt[b];
    if (inHead) { if (c) show(describeColumn(c), event); else hide(); return; }
    var r = Math.floor((event.clientY - canvas.getBoundingClientRect().top + scroller.scrollTop) / LANE_H);
    var lane = data.lanes[visible[r]];
    if (!lane) { hide(); return; }
    var text = lane.label + '\n' + range(b) + ': ' + states(digit(lane.states, b));
    var a2 = answers(digit(lane.cells, b));
    if (a2.length) text += '\nanswered: ' + a2.join(', ');
    if (c) text += '\n' + describeColumn(c);
    show(text, event);
  }
  function up(event) {
    if (!drag) return;
    var start = drag.x, px = localX(event);
    drag = null;
    brush.style.display = 'none';
    if (Math.abs(px - start) > 4) {
      var from = bucketAt(Math.max(0, Math.min(start, px))), to = bucketAt(Math.min(width() - 1, Math.max(start, px))) + 1;
      if (to - from >= 1 && (from !== view.from || to !== view.to)) {
        zooms.push([view.from, view.to]);
        view.from = from; view.to = to;
        zoomOut.disabled = false;
        draw();
      }
      return true;
    }
    return false;
  }
  canvas.addEventListener('mousedown', down);
  head.addEventListener('mousedown', down);
  canvas.addEventListener('mousemove', function (e) { move(e, false); });
  head.addEventListener('mousemove', function (e) { move(e, true); });
  canvas.addEventListener('mouseleave', hide);
  head.addEventListener('mouseleave', hide);
  window.addEventListener('mouseup', function (event) {
    var target = event.target;
    if (up(event) || (target !== canvas && target !== head)) return;
    var b = bucketAt(localX(event));
    if (target === head) { selectBucket(b); return; }
    var r = Math.floor((event.clientY - canvas.getBoundingClientRect().top + scroller.scrollTop) / LANE_H);
    if (visible[r] !== undefined) laneDetails(visible[r]);
  });
  labels.addEventListener('click', function (event) {
    var el = event.target.closest('.lane');
    if (el) laneDetails(Number(el.getAttribute('data-lane')));
  });
  zoomOut.addEventListener('click', function () {
    var z = zooms.pop();
    if (z) { view.from = z[0]; view.to = z[1]; }
    zoomOut.disabled = zooms.length === 0;
    draw();
  });
  filterBox.addEventListener('input', function () { view.query = filterBox.value; scroller.scrollTop = 0; choose(); });
  order.addEventListener('change', function () { view.order = order.value; scroller.scrollTop = 0; choose(); });
  showAll.addEventListener('click', function () { view.all = true; choose(); });
  scroller.addEventListener('scroll', schedule);
  window.addEventListener('resize', layout);
  Array.prototype.forEach.call(document.querySelectorAll('#findings a'), function (a) {
    a.addEventListener('click', function () {
      if (a.hasAttribute('data-lane')) laneDetails(Number(a.getAttribute('data-lane')));
      else selectBucket(Number(a.getAttribute('data-bucket')));
    });
  });
  choose();
}());
`;
