/**
 * Multilingual phrase matcher: all aliases in one character trie, walked from every word start of the normalised
 * text with its spaces removed. (A regex alternation of ~2,000 aliases with look-behinds took 20 s per article in V8;
 * the trie walk costs a few characters per word.)
 *
 * Alias conventions (the lexicon files follow them):
 * - spaces/ZWNJ are ignored inside a match, so `بین‌المللی` ~ `بینالمللی` ~ `بین المللی` (the seeds lost their ZWNJs);
 *   a match must still start at a word start and end at a word end of the text;
 * - a trailing `*` lets the last word continue (`تحریم*` ~ `تحریمها`, `تحریم‌های`);
 * - otherwise common Persian/Arabic inflectional suffixes may follow, then the word must end;
 * - Arabic aliases may carry proclitics و/ف + ب/ك/ل, with ل + ال written لل (`للأمم المتحدة`);
 * - all-caps Latin abbreviations (`IOM`, `UPR`) match case-sensitively, other Latin aliases case-insensitively;
 * - the longest alias wins at a position, and matches never overlap.
 */
import { normalizeTerm, toOriginalSpan, type Normalized } from './normalize';

export type AliasLang = 'fa' | 'ar' | 'en';

export interface AliasSpec<T> {
  alias: string;
  lang: AliasLang;
  payload: T;
}

export interface Hit<T> {
  payload: T;
  /** Offsets in the normalised text. */
  nStart: number;
  nEnd: number;
  /** Offsets in the original (display) text. */
  start: number;
  end: number;
  /** Found inside a longer hit (only with `match(…, { nested: true })`). */
  nested?: boolean;
}

/** Suffixes allowed after a whole-word alias, tried longest first; a leading space stands for a ZWNJ/space. */
const FA_SUFFIX = /(?: ?(?:هایی|های|ها)| ?ای|یان|ان|شان|مان|تان|ی|ش)?(?![\p{L}\p{M}\p{N}])/uy;
const AR_SUFFIX = /(?:یین|یون|یه|ها|هم|ات|ین|ون|ان|ی)?(?![\p{L}\p{M}\p{N}])/uy;
const PLAIN_END = /(?![\p{L}\p{M}\p{N}])/uy;
const PREFIX_END = /[\p{L}\p{M}]*(?: (?:هایی|های|ها)(?![\p{L}\p{M}\p{N}]))?/uy;
const WORD_CHAR_RE = /[\p{L}\p{M}\p{N}]/u;
/** Hot path: ASCII and the Arabic block by code, the rest by Unicode property. */
function isWordChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  if (c >= 0x0620 && c <= 0x06ff) return !(c >= 0x066a && c <= 0x066d) && c !== 0x06d4;
  return WORD_CHAR_RE.test(s[i]);
}

export function isAbbreviation(alias: string): boolean {
  return /^[A-Z][A-Z0-9&-]{1,5}$/.test(alias);
}

interface Terminal<T> {
  payload: T;
  lang: AliasLang;
  prefix: boolean;
  /** Case-sensitive abbreviation: the original text must equal this. */
  exact: string | null;
  len: number;
  /** Alias positions (in its space-free form) that had a space before them: the only places a text space may fall. */
  spaces: number[];
}

/** A space in the text inside a match must sit where the alias has one («إلى من» is not «اليمن»). */
function spacesAllowed(spaces: number[], cmap: Int32Array, from: number, to: number, a0: number): boolean {
  for (let j = from + 1; j < to; j++) {
    if (cmap[j] - cmap[j - 1] > 1 && !spaces.includes(a0 + j - from)) return false;
  }
  return true;
}

interface Node<T> {
  next: Map<string, Node<T>>;
  terms: Terminal<T>[] | null;
}

const newNode = <T>(): Node<T> => ({ next: new Map(), terms: null });

interface Compact {
  /** `norm` without spaces, Latin lower-cased. */
  compact: string;
  /** compact index → norm index */
  cmap: Int32Array;
  /** norm index → compact index (−1 for spaces) */
  cIndexOfNorm: Int32Array;
  /** norm indices where a word starts, ascending */
  wordStarts: Int32Array;
}

/** The space-free form is shared by every matcher run over the same text. */
const compactCache = new WeakMap<Normalized, Compact>();
function compactOf(nz: Normalized): Compact {
  let c = compactCache.get(nz);
  if (c) return c;
  const norm = nz.norm;
  const cmap = new Int32Array(norm.length);
  const cIndexOfNorm = new Int32Array(norm.length + 1).fill(-1);
  let n = 0;
  let buf = '';
  for (let i = 0; i < norm.length; i++) {
    const code = norm.charCodeAt(i);
    if (code === 32) continue;
    buf += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : norm[i];
    cIndexOfNorm[i] = n;
    cmap[n++] = i;
  }
  const starts = new Int32Array(norm.length);
  let w = 0;
  let prevWord = false;
  for (let i = 0; i < norm.length; i++) {
    const word = isWordChar(norm, i);
    if (word && !prevWord) starts[w++] = i;
    prevWord = word;
  }
  c = { compact: buf, cmap: cmap.subarray(0, n), cIndexOfNorm, wordStarts: starts.slice(0, w) };
  compactCache.set(nz, c);
  return c;
}

export class PhraseMatcher<T> {
  private readonly root: Node<T> = newNode();
  readonly size: number;
  /** Alias languages allowed in the current `match` call (null = all). */
  private langs: ReadonlySet<AliasLang> | null = null;

  constructor(specs: AliasSpec<T>[]) {
    let n = 0;
    const seen = new Set<string>();
    for (const s of specs) {
      const a = s.alias.trim();
      if (!a || a === '*') continue;
      const key = `${s.lang}\u0000${a}\u0000${JSON.stringify(s.payload)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const prefix = a.endsWith('*');
      const abbrev = isAbbreviation(a);
      const spaced = normalizeTerm(a.replace(/\*$/, ''), true);
      const compact = spaced.replace(/ /g, '');
      if (!compact) continue;
      const spaces: number[] = [];
      for (let i = 0, k = 0; i < spaced.length; i++) {
        if (spaced[i] === ' ') spaces.push(k);
        else k++;
      }
      let node = this.root;
      for (const ch of compact) {
        let nx = node.next.get(ch);
        if (!nx) node.next.set(ch, (nx = newNode()));
        node = nx;
      }
      (node.terms ??= []).push({ payload: s.payload, lang: s.lang, prefix, exact: abbrev ? a : null, len: compact.length, spaces });
      n++;
    }
    this.size = n;
  }

  /**
   * Non-overlapping hits, longest first at each position, sorted by position. With `nested`, hits of other payloads
   * inside a longer hit are added too (`دبیرکل [سازمان ملل متحد]` is a mention of the Secretary-General AND of the UN).
   */
  match(nz: Normalized, opts: { nested?: boolean; langs?: ReadonlySet<AliasLang> } = {}): Hit<T>[] {
    this.langs = opts.langs ?? null;
    const norm = nz.norm;
    const { compact, cmap, cIndexOfNorm, wordStarts } = compactOf(nz);
    const out: Hit<T>[] = [];
    let blockedUntil = 0; // norm index: no new match may start before it
    for (let wi = 0; wi < wordStarts.length; wi++) {
      const p = wordStarts[wi];
      if (p < blockedUntil) continue;
      const c0 = cIndexOfNorm[p];
      if (c0 < 0) continue;
      const best = this.bestFrom(c0, p, compact, cmap, norm, nz);
      if (!best) continue;
      out.push(best);
      blockedUntil = best.nEnd;
      if (!opts.nested) continue;
      let innerBlocked = p + 1;
      for (let wj = wi + 1; wj < wordStarts.length && wordStarts[wj] < best.nEnd; wj++) {
        const r = wordStarts[wj];
        if (r < innerBlocked) continue;
        const ci = cIndexOfNorm[r];
        const inner = ci < 0 ? null : this.bestFrom(ci, r, compact, cmap, norm, nz);
        if (inner && inner.nEnd <= best.nEnd && inner.payload !== best.payload) {
          out.push({ ...inner, nested: true });
          innerBlocked = inner.nEnd;
        }
      }
    }
    return out;
  }

  // Scratch state of one bestFrom call (avoids allocating per word).
  private best: Hit<T> | null = null;
  private bestLen = -1;

  private bestFrom(c0: number, p: number, compact: string, cmap: Int32Array, norm: string, nz: Normalized): Hit<T> | null {
    this.best = null;
    this.bestLen = -1;
    // Start variants: the word itself, or (Arabic aliases only) after proclitics.
    this.walk(c0, this.root, false, 0, p, compact, cmap, norm, nz);
    let q = c0;
    const ch = compact[q];
    if (ch === 'و' || ch === 'ف') this.walk(++q, this.root, true, 0, p, compact, cmap, norm, nz);
    if (compact[q] === 'ل' && compact[q + 1] === 'ل') {
      // «لل» = ل + «ال» without its alef: continue the alias after its «ا» (a0 = 1 alias character consumed).
      const alNode = this.root.next.get('ا');
      if (alNode) this.walk(q + 1, alNode, true, 1, p, compact, cmap, norm, nz);
    }
    const cq = compact[q];
    if (cq === 'ب' || cq === 'ک' || cq === 'ل') this.walk(q + 1, this.root, true, 0, p, compact, cmap, norm, nz);
    return this.best;
  }

  private walk(sc: number, start: Node<T>, arOnly: boolean, a0: number, p: number, compact: string, cmap: Int32Array, norm: string, nz: Normalized): void {
    let node: Node<T> | undefined = start;
    let c = sc;
    while (node) {
      if (node.terms && c > sc) {
        for (const t of node.terms) {
          if (arOnly && t.lang !== 'ar') continue;
          if (this.langs && !this.langs.has(t.lang)) continue;
          if (t.len <= this.bestLen) continue;
          if (!spacesAllowed(t.spaces, cmap, sc, c, a0)) continue;
          const endNorm = cmap[c - 1] + 1;
          // Abbreviations are ASCII, so the case-preserving `norm` holds them as written.
          if (t.exact !== null && norm.slice(cmap[sc], endNorm) !== t.exact) continue;
          const nEnd = this.endOf(t, endNorm, norm);
          if (nEnd < 0) continue;
          const [start0, end] = toOriginalSpan(nz, p, nEnd);
          this.best = { payload: t.payload, nStart: p, nEnd, start: start0, end };
          this.bestLen = t.len;
        }
      }
      if (c >= compact.length) break;
      node = node.next.get(compact[c]);
      c++;
    }
  }

  private endOf(t: Terminal<T>, endNorm: number, norm: string): number {
    const re = t.prefix ? PREFIX_END : t.exact !== null || /[a-z0-9]$/i.test(norm[endNorm - 1] ?? '') ? PLAIN_END : t.lang === 'ar' ? AR_SUFFIX : FA_SUFFIX;
    re.lastIndex = endNorm;
    const m = re.exec(norm);
    if (!m) return -1;
    return endNorm + m[0].length;
  }
}
