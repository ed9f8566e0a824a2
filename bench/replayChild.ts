/**
 * The measured process of W4, started by bench/replay.ts: `parse FILE` reads the log and only
 * `JSON.parse`s each line; `replay FILE` validates and replays it with the streaming reader.
 * Prints one JSON object: lines, seconds, peak RSS.
 */
import * as fs from 'node:fs';

import { replayLog } from '../src';
import { lineBatches } from '../src/internal/lines';

const [mode, file] = process.argv.slice(2);

const parseOnly = async (path: string): Promise<number> => {
  let lines = 0;
  const chunks = fs.createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  for await (const batch of lineBatches(chunks, Number.POSITIVE_INFINITY)) {
    for (const l of batch) {
      if (l._tag === 'TextLine' && l.text !== '') {
        JSON.parse(l.text);
        lines += 1;
      }
    }
  }
  return lines;
};

const main = async (): Promise<void> => {
  if (file === undefined || (mode !== 'parse' && mode !== 'replay')) {
    throw new Error('usage: replayChild parse|replay FILE');
  }
  const start = process.hrtime.bigint();
  let lines: number;
  if (mode === 'parse') {
    lines = await parseOnly(file);
  } else {
    const r = await replayLog(file);
    if (r.invalidLines > 0) {
      throw new Error(`${String(r.invalidLines)} invalid lines`);
    }
    lines = r.lastLine;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ lines, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
