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
  /** Index of the matcher that owns this alias inside a MatcherGroup's shared trie (−1 in a matcher's own trie). */
  owner: number;
}

function insert<T>(root: Node<T>, compact: string, term: Terminal<T>): void {
  let node = root;
  for (let i = 0; i < compact.length; i++) {
    const ch = compact.charCodeAt(i);
    let nx = node.next.get(ch);
    if (!nx) node.next.set(ch, (nx = newNode()));
    node = nx;
  }
  (node.terms ??= []).push(term);
}

/** A space in the text inside a match must sit where the alias has one («إلى من» is not «اليمن»). */
function spacesAllowed(spaces: number[], cmap: Int32Array, from: number, to: number, a0: number): boolean {
  for (let j = from + 1; j < to; j++) {
    if (cmap[j] - cmap[j - 1] > 1 && !spaces.includes(a0 + j - from)) return false;
  }
  return true;
}

interface Node<T> {
  /** Keyed by UTF-16 code: number keys are cheaper than one-character strings on the hot path. */
  next: Map<number, Node<T>>;
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

const ALEF = 'ا'.charCodeAt(0);
const LAM = 'ل'.charCodeAt(0);
const WAW = 'و'.charCodeAt(0);
const FEH = 'ف'.charCodeAt(0);
const BEH = 'ب'.charCodeAt(0);
const KEHEH = 'ک'.charCodeAt(0);

/**
 * Start variants of a word: the word itself, or (Arabic aliases only) after proclitics و/ف then ب/ک/ل, with «لل» read
 * as ل + «ال» without its alef (a0 = 1 alias character already consumed).
 */
function forEachStart<T>(
  root: Node<T>,
  compact: string,
  c0: number,
  visit: (sc: number, node: Node<T>, arOnly: boolean, a0: number) => void
): void {
  visit(c0, root, false, 0);
  let q = c0;
  const ch = compact.charCodeAt(q);
  if (ch === WAW || ch === FEH) visit(++q, root, true, 0);
  const cq = compact.charCodeAt(q);
  if (cq === LAM && compact.charCodeAt(q + 1) === LAM) {
    const alNode = root.next.get(ALEF);
    if (alNode) visit(q + 1, alNode, true, 1);
  }
  if (cq === BEH || cq === KEHEH || cq === LAM) visit(q + 1, root, true, 0);
}

function endOf<T>(t: Terminal<T>, endNorm: number, norm: string): number {
  const re = t.prefix ? PREFIX_END : t.exact !== null || /[a-z0-9]$/i.test(norm[endNorm - 1] ?? '') ? PLAIN_END : t.lang === 'ar' ? AR_SUFFIX : FA_SUFFIX;
  re.lastIndex = endNorm;
  const m = re.exec(norm);
  if (!m) return -1;
  return endNorm + m[0].length;
}

/** Whether terminal `t`, reached after walking compact[sc, c), is a valid match; returns its normalised end or −1. */
function accept<T>(t: Terminal<T>, sc: number, c: number, a0: number, arOnly: boolean, langs: ReadonlySet<AliasLang> | null, cmap: Int32Array, norm: string): number {
  if (arOnly && t.lang !== 'ar') return -1;
  if (langs && !langs.has(t.lang)) return -1;
  if (!spacesAllowed(t.spaces, cmap, sc, c, a0)) return -1;
  const endNorm = cmap[c - 1] + 1;
  // Abbreviations are ASCII, so the case-preserving `norm` holds them as written.
  if (t.exact !== null && norm.slice(cmap[sc], endNorm) !== t.exact) return -1;
  return endOf(t, endNorm, norm);
}

/**
 * Several matchers sharing one trie: one walk per word start finds every member's hits, instead of one walk per
 * matcher (the pipeline runs a dozen matchers over each article). Results are cached per text and language set.
 */
export class MatcherGroup {
  private readonly root: Node<unknown> = newNode();
  private readonly members: PhraseMatcher<unknown>[] = [];
  private readonly cache = new WeakMap<Normalized, { langs: ReadonlySet<AliasLang> | null; hits: Hit<unknown>[][] }>();

  add<T>(m: PhraseMatcher<T>): PhraseMatcher<T> {
    const owner = this.members.length;
    this.members.push(m as PhraseMatcher<unknown>);
    for (const [compact, t] of m.aliasTerms()) insert(this.root, compact, { ...(t as Terminal<unknown>), owner });
    m.joinGroup(this as MatcherGroup, owner);
    return m;
  }

  hitsFor(nz: Normalized, langs: ReadonlySet<AliasLang> | null, owner: number): Hit<unknown>[] {
    let c = this.cache.get(nz);
    if (!c || c.langs !== langs) {
      c = { langs, hits: this.run(nz, langs) };
      this.cache.set(nz, c);
    }
    return c.hits[owner];
  }

  private run(nz: Normalized, langs: ReadonlySet<AliasLang> | null): Hit<unknown>[][] {
    const k = this.members.length;
    const out: Hit<unknown>[][] = Array.from({ length: k }, () => []);
    const blocked = new Int32Array(k);
    const bestLen = new Int32Array(k);
    const best: (Hit<unknown> | null)[] = new Array(k).fill(null);
    const touched: number[] = [];
    const norm = nz.norm;
    const { compact, cmap, cIndexOfNorm, wordStarts } = compactOf(nz);
    for (let wi = 0; wi < wordStarts.length; wi++) {
      const p = wordStarts[wi];
      const c0 = cIndexOfNorm[p];
      if (c0 < 0) continue;
      forEachStart(this.root, compact, c0, (sc, start, arOnly, a0) => {
        let node: Node<unknown> | undefined = start;
        let c = sc;
        while (node) {
          if (node.terms && c > sc) {
            for (const t of node.terms) {
              const o = t.owner;
              if (blocked[o] > p) continue;
              if (best[o] && t.len <= bestLen[o]) continue;
              const nEnd = accept(t, sc, c, a0, arOnly, langs, cmap, norm);
              if (nEnd < 0) continue;
              if (!best[o]) touched.push(o);
              const [s0, e0] = toOriginalSpan(nz, p, nEnd);
              best[o] = { payload: t.payload, nStart: p, nEnd, start: s0, end: e0 };
              bestLen[o] = t.len;
            }
          }
          if (c >= compact.length) break;
          node = node.next.get(compact.charCodeAt(c));
          c++;
        }
      });
      for (const o of touched) {
        const h = best[o]!;
        out[o].push(h);
        blocked[o] = h.nEnd;
        best[o] = null;
      }
      touched.length = 0;
    }
    return out;
  }
}

export class PhraseMatcher<T> {
  private readonly root: Node<T> = newNode();
  private readonly terms: [string, Terminal<T>][] = [];
  private group: MatcherGroup | null = null;
  private owner = -1;
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
      const term: Terminal<T> = { payload: s.payload, lang: s.lang, prefix, exact: abbrev ? a : null, len: compact.length, spaces, owner: -1 };
      insert(this.root, compact, term);
      this.terms.push([compact, term]);
      n++;
    }
    this.size = n;
  }

  aliasTerms(): readonly [string, Terminal<T>][] {
    return this.terms;
  }

  joinGroup(g: MatcherGroup, owner: number): void {
    this.group = g;
    this.owner = owner;
  }

  /**
   * Non-overlapping hits, longest first at each position, sorted by position. With `nested`, hits of other payloads
   * inside a longer hit are added too (`دبیرکل [سازمان ملل متحد]` is a mention of the Secretary-General AND of the UN).
   */
  match(nz: Normalized, opts: { nested?: boolean; langs?: ReadonlySet<AliasLang> } = {}): Hit<T>[] {
    this.langs = opts.langs ?? null;
    const norm = nz.norm;
    const { compact, cmap, cIndexOfNorm, wordStarts } = compactOf(nz);
    if (this.group && !opts.nested) return this.group.hitsFor(nz, this.langs, this.owner) as Hit<T>[];
    const outer = this.group ? (this.group.hitsFor(nz, this.langs, this.owner) as Hit<T>[]) : null;
    const out: Hit<T>[] = [];
    let blockedUntil = 0; // norm index: no new match may start before it
    let oi = 0;
    for (let wi = 0; wi < wordStarts.length; wi++) {
      const p = wordStarts[wi];
      if (p < blockedUntil) continue;
      const c0 = cIndexOfNorm[p];
      if (c0 < 0) continue;
      let best: Hit<T> | null;
      if (outer) {
        while (oi < outer.length && outer[oi].nStart < p) oi++;
        best = oi < outer.length && outer[oi].nStart === p ? outer[oi] : null;
      } else best = this.bestFrom(c0, p, compact, cmap, norm, nz);
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
    forEachStart(this.root, compact, c0, (sc, start, arOnly, a0) => {
      let node: Node<T> | undefined = start;
      let c = sc;
      while (node) {
        if (node.terms && c > sc) {
          for (const t of node.terms) {
            if (t.len <= this.bestLen) continue;
            const nEnd = accept(t, sc, c, a0, arOnly, this.langs, cmap, norm);
            if (nEnd < 0) continue;
            const [s0, e0] = toOriginalSpan(nz, p, nEnd);
            this.best = { payload: t.payload, nStart: p, nEnd, start: s0, end: e0 };
            this.bestLen = t.len;
          }
        }
        if (c >= compact.length) break;
        node = node.next.get(compact.charCodeAt(c));
        c++;
      }
    });
    return this.best;
  }
}
