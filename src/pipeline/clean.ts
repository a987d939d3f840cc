/**
 * Turns messy article text into the display text: decoded entities, boilerplate lines dropped, emoji bullets turned
 * into paragraph breaks, hard line breaks inside sentences unwrapped. Each step is a small pure function.
 */
import { codeUnitTable } from './code-table';

export interface BoilerplateLexicon {
  /** Whole-line patterns (tested on the trimmed line) that are dropped wherever they occur. */
  dropLines: RegExp[];
  /** A line matching one of these ends the article body (comment forms, "related articles"…). */
  dropAfter: RegExp[];
  /** Phrases removed from inside lines (e.g. «(اینجا بخوانید)»). */
  stripPhrases: RegExp[];
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', zwnj: '\u200c', zwj: '', laquo: '«', raquo: '»',
  hellip: '…', ndash: '–', mdash: '—', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', shy: ''
};

/** Decodes HTML character references; unknown names are left as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const r = NAMED_ENTITIES[body.toLowerCase()];
    return r === undefined ? m : r;
  });
}

/**
 * Emoji and pictographic bullets (🔻 ✅ 🔹 ▪️ ● ◾ ⭕ 📌 …) used by Telegram-style posts as list markers. They become
 * paragraph breaks so that each bullet is its own sentence. Variation selectors and keycaps go with them.
 */
const EMOJI_BULLET = /[\p{Extended_Pictographic}\u2022\u25AA-\u25FE\u2B55\u2B50\u2705\u274C\u2714\u2716][\uFE0E\uFE0F\u20E3]?/gu;

/** Marks a line that must start a new paragraph (it followed an emoji bullet); stripped by unwrapLines. */
export const HARD_BREAK = '\u0001';

/** Code units an EMOJI_BULLET match can start with: the BMP members of its class, and every high surrogate. */
const EMOJI_START = (() => {
  const t = new Uint8Array(0x10000);
  const re = new RegExp(`^${EMOJI_BULLET.source}`, 'u');
  for (let c = 0; c < 0x10000; c++) if ((c >= 0xd800 && c <= 0xdbff) || re.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

export function emojiToBreaks(s: string): string {
  // Most articles have none: one table scan instead of the Unicode-property regex.
  let any = false;
  for (let i = 0; i < s.length; i++)
    if (EMOJI_START[s.charCodeAt(i)] === 1) {
      any = true;
      break;
    }
  return any ? s.replace(EMOJI_BULLET, `\n${HARD_BREAK}`) : s;
}

/** Unicode spaces → ASCII space (ZWNJ kept: it is part of Persian spelling); stray zero-width marks removed. */
export function normalizeSpaces(s: string): string {
  // Which of the four replacements have anything to do (their outputs, \n and ' ', feed none of them).
  let need = 0;
  for (let i = 0; i < s.length; i++) need |= SPACE_KIND[s.charCodeAt(i)];
  if (need === 0) return s;
  if (need & 1) s = s.replace(/\r\n?/g, '\n');
  if (need & 2) s = s.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ');
  if (need & 4) s = s.replace(/[\u200B\u2060\uFEFF]/g, '');
  if (need & 8) s = s.replace(/\u2028|\u2029/g, '\n');
  return s;
}
/** Per code unit: the bit of the normalizeSpaces replacement that rewrites it. */
const SPACE_KIND = (() => {
  const t = new Uint8Array(0x10000);
  t[0x0d] = 1;
  for (const c of [0x00a0, 0x202f, 0x205f, 0x3000, 0x09, 0x0c, 0x0b]) t[c] = 2;
  for (let c = 0x2000; c <= 0x200a; c++) t[c] = 2;
  for (const c of [0x200b, 0x2060, 0xfeff]) t[c] = 4;
  t[0x2028] = 8;
  t[0x2029] = 8;
  return t;
})();

/** Characters that stand for themselves when escaped in a pattern (`\(`, `\.`…). */
const ESCAPED_LITERAL = new Set('^$\\.*+?()[]{}|/-'.split(''));

/**
 * Literal strings every match of `re` contains: the runs of plain characters in its top-level sequence that no
 * quantifier makes optional or repeatable. Null when that is not known (an alternation at the top level, flags
 * other than g/u, anything not understood). A line that lacks one of them cannot match.
 */
export function requiredLiterals(re: RegExp): string[] | null {
  if (!/^[gu]*$/.test(re.flags)) return null;
  return needsOf(re.source)?.lits ?? null;
}

/**
 * What a match must contain: `lits` all, and for each of `anyOf` (an unquantified top-level group), the literals of
 * one of its alternatives («(تصوير|عدسة)», «(CNN|سي إن إن)»). Null when not known (see requiredLiterals).
 */
export function requiredText(re: RegExp): { lits: string[]; anyOf: string[][][] } | null {
  if (!/^[gu]*$/.test(re.flags)) return null;
  return needsOf(re.source);
}

/** Splits a group body at its top-level bars. */
function splitTopLevel(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      if (src[i] === '^') i++;
      if (src[i] === ']') i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(src.slice(from, i));
      from = i + 1;
    }
  }
  out.push(src.slice(from));
  return out;
}

function needsOf(src: string): { lits: string[]; anyOf: string[][][] } | null {
  const out: string[] = [];
  const anyOf: string[][][] = [];
  let run = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    let literal: string | null = null;
    let body: string | null = null; // a group's content, when it is a plain (capturing, named or non-capturing) group
    let next: number;
    if (ch === '|') return null;
    if (ch === '\\') {
      const e = src[i + 1];
      if (e === undefined || /[0-9k]/.test(e)) return null; // back-references, \0
      next = i + 2;
      if (ESCAPED_LITERAL.has(e)) literal = e;
      else if (e === 'p' || e === 'P' || (e === 'u' && src[i + 2] === '{')) {
        const close = src.indexOf('}', i);
        if (close < 0) return null;
        next = close + 1;
      } else if (e === 'u') next = i + 6;
      else if (e === 'x') next = i + 4;
      else if (e === 'c') next = i + 3;
    } else if (ch === '[') {
      // A class: skip to its closing bracket (escapes inside included).
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) return null;
      next = j + 1;
    } else if (ch === '(') {
      // A group (or look-around): find its end.
      let depth = 0;
      let j = i;
      for (; j < src.length; j++) {
        const c = src[j];
        if (c === '\\') j++;
        else if (c === '[') {
          j++;
          if (src[j] === '^') j++;
          if (src[j] === ']') j++;
          while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
        } else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) break;
      }
      if (j >= src.length) return null;
      if (src.startsWith('(?:', i)) body = src.slice(i + 3, j);
      else if (src[i + 1] !== '?') body = src.slice(i + 1, j);
      else if (src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
        const gt = src.indexOf('>', i);
        if (gt > 0 && gt < j) body = src.slice(gt + 1, j);
      }
      next = j + 1;
    } else if (ch === ')' || ch === ']' || ch === '{' || ch === '}' || ch === '*' || ch === '+' || ch === '?') {
      return null; // a quantifier with nothing before it, or something not understood
    } else if (ch === '^' || ch === '$' || ch === '.') {
      next = i + 1;
    } else {
      // A plain character (a whole code point).
      const cp = src.codePointAt(i)!;
      literal = String.fromCodePoint(cp);
      next = i + literal.length;
    }
    // A quantifier after the atom: the atom is then not a fixed single occurrence.
    let quantified = false;
    const q = src[next];
    if (q === '*' || q === '+' || q === '?') {
      quantified = true;
      next++;
    } else if (q === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(src.slice(next));
      if (!m) return null;
      quantified = true;
      next += m[0].length;
    }
    if (quantified && src[next] === '?') next++; // lazy
    if (literal !== null && !quantified) run += literal;
    else {
      if (run) out.push(run);
      run = '';
    }
    if (body !== null && !quantified) {
      // The group matches one of its alternatives, so a match contains that alternative's literals.
      const alts = splitTopLevel(body).map((a) => needsOf(a)?.lits ?? []);
      if (alts.every((a) => a.length > 0)) anyOf.push(alts);
    }
    i = next;
  }
  if (run) out.push(run);
  return { lits: out, anyOf };
}

const needsCache = new WeakMap<RegExp, { lits: string[]; anyOf: string[][][] } | null>();
function needsFor(re: RegExp): { lits: string[]; anyOf: string[][][] } | null {
  let needs = needsCache.get(re);
  if (needs === undefined) {
    needs = requiredText(re);
    needsCache.set(re, needs);
  }
  return needs;
}

/** False when `re` certainly finds nothing in `s` (it lacks text every match contains). */
function mayMatch(re: RegExp, s: string): boolean {
  const needs = needsFor(re);
  if (needs === null) return true;
  for (const l of needs.lits) if (!s.includes(l)) return false;
  for (const alts of needs.anyOf) if (!alts.some((a) => a.every((l) => s.includes(l)))) return false;
  return true;
}

/**
 * What a strip phrase needs, as bits of characters (see Prepared.kinds): all of `all`, and for each group, all the
 * bits of one of its alternatives. Only a necessary condition: characters without a bit are not checked.
 */
interface PhraseNeeds {
  all: number;
  anyOf: number[][];
}

/** The regexes of a boilerplate lexicon, prepared once. */
interface Prepared {
  dropLines: RegExp[];
  dropAfter: RegExp[];
  stripPhrases: RegExp[];
  /** dropLines.some(test) and dropAfter.some(test), as one regex each when that is the same. */
  dropLine: (s: string) => boolean;
  endsBody: (s: string) => boolean;
  /**
   * Per code unit: CLEAN_KIND's and NFC_KIND's bits, SPACE_BIT for ' ', and when it is one of the (up to 22)
   * characters of the phrases' literals given a bit (never a space), that bit.
   */
  kinds: Int32Array;
  /** Per phrase, in the bits of `kinds`; null when some phrase's needs are unknown. */
  needs: PhraseNeeds[] | null;
}
/** Prepared.kinds' bit for ' ', and the bit scanText sets for a line with two in a row. */
const SPACE_BIT = 1 << 7;
const DOUBLE_SPACE = 1 << 8;
/** The bits of Prepared.kinds left for characters. */
const CHAR_BIT_FIRST = 9;
const CHAR_BIT_COUNT = 31 - CHAR_BIT_FIRST;

/**
 * `s => res.some(re => re.test(s))` as one regex when that is certainly the same: shared flags without g/y (test()
 * is then stateless), no back-references or named groups (their numbering and names would clash).
 */
function anyTest(res: RegExp[]): (s: string) => boolean {
  const some = (s: string) => res.some((re) => re.test(s));
  if (res.length === 0) return () => false;
  if (res.length === 1) return some;
  const flags = res[0].flags;
  if (/[gy]/.test(flags) || res.some((re) => re.flags !== flags || /\\[1-9k]|\(\?<[^=!]/.test(re.source))) return some;
  try {
    const one = new RegExp(res.map((re) => `(?:${re.source})`).join('|'), flags);
    return (s) => one.test(s);
  } catch {
    return some;
  }
}

/** Letters by how common they are in Persian and Arabic news text, most common first (a rough order). */
const COMMON_LETTERS = 'الیينرموهدتبسکكعةفقشزحأجخگإصطپچضغثذظژئؤآى';
/** A character's rank in COMMON_LETTERS (spaces first of all); anything else, e.g. punctuation or Latin, ranks last. */
function commonness(c: number): number {
  if (/\s/.test(String.fromCharCode(c))) return -1;
  const k = COMMON_LETTERS.indexOf(String.fromCharCode(c));
  return k < 0 ? COMMON_LETTERS.length : k;
}

function sameList(a: RegExp[], b: RegExp[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const preparedCache = new WeakMap<BoilerplateLexicon, Prepared>();
function prepare(lex: BoilerplateLexicon): Prepared {
  const hit = preparedCache.get(lex);
  if (hit && sameList(hit.dropLines, lex.dropLines) && sameList(hit.dropAfter, lex.dropAfter) && sameList(hit.stripPhrases, lex.stripPhrases))
    return hit;
  const all = lex.stripPhrases.map(needsFor);
  const kinds = new Int32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) kinds[c] = CLEAN_KIND[c] | NFC_KIND[c];
  kinds[0x20] |= SPACE_BIT;
  let needs: PhraseNeeds[] | null = null;
  if (all.every((n) => n !== null)) {
    // Each phrase's rarest required characters (by a rough letter frequency of Persian and Arabic news text) get the
    // bits, the rarest first: a common letter in a bit would rule out few lines.
    const picks: number[] = [];
    const pick = (ls: string[], n: number) => {
      const chars = [...new Set(ls.join(''))].map((ch) => ch.charCodeAt(0)).filter((c) => !/\s/.test(String.fromCharCode(c)));
      picks.push(...chars.sort((x, y) => commonness(y) - commonness(x)).slice(0, n));
    };
    for (const n of all) {
      pick(n!.lits, 3);
      for (const alts of n!.anyOf) for (const a of alts) pick(a, 2);
    }
    const charBit = new Map<number, number>();
    for (const c of [...new Set(picks)].sort((x, y) => commonness(y) - commonness(x)).slice(0, CHAR_BIT_COUNT))
      charBit.set(c, 1 << (CHAR_BIT_FIRST + charBit.size));
    for (const [c, bit] of charBit) kinds[c] |= bit;
    const bits = (ls: string[]) => {
      let m = 0;
      for (const l of ls) for (let i = 0; i < l.length; i++) m |= charBit.get(l.charCodeAt(i)) ?? 0;
      return m;
    };
    needs = all.map((n) => ({ all: bits(n!.lits), anyOf: n!.anyOf.map((alts) => alts.map(bits)) }));
  }
  const p: Prepared = {
    dropLines: [...lex.dropLines],
    dropAfter: [...lex.dropAfter],
    stripPhrases: [...lex.stripPhrases],
    dropLine: anyTest(lex.dropLines),
    endsBody: anyTest(lex.dropAfter),
    kinds,
    needs
  };
  preparedCache.set(lex, p);
  return p;
}

/** False when a line whose characters have the bits `m` certainly lacks what the phrase needs. */
function mayHave(n: PhraseNeeds, m: number): boolean {
  if ((m & n.all) !== n.all) return false;
  for (const g of n.anyOf) {
    let ok = false;
    for (const a of g)
      if ((m & a) === a) {
        ok = true;
        break;
      }
    if (!ok) return false;
  }
  return true;
}

/** Drops boilerplate lines, and everything from the first end-of-body marker on (when it is not at the very top). */
export function dropBoilerplate(lines: string[], lex: BoilerplateLexicon): string[] {
  return dropLinesOf(lines, lex, prepare(lex), null);
}

/**
 * dropBoilerplate, given `charMasks[i]`: the bits (Prepared.kinds) of the characters of lines[i] (or null). A line's characters
 * only lose members (trim, collapsing spaces, a phrase replaced by a space), so a phrase whose characters the line
 * lacks cannot match it at any step, and its literals need not be looked for.
 */
function dropLinesOf(lines: string[], lex: BoilerplateLexicon, p: Prepared, charMasks: Int32Array | null): string[] {
  const phrases = lex.stripPhrases;
  const needs = p.needs;
  if (needs === null) charMasks = null;
  const out: string[] = [];
  let kept = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (!line || line === HARD_BREAK) {
      out.push('');
      continue;
    }
    const bare = line.charCodeAt(0) === 1 ? line.replace(/^\u0001+/, '').trim() : line;
    if (!bare) continue;
    if (kept > 0 && p.endsBody(bare)) break;
    if (p.dropLine(bare)) continue;
    // Each phrase: replace, collapse spaces, trim. After the first, the line is collapsed and trimmed, so a phrase
    // that cannot match leaves it as it is.
    for (let k = 0; k < phrases.length; k++) {
      const re = phrases[k];
      const may = (charMasks === null || mayHave(needs![k], charMasks[i])) && mayMatch(re, line);
      if (k > 0 && !may) continue;
      if (may) line = line.replace(re, ' ');
      // (Without a replacement, the line has two spaces in a row only if the scanned line had.)
      if ((may || charMasks === null || (charMasks[i] & DOUBLE_SPACE) !== 0) && line.includes('  ')) line = line.replace(/ {2,}/g, ' ');
      line = line.trim();
    }
    if (!line) continue;
    out.push(line);
    kept++;
  }
  return out;
}

/** Characters that end a sentence or a heading-like line; a line ending otherwise may have been hard-wrapped. */
const TERMINAL = /[.!?؟۔…:»"”)\]]$/u;
const CONTINUES = /[،,؛;\-–—(«]$/u;
/** TERMINAL.test(s) and CONTINUES.test(s): their classes hold BMP characters only, so the last code unit decides. */
const endsWith = (re: RegExp) => {
  const t = codeUnitTable(re);
  return (s: string) => s.length > 0 && t[s.charCodeAt(s.length - 1)] === 1;
};
const isTerminal = endsWith(TERMINAL);
const continues = endsWith(CONTINUES);
/** A wrapped line is long: headings and labels are short. On the seeds wrapped lines are ≥ 99 chars, headings ≤ 85. */
const WRAP_MIN = 90;

/**
 * Unwraps hard line breaks inside sentences. Seed 001 breaks «کمیساریای عالی سازمان ملل متحد در امور» /
 * «پناهندگان» across lines (with a blank line between), so a blank line alone does not prove a paragraph end.
 * A line is joined to the next non-empty line when it ends with a comma-like mark, or when it is long and does not
 * end with terminal punctuation. Paragraphs in the result are separated by "\n\n".
 */
export function unwrapLines(lines: string[]): string[] {
  const paras: string[] = [];
  let cur = '';
  for (let line of lines) {
    const hard = line.startsWith(HARD_BREAK);
    if (hard) line = line.replace(/^\u0001+/, '').trim();
    if (!line) continue;
    if (!cur) {
      cur = line;
      continue;
    }
    // The first paragraph is the title: never glue the body onto it.
    const joinable =
      !hard && paras.length > 0 && (continues(cur) || (cur.length >= WRAP_MIN && !isTerminal(cur)));
    if (joinable) cur = `${cur} ${line}`;
    else {
      paras.push(cur);
      cur = line;
    }
  }
  if (cur) paras.push(cur);
  return paras;
}

export interface CleanResult {
  /** Paragraphs joined by "\n\n". */
  text: string;
  /** First paragraph (the title for .txt input). */
  firstParagraph: string;
}

/** SPACE_KIND's bits, and EMOJI_BIT where EMOJI_START is set: one table for cleanText's single scan (Prepared.kinds). */
const EMOJI_BIT = 16;
/** The CLEAN_KIND bits: steps of spacesAndBullets. */
const SPACE_STEPS = 31;
const CLEAN_KIND = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = SPACE_KIND[c] | (EMOJI_START[c] === 1 ? EMOJI_BIT : 0);
  return t;
})();

/**
 * emojiToBreaks(normalizeSpaces(s)), given which steps have work (`need`, CLEAN_KIND bits of s's characters):
 * normalizeSpaces only turns characters into ' ', '\n' or nothing, so a possible bullet start is there after it
 * exactly when it was before.
 */
function applySpacesAndBullets(s: string, need: number): string {
  if (need & 1) s = s.replace(/\r\n?/g, '\n');
  if (need & 2) s = s.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ');
  if (need & 4) s = s.replace(/[\u200B\u2060\uFEFF]/g, '');
  if (need & 8) s = s.replace(/\u2028|\u2029/g, '\n');
  if (need & EMOJI_BIT) s = s.replace(EMOJI_BULLET, `\n${HARD_BREAK}`);
  return s;
}

/**
 * For NFC's quick check (UAX #15), per code unit: 0 for a character that is NFC_QC=Yes with combining class 0, MARK
 * for an Arabic combining mark that is NFC_QC=Yes (class > 0), UNSAFE for anything else. Only the blocks news text
 * is written in are looked at (Latin-1, Arabic, general punctuation, Arabic presentation forms); everything else is
 * UNSAFE, so that text simply goes through String.prototype.normalize.
 */
const NFC_UNSAFE = 1 << 5;
const NFC_MARK = 1 << 6;
const NFC_KIND = (() => {
  const t = new Uint8Array(0x10000).fill(NFC_UNSAFE);
  const ranges: [number, number][] = [[0x0000, 0x00ff], [0x0600, 0x06ff], [0x2000, 0x206f], [0xfb50, 0xfdff], [0xfe70, 0xfeff]];
  for (const [from, to] of ranges)
    for (let c = from; c <= to; c++) {
      const ch = String.fromCharCode(c);
      if (ch.normalize('NFC') !== ch) continue; // NFC_QC=No
      // A non-zero combining class moves the character before U+0345 (class 240) in NFD.
      const probe = `x\u0345${ch}`;
      const mark = probe.normalize('NFD') !== `x\u0345${ch.normalize('NFD')}`;
      if (!mark) t[c] = 0;
      // Arabic marks; madda and hamza above/below (U+0653–U+0655) compose with what precedes them (NFC_QC=Maybe).
      else if (c >= 0x0600 && c <= 0x06ff && !(c >= 0x0653 && c <= 0x0655)) t[c] = NFC_MARK;
    }
  return t;
})();

/** Results of scanText (module state rather than an object per call). */
let scanNeed = 0;
let scanNfcSafe = false;
let maskScratch: Int32Array = new Int32Array(1024);

/**
 * One pass over `s`: which spacesAndBullets steps have work (scanNeed), whether `s` is certainly NFC already (the
 * quick check: no UNSAFE character and no mark right after a mark), and the `kinds` bits of each line's characters,
 * with DOUBLE_SPACE when it has two spaces in a row (maskScratch, one per line).
 */
function scanText(s: string, kinds: Int32Array): void {
  let masks = maskScratch;
  let need = 0;
  let pairs = 0;
  let line = 0;
  for (let from = 0; ; ) {
    let to = s.indexOf('\n', from);
    if (to < 0) to = s.length;
    let m = 0;
    let twice = 0; // bits of two characters in a row
    let prev = 0; // '\n' is neither a mark nor a space
    for (let i = from; i < to; i++) {
      const k = kinds[s.charCodeAt(i)];
      m |= k;
      twice |= prev & k;
      prev = k;
    }
    if (line === masks.length) masks = growMasks(masks);
    masks[line++] = m | ((twice & SPACE_BIT) << 1);
    need |= m;
    pairs |= twice;
    if (to === s.length) break;
    from = to + 1;
  }
  scanNeed = need;
  // An UNSAFE character, or a MARK right after a MARK.
  scanNfcSafe = (need & NFC_UNSAFE) === 0 && (pairs & NFC_MARK) === 0;
}
function growMasks(masks: Int32Array): Int32Array {
  const grown = new Int32Array(masks.length * 2);
  grown.set(masks);
  return (maskScratch = grown);
}

export function cleanText(raw: string, lex: BoilerplateLexicon): CleanResult {
  const p = prepare(lex);
  let s: string;
  if (raw.includes('&')) {
    s = decodeEntities(raw.normalize('NFC'));
    scanText(s, p.kinds);
  } else {
    // Most text is NFC already, which the scan shows; decodeEntities has nothing to do without an ampersand.
    scanText(raw, p.kinds);
    s = raw;
    if (!scanNfcSafe) {
      s = raw.normalize('NFC');
      if (s !== raw) scanText(s, p.kinds);
    }
  }
  const need = scanNeed & SPACE_STEPS;
  // The masks describe the lines of `s` as it is: only when no step rewrites it.
  const lines = dropLinesOf(need === 0 ? s.split('\n') : applySpacesAndBullets(s, need).split('\n'), lex, p, need === 0 ? maskScratch : null);
  const unwrapped = unwrapLines(lines);
  // With strip phrases, dropBoilerplate leaves every line trimmed and without double spaces, and unwrapLines joins
  // trimmed lines with one space: then this step changes nothing.
  const paras = lex.stripPhrases.length > 0 ? unwrapped : unwrapped.map((p) => p.replace(/ {2,}/g, ' ').trim()).filter(Boolean);
  return { text: paras.join('\n\n'), firstParagraph: paras[0] ?? '' };
}
