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

let scratchOut = new Uint16Array(1 << 14);
let scratchMap = new Int32Array(1 << 14);

/**
 * Normalises for matching: letter variants unified, diacritics/tatweel dropped, digits ASCII, runs of
 * spaces/ZWNJ/newlines collapsed to one space, Latin lower-cased only when `lowerLatin` is set.
 */
export function normalizeForMatch(text: string, lowerLatin = false): Normalized {
  const len = text.length;
  // Working buffers are reused across calls (fresh large typed arrays cost more than filling them); only the result's
  // own map is allocated.
  if (scratchOut.length < len + 1) {
    scratchOut = new Uint16Array(len + 1024);
    scratchMap = new Int32Array(len + 1024);
  }
  const out = scratchOut;
  const map = scratchMap;
  let n = 0;
  let lastSpace = true;
  for (let i = 0; i < len; i++) {
    let r = TABLE[text.charCodeAt(i)];
    if (r === DROP) continue;
    if (r === SPACE) {
      if (!lastSpace) {
        out[n] = 32;
        map[n++] = i;
        lastSpace = true;
      }
      continue;
    }
    lastSpace = false;
    if (lowerLatin && r >= 65 && r <= 90) r += 32;
    out[n] = r;
    map[n++] = i;
  }
  // A trailing space would shift "end" maps; drop it.
  if (n > 0 && out[n - 1] === 32) n--;
  const norm = codesToString(out, n);
  const trimmed = map.slice(0, n + 1);
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
