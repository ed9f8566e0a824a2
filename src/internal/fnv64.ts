/**
 * FNV-1a, 64-bit: a fast, non-cryptographic hash of bytes, computed here on two 32-bit halves so
 * that it needs neither `BigInt` nor a native module, in any JavaScript engine.
 *
 * @internal
 */

/** A 64-bit hash as its high and low 32-bit halves (unsigned). */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

/** The FNV-1a 64-bit offset basis, 0xcbf29ce484222325. */
export const FNV64_BASIS: Hash64 = Object.freeze({ hi: 0xcbf29ce4, lo: 0x84222325 });

const TWO_32 = 4294967296;

/**
 * A running FNV-1a 64 hash, folded in place: bytes, the UTF-8 of a text, or another hash's eight
 * bytes (high byte first).
 */
export class Fnv64 {
  private hi = FNV64_BASIS.hi;
  private lo = FNV64_BASIS.lo;

  /** Fold one byte: xor it in, then multiply by the prime 2^40 + 0x1b3 (mod 2^64). */
  byte(b: number): this {
    const lo = (this.lo ^ b) >>> 0;
    // lo * 0x1b3 < 2^41: exact in a double; its high part carries into the high half.
    const t = lo * 0x1b3;
    this.lo = t >>> 0;
    this.hi = (Math.imul(this.hi, 0x1b3) + Math.floor(t / TWO_32) + (lo << 8)) >>> 0;
    return this;
  }

  /** Fold the UTF-8 bytes of `text` (a lone surrogate counts as U+FFFD, as TextEncoder has it). */
  text(text: string): this {
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        this.byte(c);
        continue;
      }
      if (c < 0x800) {
        this.byte(0xc0 | (c >> 6)).byte(0x80 | (c & 0x3f));
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const p = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i += 1;
          this.byte(0xf0 | (p >> 18))
            .byte(0x80 | ((p >> 12) & 0x3f))
            .byte(0x80 | ((p >> 6) & 0x3f))
            .byte(0x80 | (p & 0x3f));
          continue;
        }
        c = 0xfffd;
      }
      this.byte(0xe0 | (c >> 12))
        .byte(0x80 | ((c >> 6) & 0x3f))
        .byte(0x80 | (c & 0x3f));
    }
    return this;
  }

  /** Fold another hash's eight bytes, high byte first. */
  hash(h: Hash64): this {
    return this.byte(h.hi >>> 24)
      .byte((h.hi >>> 16) & 0xff)
      .byte((h.hi >>> 8) & 0xff)
      .byte(h.hi & 0xff)
      .byte(h.lo >>> 24)
      .byte((h.lo >>> 16) & 0xff)
      .byte((h.lo >>> 8) & 0xff)
      .byte(h.lo & 0xff);
  }

  /** The hash so far. */
  value(): Hash64 {
    return { hi: this.hi, lo: this.lo };
  }
}

/** FNV-1a 64 of the UTF-8 of `text`. */
export const fnv1a64 = (text: string): Hash64 => new Fnv64().text(text).value();

/** A hash as 16 lowercase hexadecimal digits. */
export const hex64 = (h: Hash64): string => h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
