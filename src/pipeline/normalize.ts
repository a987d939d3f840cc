/**
 * Matching-form normalisation for Persian, Arabic and English text, with a map back to the original offsets.
 *
 * The displayed text is never changed by this module: matchers run on `norm`, and `map[i]` is the index in the
 * original string of the character that produced `norm[i]`, so every hit can be reported in display offsets.
 */

/** Single-code-unit replacements (after NFC). */
const CHAR_MAP: Record<string, string> = {
  '\u064A': '\u06CC', // Arabic yeh → Persian yeh
  '\u0649': '\u06CC', // alef maksura → Persian yeh (Egyptian/Gulf spelling uses them interchangeably)
  '\u0626': '\u06CC', // yeh with hamza
  '\u0643': '\u06A9', // Arabic kaf → Persian keheh
  '\u0623': '\u0627', // alef with hamza above
  '\u0625': '\u0627', // alef with hamza below
  '\u0622': '\u0627', // alef with madda
  '\u0671': '\u0627', // alef wasla
  '\u0624': '\u0648', // waw with hamza
  '\u0629': '\u0647', // teh marbuta → heh (Persian writes it as heh, Arabic spelling varies)
  '\u06C0': '\u0647', // heh with yeh above (Persian ezafe)
  '\u06D5': '\u0647', // ae
  '\u06C1': '\u0647' // heh goal (Urdu-style keyboards)
};

/** Code points removed entirely: tatweel, harakat, Quranic marks, superscript alef, bidi controls, ZWJ, soft hyphen. */
function isDropped(c: number): boolean {
  return (
    c === 0x0640 ||
    (c >= 0x064b && c <= 0x065f) ||
    c === 0x0670 ||
    (c >= 0x06d6 && c <= 0x06ed) ||
    c === 0x200d ||
    c === 0x200b ||
    c === 0xfeff ||
    c === 0x00ad ||
    (c >= 0x200e && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

/** Treated as a word separator: ASCII/Unicode spaces, NBSP, ZWNJ (so «تحریم‌ها», «تحریم ها», «تحریمها» meet). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x00a0 || c === 0x200c || c === 0x202f ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0x0c || c === 0x0b;
}

/** Persian (U+06F0–9) and Arabic-Indic (U+0660–9) digits → ASCII. */
export function digitValue(c: number): number {
  if (c >= 0x06f0 && c <= 0x06f9) return c - 0x06f0;
  if (c >= 0x0660 && c <= 0x0669) return c - 0x0660;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  return -1;
}

export function toAsciiDigits(s: string): string {
  return s.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => String(digitValue(d.charCodeAt(0))));
}

export interface Normalized {
  norm: string;
  /** map[i] = index in the original string of norm[i]; map[norm.length] = original length. */
  map: Int32Array;
}

/**
 * Normalises for matching: letter variants unified, diacritics/tatweel dropped, digits ASCII, runs of
 * spaces/ZWNJ/newlines collapsed to one space, Latin lower-cased only when `lowerLatin` is set.
 */
/** Code → replacement code; DROP removes the character, SPACE marks a separator. Built once from the rules above. */
const DROP = 0xffff;
const SPACE = 0xfffe;
const TABLE = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = c;
  for (const [from, to] of Object.entries(CHAR_MAP)) t[from.charCodeAt(0)] = to.charCodeAt(0);
  for (let c = 0; c < 0x10000; c++) {
    if (isDropped(c)) t[c] = DROP;
    else if (isSpace(c)) t[c] = SPACE;
    else {
      const d = digitValue(c);
      if (d >= 0) t[c] = 0x30 + d;
    }
  }
  return t;
})();

/**
 * TABLE for the loop: the output code in the low 16 bits, SPACE_FLAG (the code is then 32) or DROP_FLAG above them;
 * and its `lowerLatin` variant with ASCII capitals lower-cased, so that the loop does not test the flag.
 */
const SPACE_FLAG = 1 << 16;
const DROP_FLAG = 1 << 17;
function loopTable(lower: boolean): Int32Array {
  const t = new Int32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const r = TABLE[c];
    t[c] = r === DROP ? DROP_FLAG : r === SPACE ? SPACE_FLAG | 32 : lower && r >= 65 && r <= 90 ? r + 32 : r;
  }
  return t;
}
const LOOP_TABLE = loopTable(false);
const LOOP_TABLE_LOWER = loopTable(true);

let scratchOut = new Uint16Array(1 << 14);
let scratchMap = new Int32Array(1 << 14);

/** (Apart: arithmetic on a path a function rarely takes has no type feedback and deoptimises it when taken.) */
function growScratch(len: number): void {
  scratchOut = new Uint16Array(len + 1024);
  scratchMap = new Int32Array(len + 1024);
}

/**
 * The loop of normalizeForMatch: writes the normalised codes and their offsets to the scratch buffers, returns their
 * count. Without branches: every character is written at n, and n moves on unless it is dropped or a space after a
 * space. Twice, once per table: the `lowerLatin` calls (terms, at start-up) would otherwise leave the article loop
 * compiled for both tables and for short Latin strings, which made it about half as fast.
 */
function fill(text: string): number {
  const len = text.length;
  const out = scratchOut;
  const map = scratchMap;
  let n = 0;
  let lastSpace = 1;
  for (let i = 0; i < len; i++) {
    const r = LOOP_TABLE[text.charCodeAt(i)];
    const space = (r >> 16) & 1;
    const drop = (r >> 17) | (space & lastSpace);
    out[n] = r; // (the low 16 bits)
    map[n] = i;
    n += drop ^ 1;
    lastSpace = drop ? lastSpace : space;
  }
  return n;
}
function fillLower(text: string): number {
  const len = text.length;
  const out = scratchOut;
  const map = scratchMap;
  let n = 0;
  let lastSpace = 1;
  for (let i = 0; i < len; i++) {
    const r = LOOP_TABLE_LOWER[text.charCodeAt(i)];
    const space = (r >> 16) & 1;
    const drop = (r >> 17) | (space & lastSpace);
    out[n] = r;
    map[n] = i;
    n += drop ^ 1;
    lastSpace = drop ? lastSpace : space;
  }
  return n;
}

/**
 * Normalises for matching: letter variants unified, diacritics/tatweel dropped, digits ASCII, runs of
 * spaces/ZWNJ/newlines collapsed to one space, Latin lower-cased only when `lowerLatin` is set.
 */
export function normalizeForMatch(text: string, lowerLatin = false): Normalized {
  const len = text.length;
  // Working buffers are reused across calls (fresh large typed arrays cost more than filling them); only the result's
  // own map is allocated.
  if (scratchOut.length < len + 1) growScratch(len);
  let n = lowerLatin ? fillLower(text) : fill(text);
  // A trailing space would shift "end" maps; drop it. (Not `if (…) n--`: a rarely taken `n--` has no type feedback
  // and sends the optimised function back to the interpreter each time it is reached.)
  n -= n > 0 && scratchOut[n - 1] === 32 ? 1 : 0;
  const norm = codesToString(scratchOut, n);
  const trimmed = scratchMap.slice(0, n + 1);
  trimmed[n] = len;
  return { norm, map: trimmed };
}

/** Node's UCS-2 decoding copies the code units as they are (lone surrogates too); it is little-endian. */
const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The string of UTF-16 codes buf[0, n). */
export function codesToString(buf: Uint16Array, n: number): string {
  if (NATIVE_LE && typeof Buffer !== 'undefined') return Buffer.from(buf.buffer, buf.byteOffset, n * 2).toString('ucs2');
  // fromCharCode's argument count is limited: chunks.
  let s = '';
  for (let i = 0; i < n; i += 8192) s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(n, i + 8192)) as unknown as number[]);
  return s;
}

/** Normalised form of a short string (an alias, a term): same rules, no offsets. */
export function normalizeTerm(s: string, lowerLatin = true): string {
  return normalizeForMatch(s.normalize('NFC').trim(), lowerLatin).norm;
}

/** Original [start, end) of the normalised span [ns, ne). */
export function toOriginalSpan(nz: Normalized, ns: number, ne: number): [number, number] {
  const start = nz.map[ns];
  // End: one past the original index of the last normalised character kept.
  const end = ne > ns ? nz.map[ne - 1] + 1 : start;
  return [start, end];
}
