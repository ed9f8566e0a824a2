/**
 * Text echoed from input made safe for a terminal: one printable line.
 *
 * @internal
 */

// C0 controls (NUL, BEL, ESC, CR, LF, ...), DEL, C1 controls (CSI is one) and the two Unicode
// line separators: each could end the line, ring the bell or repaint the operator's screen.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every control character written as a `\u001b`-style escape, so that a message
 * quoting hostile input stays one printable line.
 *
 * @internal
 */
export const printable = (text: string): string => text.replace(CONTROL, escape);
