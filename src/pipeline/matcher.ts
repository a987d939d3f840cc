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
import { codesToString, normalizeTerm, type Normalized } from './normalize';
import { codeUnitTable } from './code-table';

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
const FA_STARTS = suffixStarts(FA_SUFFIX);
const AR_STARTS = suffixStarts(AR_SUFFIX);
const NO_STARTS = suffixStarts(PLAIN_END);
const PREFIX_END = /[\p{L}\p{M}]*(?: (?:هایی|های|ها)(?![\p{L}\p{M}\p{N}]))?/uy;
const WORD_CHAR_RE = /[\p{L}\p{M}\p{N}]/u;
/** WORD_CHAR_RE (the suffixes' look-ahead class) per BMP code unit; surrogates are left to the regexes. */
const LMN = codeUnitTable(WORD_CHAR_RE);

/**
 * The characters an optional suffix group can start with, read from a pattern of the form `(?:ALTS)?(?!…)` where
 * ALTS is an alternation of literal characters, `?`-optional characters and `(?:…)` groups of the same. Null when
 * the pattern has another form (the caller then always runs the regex).
 */
export function suffixStarts(re: RegExp): Uint8Array | null {
  const m = /^\(\?:(.*)\)\?\(\?!\[\\p\{L\}\\p\{M\}\\p\{N\}\]\)$/su.exec(re.source);
  if (!m) return re.source === '(?![\\p{L}\\p{M}\\p{N}])' ? new Uint8Array(0x10000) : null;
  const src = m[1];
  let i = 0;
  // first(alternation) as a set; `nullable` tells whether some alternative can be empty.
  const alternation = (): { first: Set<number>; nullable: boolean } | null => {
    const first = new Set<number>();
    let nullable = false;
    for (;;) {
      const seq = sequence();
      if (!seq) return null;
      seq.first.forEach((c) => first.add(c));
      nullable ||= seq.nullable;
      if (src[i] === '|') i++;
      else return { first, nullable };
    }
  };
  const sequence = (): { first: Set<number>; nullable: boolean } | null => {
    const first = new Set<number>();
    let open = true; // every atom so far could be empty
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom: { first: Set<number>; nullable: boolean } | null;
      if (src.startsWith('(?:', i)) {
        i += 3;
        atom = alternation();
        if (!atom || src[i] !== ')') return null;
        i++;
      } else {
        const ch = src[i];
        if ('\\[]{}()*+.^$'.includes(ch) || ch === '?') return null;
        const cp = src.codePointAt(i)!;
        if (cp > 0xffff) return null;
        atom = { first: new Set([cp]), nullable: false };
        i += 1;
      }
      if (src[i] === '?') {
        atom.nullable = true;
        i++;
      } else if ('*+{'.includes(src[i])) return null;
      if (open) atom.first.forEach((c) => first.add(c));
      open &&= atom.nullable;
    }
    return { first, nullable: open };
  };
  const alt = alternation();
  if (!alt || i !== src.length) return null;
  const t = new Uint8Array(0x10000);
  alt.first.forEach((c) => (t[c] = 1));
  return t;
}
/** Whether a UTF-16 code unit is a word character: ASCII and the Arabic block by code, the rest by Unicode property. */
function isWordCode(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  if (c >= 0x0620 && c <= 0x06ff) return !(c >= 0x066a && c <= 0x066d) && c !== 0x06d4;
  return WORD_CHAR_RE.test(String.fromCharCode(c));
}
/** isWordCode per code unit, computed once. */
const WORD_CODE = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = isWordCode(c) ? 1 : 0;
  return t;
})();

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
  /** LANG_BIT[lang], for a bit test against the allowed languages. */
  langBit: number;
}

const LANG_BIT: Record<AliasLang, number> = { fa: 1, ar: 2, en: 4 };
/** The allowed languages as bits (null = all). */
function langMaskOf(langs: ReadonlySet<AliasLang> | null): number {
  if (!langs) return 7;
  let m = 0;
  for (const l of langs) m |= LANG_BIT[l] ?? 0;
  return m;
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

/**
 * The trie in flat arrays for the hot loop: node 0 is the root, whose children are a dense table by code; other
 * nodes list their edges (sorted by code) in edgeCode/edgeTo from edgeStart[node] to edgeStart[node + 1].
 */
interface FlatTrie<T> {
  rootChild: Int32Array;
  edgeStart: Int32Array;
  edgeCode: Uint16Array;
  edgeTo: Int32Array;
  /** Per node, interleaved: (number of children, capped at 255) | (first child's code << 8), and the first child (−1 if none). */
  info: Int32Array;
  /**
   * Every node's terminals in one list: node n's are termAt[termStart[n] … termStart[n + 1]), with the fields the hot
   * loop tests first in typed arrays, so that a terminal object is touched only when those tests pass.
   */
  termStart: Int32Array;
  termAt: Terminal<T>[];
  termOwner: Int32Array;
  termLen: Int32Array;
  termLangBit: Uint8Array;
  /** F_PREFIX | F_EXACT | F_AR bits: what accept needs of the terminal (F_AR: the only aliases a proclitic start may accept). */
  termFlags: Uint8Array;
  /** Nodes with many children also have a dense row: alphabet index of a code (0 = in no alias) → child or −1. */
  alpha: Uint16Array;
  alphaSize: number;
  denseRow: Int32Array;
  dense: Int32Array;
}

/** Nodes with more children than this get a dense row. */
const DENSE_FANOUT = 2;

function flatten<T>(root: Node<T>): FlatTrie<T> {
  // Depth-first order: an alias's chain of single-child nodes sits in consecutive entries (one cache line, not one per step).
  const nodes: Node<T>[] = [];
  const stack: Node<T>[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    nodes.push(n);
    const kids = [...n.next].sort((a, b) => b[0] - a[0]);
    for (const [, child] of kids) stack.push(child);
  }
  const id = new Map<Node<T>, number>(nodes.map((n, i) => [n, i]));
  const edgeStart = new Int32Array(nodes.length + 1);
  let nEdges = 0;
  for (let i = 0; i < nodes.length; i++) {
    edgeStart[i] = nEdges;
    nEdges += nodes[i].next.size;
  }
  edgeStart[nodes.length] = nEdges;
  const edgeCode = new Uint16Array(nEdges);
  const edgeTo = new Int32Array(nEdges);
  for (let i = 0; i < nodes.length; i++) {
    const edges = [...nodes[i].next].sort((a, b) => a[0] - b[0]);
    edges.forEach(([code, child], k) => {
      edgeCode[edgeStart[i] + k] = code;
      edgeTo[edgeStart[i] + k] = id.get(child)!;
    });
  }
  const rootChild = new Int32Array(0x10000).fill(-1);
  for (const [code, child] of root.next) rootChild[code] = id.get(child)!;
  const alpha = new Uint16Array(0x10000);
  let alphaSize = 1;
  for (let e = 0; e < nEdges; e++) if (alpha[edgeCode[e]] === 0) alpha[edgeCode[e]] = alphaSize++;
  const info = new Int32Array(2 * nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const fan = edgeStart[i + 1] - edgeStart[i];
    info[2 * i] = (fan > 255 ? 255 : fan) | (fan ? edgeCode[edgeStart[i]] << 8 : 0);
    info[2 * i + 1] = fan ? edgeTo[edgeStart[i]] : -1;
  }
  const denseRow = new Int32Array(nodes.length).fill(-1);
  let rows = 0;
  for (let i = 1; i < nodes.length; i++) if (edgeStart[i + 1] - edgeStart[i] > DENSE_FANOUT) denseRow[i] = rows++;
  const dense = new Int32Array(rows * alphaSize).fill(-1);
  for (let i = 1; i < nodes.length; i++) {
    if (denseRow[i] < 0) continue;
    for (let e = edgeStart[i]; e < edgeStart[i + 1]; e++) dense[denseRow[i] * alphaSize + alpha[edgeCode[e]]] = edgeTo[e];
  }
  const terms = nodes.map((n) => n.terms);
  const termStart = new Int32Array(nodes.length + 1);
  const termAt: Terminal<T>[] = [];
  for (let i = 0; i < nodes.length; i++) {
    termStart[i] = termAt.length;
    for (const t of terms[i] ?? []) termAt.push(t);
  }
  termStart[nodes.length] = termAt.length;
  const termOwner = Int32Array.from(termAt, (t) => t.owner);
  const termLen = Int32Array.from(termAt, (t) => t.len);
  const termLangBit = Uint8Array.from(termAt, (t) => t.langBit);
  const termFlags = Uint8Array.from(termAt, flagsOf);
  return { rootChild, edgeStart, edgeCode, edgeTo, info, termStart, termAt, termOwner, termLen, termLangBit, termFlags, alpha, alphaSize, denseRow, dense };
}

/** The child of `node` by `code`, or −1. */
function childOf<T>(t: FlatTrie<T>, node: number, code: number): number {
  if (node === 0) return t.rootChild[code];
  const inf = t.info[2 * node];
  const fan = inf & 255;
  // Most nodes (inside an alias) have one child.
  if (fan <= 1) return fan === 1 && inf >>> 8 === code ? t.info[2 * node + 1] : -1;
  const row = t.denseRow[node];
  if (row >= 0) {
    const a = t.alpha[code];
    return a === 0 ? -1 : t.dense[row * t.alphaSize + a];
  }
  const ec = t.edgeCode;
  for (let lo = t.edgeStart[node], hi = t.edgeStart[node + 1]; lo < hi; lo++) if (ec[lo] === code) return t.edgeTo[lo];
  return -1;
}

interface Compact {
  /** `norm` without spaces, Latin lower-cased. */
  compact: string;
  /** compact index → norm index */
  cmap: Int32Array;
  /** norm index → compact index (−1 for spaces) */
  /** wordStartsC[k] = compact index of the character at wordStarts[k] (−1 if it were a space; it never is). */
  wordStartsC: Int32Array;
  /** norm indices where a word starts, ascending */
  wordStarts: Int32Array;
}

let scratchCodes = new Uint16Array(1 << 14);
let scratchCmap = new Int32Array(1 << 14);
let scratchStarts = new Int32Array(1 << 14);
let scratchStartsC = new Int32Array(1 << 14);

/** The space-free form is shared by every matcher run over the same text. */
const compactCache = new WeakMap<Normalized, Compact>();
function compactOf(nz: Normalized): Compact {
  let c = compactCache.get(nz);
  if (c) return c;
  const norm = nz.norm;
  const len = norm.length;
  // Working buffers are reused across calls; the result gets exact-size copies.
  if (scratchCodes.length < len) {
    scratchCodes = new Uint16Array(len + 1024);
    scratchCmap = new Int32Array(len + 1024);
    scratchStarts = new Int32Array(len + 1024);
    scratchStartsC = new Int32Array(len + 1024);
  }
  const codes = scratchCodes;
  const cmap = scratchCmap;
  const starts = scratchStarts;
  const startsC = scratchStartsC;
  let n = 0;
  let w = 0;
  let prevWord = false;
  for (let i = 0; i < len; i++) {
    const code = norm.charCodeAt(i);
    const word = WORD_CODE[code] === 1;
    if (word && !prevWord) {
      starts[w] = i;
      startsC[w++] = code === 32 ? -1 : n;
    }
    prevWord = word;
    if (code === 32) continue;
    codes[n] = code >= 65 && code <= 90 ? code + 32 : code;
    cmap[n++] = i;
  }
  c = { compact: codesToString(codes, n), cmap: cmap.slice(0, n), wordStartsC: startsC.slice(0, w), wordStarts: starts.slice(0, w) };
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
 * as ل + «ال» without its alef (a0 = 1 alias character already consumed). Written to `out` as (sc, node, arOnly, a0)
 * quadruples, in the order they are tried; returns how many (`max` = 1: the word itself only).
 */
function startsOf<T>(trie: FlatTrie<T>, compact: string, c0: number, out: Int32Array, max = 4): number {
  // (No local helper function: tsx's keepNames would re-name it on every call.)
  out[0] = c0;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  if (max === 1) return 1;
  let k = 4;
  let q = c0;
  const ch = compact.charCodeAt(q);
  if (ch === WAW || ch === FEH) {
    out[k++] = ++q;
    out[k++] = 0;
    out[k++] = 1;
    out[k++] = 0;
  }
  const cq = compact.charCodeAt(q);
  if (cq === LAM && compact.charCodeAt(q + 1) === LAM) {
    const alNode = trie.rootChild[ALEF];
    if (alNode >= 0) {
      out[k++] = q + 1;
      out[k++] = alNode;
      out[k++] = 1;
      out[k++] = 1;
    }
  }
  if (cq === BEH || cq === KEHEH || cq === LAM) {
    out[k++] = q + 1;
    out[k++] = 0;
    out[k++] = 1;
    out[k++] = 0;
  }
  return k >> 2;
}
const STARTS = new Int32Array(16);

/** /[a-z0-9]/i on one character (NaN, past the end, is false). */
function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** termFlags bits. */
const F_PREFIX = 1;
const F_EXACT = 2;
const F_AR = 4;
function flagsOf<T>(t: Terminal<T>): number {
  return (t.prefix ? F_PREFIX : 0) | (t.exact !== null ? F_EXACT : 0) | (t.lang === 'ar' ? F_AR : 0);
}

function endOf(flags: number, endNorm: number, norm: string): number {
  const re = (flags & F_PREFIX) !== 0 ? PREFIX_END : (flags & F_EXACT) !== 0 || isAsciiAlnum(norm.charCodeAt(endNorm - 1)) ? PLAIN_END : (flags & F_AR) !== 0 ? AR_SUFFIX : FA_SUFFIX;
  // Without a suffix starting here, the pattern's answer is its look-ahead's: no word character next.
  const starts = re === FA_SUFFIX ? FA_STARTS : re === AR_SUFFIX ? AR_STARTS : re === PLAIN_END ? NO_STARTS : null;
  if (starts !== null) {
    if (endNorm >= norm.length) return endNorm;
    const nc = norm.charCodeAt(endNorm);
    if ((nc < 0xd800 || nc > 0xdfff) && starts[nc] === 0) return LMN[nc] === 1 ? -1 : endNorm;
  }
  re.lastIndex = endNorm;
  const m = re.exec(norm);
  if (!m) return -1;
  return endNorm + m[0].length;
}

/**
 * Whether terminal `ti` of `trie`, reached after walking compact[sc, c), is a valid match; returns its normalised end
 * or −1. The caller has checked its language (termLangBit, and F_AR for a proclitic variant). The terminal object
 * is read only for a match with a space inside or an abbreviation.
 */
function accept<T>(trie: FlatTrie<T>, ti: number, sc: number, c: number, a0: number, cmap: Int32Array, norm: string): number {
  const last = cmap[c - 1];
  // No space inside the matched text (its characters are consecutive in `norm`): nothing to check.
  if (last - cmap[sc] !== c - 1 - sc && !spacesAllowed(trie.termAt[ti].spaces, cmap, sc, c, a0)) return -1;
  const endNorm = last + 1;
  const flags = trie.termFlags[ti];
  // Abbreviations are ASCII, so the case-preserving `norm` holds them as written.
  if ((flags & F_EXACT) !== 0 && norm.slice(cmap[sc], endNorm) !== trie.termAt[ti].exact) return -1;
  return endOf(flags, endNorm, norm);
}

/**
 * Several matchers sharing one trie: one walk per word start finds every member's hits, instead of one walk per
 * matcher (the pipeline runs a dozen matchers over each article). Results are cached per text and language set.
 */
export class MatcherGroup {
  private readonly root: Node<unknown> = newNode();
  private readonly members: PhraseMatcher<unknown>[] = [];
  private readonly cache = new WeakMap<Normalized, { langs: ReadonlySet<AliasLang> | null; hits: Hit<unknown>[][] }>();

  private flatTrie: FlatTrie<unknown> | null = null;
  private flat(): FlatTrie<unknown> {
    return (this.flatTrie ??= flatten(this.root));
  }

  add<T>(m: PhraseMatcher<T>): PhraseMatcher<T> {
    this.flatTrie = null;
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
    const out: Hit<unknown>[][] = new Array(k);
    for (let o = 0; o < k; o++) out[o] = [];
    const blocked = new Int32Array(k);
    const bestLen = new Int32Array(k);
    const best: (Hit<unknown> | null)[] = new Array(k).fill(null);
    const touched = new Int32Array(k);
    let nTouched = 0;
    const langMask = langMaskOf(langs);
    const arAllowed = (langMask & LANG_BIT.ar) !== 0;
    const norm = nz.norm;
    const map = nz.map;
    const { compact, cmap, wordStartsC, wordStarts } = compactOf(nz);
    const trie = this.flat();
    const { termStart, termAt, termOwner, termLen, termLangBit, termFlags } = trie;
    const clen = compact.length;
    for (let wi = 0; wi < wordStarts.length; wi++) {
      const p = wordStarts[wi];
      const c0 = wordStartsC[wi];
      if (c0 < 0) continue;
      // Proclitic variants only ever accept Arabic aliases: no use when Arabic is not allowed.
      const nStarts = arAllowed ? startsOf(trie, compact, c0, STARTS) : startsOf(trie, compact, c0, STARTS, 1);
      for (let v = 0; v < nStarts; v++) {
        const sc = STARTS[v * 4];
        const arOnly = STARTS[v * 4 + 2] === 1;
        const a0 = STARTS[v * 4 + 3];
        let node = STARTS[v * 4 + 1];
        let c = sc;
        for (;;) {
          if (c > sc) {
            const tEnd = termStart[node + 1];
            for (let ti = termStart[node]; ti < tEnd; ti++) {
              const o = termOwner[ti];
              if (blocked[o] > p) continue;
              if (best[o] !== null && termLen[ti] <= bestLen[o]) continue;
              if ((termLangBit[ti] & langMask) === 0 || (arOnly && (termFlags[ti] & F_AR) === 0)) continue;
              const nEnd = accept(trie, ti, sc, c, a0, cmap, norm);
              if (nEnd < 0) continue;
              if (best[o] === null) touched[nTouched++] = o;
              best[o] = { payload: termAt[ti].payload, nStart: p, nEnd, start: map[p], end: nEnd > p ? map[nEnd - 1] + 1 : map[p] };
              bestLen[o] = termLen[ti];
            }
          }
          if (c >= clen) break;
          node = childOf(trie, node, compact.charCodeAt(c));
          if (node < 0) break;
          c++;
        }
      }
      for (let ti = 0; ti < nTouched; ti++) {
        const o = touched[ti];
        const h = best[o]!;
        out[o].push(h);
        blocked[o] = h.nEnd;
        best[o] = null;
      }
      nTouched = 0;
    }
    return out;
  }
}

export class PhraseMatcher<T> {
  private readonly root: Node<T> = newNode();
  private flatTrie: FlatTrie<T> | null = null;
  private readonly terms: [string, Terminal<T>][] = [];
  private group: MatcherGroup | null = null;
  private owner = -1;
  readonly size: number;
  /** Alias languages allowed in the current `match` call (null = all). */
  private langs: ReadonlySet<AliasLang> | null = null;
  private langMask = 7;

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
      const term: Terminal<T> = { payload: s.payload, lang: s.lang, prefix, exact: abbrev ? a : null, len: compact.length, spaces, owner: -1, langBit: LANG_BIT[s.lang] ?? 0 };
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
    this.langMask = langMaskOf(this.langs);
    const norm = nz.norm;
    const { compact, cmap, wordStartsC, wordStarts } = compactOf(nz);
    if (this.group && !opts.nested) return this.group.hitsFor(nz, this.langs, this.owner) as Hit<T>[];
    const out: Hit<T>[] = [];
    let blockedUntil = 0; // norm index: no new match may start before it
    if (this.group) {
      // The group's hits are the outer matches already (longest first, none overlapping): only the nested ones are
      // left to find, inside each of them. Walking the hits, not every word, saves a pass over the text per call.
      const outer = this.group.hitsFor(nz, this.langs, this.owner) as Hit<T>[];
      for (let oi = 0, wi = 0; oi < outer.length; oi++) {
        const best = outer[oi];
        if (best.nStart < blockedUntil) continue;
        out.push(best);
        blockedUntil = best.nEnd;
        while (wordStarts[wi] < best.nStart) wi++;
        this.nestedIn(best, wi, wordStarts, wordStartsC, compact, cmap, norm, nz, out);
      }
      return out;
    }
    for (let wi = 0; wi < wordStarts.length; wi++) {
      const p = wordStarts[wi];
      if (p < blockedUntil) continue;
      const c0 = wordStartsC[wi];
      if (c0 < 0) continue;
      const best = this.bestFrom(c0, p, compact, cmap, norm, nz);
      if (!best) continue;
      out.push(best);
      blockedUntil = best.nEnd;
      if (opts.nested) this.nestedIn(best, wi, wordStarts, wordStartsC, compact, cmap, norm, nz, out);
    }
    return out;
  }

  /** Appends the matches of other payloads inside `best` (which starts at word `wi`), flagged nested. */
  private nestedIn(best: Hit<T>, wi: number, wordStarts: Int32Array, wordStartsC: Int32Array, compact: string, cmap: Int32Array, norm: string, nz: Normalized, out: Hit<T>[]): void {
    let innerBlocked = best.nStart + 1;
    for (let wj = wi + 1; wj < wordStarts.length && wordStarts[wj] < best.nEnd; wj++) {
      const r = wordStarts[wj];
      if (r < innerBlocked) continue;
      const ci = wordStartsC[wj];
      const inner = ci < 0 ? null : this.bestFrom(ci, r, compact, cmap, norm, nz);
      if (inner && inner.nEnd <= best.nEnd && inner.payload !== best.payload) {
        out.push({ ...inner, nested: true });
        innerBlocked = inner.nEnd;
      }
    }
  }

  // Scratch state of one bestFrom call (avoids allocating per word).
  private best: Hit<T> | null = null;
  private bestLen = -1;

  private bestFrom(c0: number, p: number, compact: string, cmap: Int32Array, norm: string, nz: Normalized): Hit<T> | null {
    this.best = null;
    this.bestLen = -1;
    const trie = (this.flatTrie ??= flatten(this.root));
    const { termStart, termAt, termLen, termLangBit, termFlags } = trie;
    const langMask = this.langMask;
    const map = nz.map;
    const clen = compact.length;
    // Proclitic variants only ever accept Arabic aliases: no use when Arabic is not allowed.
    const nStarts = (langMask & LANG_BIT.ar) !== 0 ? startsOf(trie, compact, c0, STARTS) : startsOf(trie, compact, c0, STARTS, 1);
    for (let v = 0; v < nStarts; v++) {
      const sc = STARTS[v * 4];
      const arOnly = STARTS[v * 4 + 2] === 1;
      const a0 = STARTS[v * 4 + 3];
      let node = STARTS[v * 4 + 1];
      let c = sc;
      for (;;) {
        if (c > sc) {
          const tEnd = termStart[node + 1];
          for (let ti = termStart[node]; ti < tEnd; ti++) {
            if (termLen[ti] <= this.bestLen) continue;
            if ((termLangBit[ti] & langMask) === 0 || (arOnly && (termFlags[ti] & F_AR) === 0)) continue;
            const nEnd = accept(trie, ti, sc, c, a0, cmap, norm);
            if (nEnd < 0) continue;
            this.best = { payload: termAt[ti].payload, nStart: p, nEnd, start: map[p], end: nEnd > p ? map[nEnd - 1] + 1 : map[p] };
            this.bestLen = termLen[ti];
          }
        }
        if (c >= clen) break;
        node = childOf(trie, node, compact.charCodeAt(c));
        if (node < 0) break;
        c++;
      }
    }
    return this.best;
  }
}
