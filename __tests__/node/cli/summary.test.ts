import { fileSource } from '../../../src/node';
import * as O from 'fp-ts/Option';

import { keyLabel, renderSummary, renderTable, responseLabel, summaryJson } from '../../../src/node/cli/summary';
import { PROGRESS_THRESHOLD, renderProgress, wantsProgress } from '../../../src/node/cli/progress';
import {
  backendKey,
  explicitInstance,
  failure,
  privateInstance,
  replayLog,
  sharedInstance,
  summarizeStats,
} from '../../../src';
import * as path from 'node:path';

const good = path.join(__dirname, '..', '..', 'fixtures', 'good.ndjson');

describe('keyLabel', () => {
  it('should name service, version, instance and the start of the hash', () => {
    expect(keyLabel(backendKey(sharedInstance, 'zccache', '1.11.20', '0123456789abcdef'))).toBe(
      'zccache 1.11.20 shared #01234567',
    );
    expect(keyLabel(backendKey(privateInstance('soldr'), 'soldr', '0.4.1', ''))).toBe('soldr 0.4.1 private:soldr');
    expect(keyLabel(backendKey(explicitInstance('ci'), 'fbuild', '2.0.0', 'ab'))).toBe('fbuild 2.0.0 explicit:ci #ab');
  });
});

describe('responseLabel', () => {
  it('should carry the failure reason', () => {
    expect(responseLabel(failure('Rejected'))).toBe('Failure(Rejected)');
  });
});

describe('renderTable', () => {
  it('should align every column under its heading', async () => {
    const r = await replayLog(fileSource(good));
    const lines = renderTable(summarizeStats(r.stats).table);
    const heading = lines[0] ?? '';
    // Right-aligned counts end where their heading ends.
    const end = heading.indexOf('SKIPPED') + 'SKIPPED'.length;
    expect(lines.slice(1).every((l) => l.length === end && /[0-9]$/.test(l))).toBe(true);
  });
});

describe('renderSummary', () => {
  it('should say where the registry was taken and list every backend', async () => {
    const replay = await replayLog(fileSource(good), { at: 12 });
    const text = renderSummary({ file: 'good.ndjson', replay, mode: 'strict', verify: false, at: O.some(12) });
    expect(text).toContain('registry after line 12');
    expect(
      text
        .trimEnd()
        .split('\n')
        .slice(-summarizeStats(replay.stats).table.length - 1)[0],
    ).toMatch(/^BACKEND +STATUS/);
  });
});

describe('summaryJson', () => {
  it('should hold the statistics and survive a JSON round trip', async () => {
    const replay = await replayLog(fileSource(good), { verify: true });
    const json = summaryJson({ file: 'good.ndjson', replay, mode: 'lenient', verify: true, at: O.none });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json).toMatchObject({ ...summarizeStats(replay.stats), complete: true, verify: { divergences: 0 } });
  });
});

describe('wantsProgress', () => {
  it('should draw only on a terminal, and only for a large or unknown input', () => {
    expect(wantsProgress(false, PROGRESS_THRESHOLD * 10)).toBe(false);
    expect(wantsProgress(true, PROGRESS_THRESHOLD - 1)).toBe(false);
    expect(wantsProgress(true, PROGRESS_THRESHOLD)).toBe(true);
    expect(wantsProgress(true, undefined)).toBe(true);
  });
});

describe('renderProgress', () => {
  it('should fill the bar in proportion and never past full', () => {
    expect(renderProgress(0, 100)).toMatch(/^\[\.{30}\] {3}0%/);
    expect(renderProgress(50, 100)).toMatch(/^\[#{15}\.{15}\] {2}50%/);
    expect(renderProgress(150, 100)).toMatch(/^\[#{30}\] 100%/);
  });

  it('should show the amount read when the size is unknown', () => {
    expect(renderProgress(3 * 1024 * 1024, undefined)).toBe('3.0 MiB read');
  });
});
