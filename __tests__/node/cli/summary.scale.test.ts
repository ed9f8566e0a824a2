/**
 * The summaries of a replay with a million backends: the text table and the JSON document are
 * made a piece at a time, never through a spread of a million values or one giant string.
 */
import * as O from 'fp-ts/Option';

import type { BackendRow } from '../../../src';
import { ack, replayLog, sharedInstance, timeout } from '../../../src';
import { jsonPieces, renderTable, summaryJson, tableLines } from '../../../src/node/cli/summary';
import { fileSource } from '../../../src/node';
import * as path from 'node:path';

const rows = (n: number): ReadonlyArray<BackendRow> => {
  const out: BackendRow[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      key: {
        instance: sharedInstance,
        serviceName: i === n - 1 ? 'the-longest-service-name' : 'zccache',
        serviceVersion: '1.11.20',
        exeHash: i.toString(16),
      },
      status: i % 3 === 0 ? 'dead' : 'live',
      response: i % 2 === 0 ? ack : timeout,
      registrations: 1,
      acks: i,
      timeouts: 0,
      failures: 0,
      skipped: 0,
    });
  }
  return out;
};

// One table of a million rows for the tests that need one.
let million: ReadonlyArray<BackendRow> = [];
beforeAll(() => {
  million = rows(1_000_000);
}, 60_000);

describe('tableLines', () => {
  it('should render a table of 1,000,000 backends, every column as wide as its widest cell', () => {
    const many = million;
    let count = 0;
    let width = -1;
    let sameWidth = true;
    for (const line of tableLines(many)) {
      count += 1;
      // Right-aligned counts end every line at the same column.
      width = width < 0 ? line.length : width;
      sameWidth &&= line.length === width;
    }
    expect(count).toBe(1_000_001);
    expect(sameWidth).toBe(true);
    expect(width).toBeGreaterThan('the-longest-service-name 1.11.20 shared #f423f'.length);
  }, 60_000);

  it('should give the lines of renderTable', () => {
    const few = rows(50);
    expect([...tableLines(few)]).toEqual(renderTable(few));
  });
});

describe('jsonPieces', () => {
  it('should join to exactly what JSON.stringify(value, null, 2) gives', async () => {
    const replay = await replayLog(fileSource(path.join(__dirname, '..', '..', 'fixtures', 'good.ndjson')), {
      verify: true,
    });
    const doc = summaryJson({ file: 'good.ndjson', replay, mode: 'strict', verify: true, at: O.some(3) });
    expect([...jsonPieces(doc)].join('')).toBe(JSON.stringify(doc, null, 2));
    const odd = { a: [], b: {}, c: [1, [2, [3]], { d: null }], e: undefined, f: 'x\ny', g: [undefined] };
    expect([...jsonPieces(odd)].join('')).toBe(JSON.stringify(odd, null, 2));
    expect([...jsonPieces([])].join('')).toBe('[]');
  });

  it('should write a table of 1,000,000 rows one row at a time', () => {
    const doc = { schemaVersion: 1, table: million };
    let pieces = 0;
    let longest = 0;
    for (const piece of jsonPieces(doc)) {
      pieces += 1;
      longest = Math.max(longest, piece.length);
    }
    expect(pieces).toBeGreaterThan(2_000_000);
    expect(longest).toBeLessThan(1000);
  }, 60_000);
});
