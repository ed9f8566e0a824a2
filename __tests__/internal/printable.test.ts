import * as fc from 'fast-check';

import { printable } from '../../src/internal/printable';

describe('printable', () => {
  it('should write escape sequences, NUL, CR, LF, BEL, DEL and C1 controls as \\u escapes', () => {
    expect(printable('a\u001b[2Jb\u0000\r\n\u0007\u007f\u009b\u2028')).toBe(
      'a\\u001b[2Jb\\u0000\\u000d\\u000a\\u0007\\u007f\\u009b\\u2028',
    );
  });

  it('should leave printable text, accents and other scripts as they are', () => {
    expect(printable('zccache 1.11.20 ünïcödé 路径 "quoted"')).toBe('zccache 1.11.20 ünïcödé 路径 "quoted"');
  });

  it('should always give one line free of control characters', () => {
    fc.assert(
      // eslint-disable-next-line no-control-regex
      fc.property(fc.string({ unit: 'binary' }), (s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(printable(s))),
    );
  });
});
