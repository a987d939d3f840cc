/**
 * One raw article → its rows: metadata (kept as the input said it, beside what is derived), display text, mentions,
 * topics, stances and the token list used for distinctive terms. Pure: no I/O.
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import stopwords from 'stopwords-iso';
import type { ArticleRow, DateOrigin, DatePrecision, FieldOrigin, MentionRow, StanceRow, TopicRow } from '../lib/schema';
import { analyzeArticle } from './analyze';
import { cleanText } from './clean';
import { extractDates, parseHeaderLine, parseMetadataDate, pickPublicationDate } from './dates';
import type { RawArticle } from './input';
import { detectLanguage } from './language';
import type { Lexicons } from './load-lexicons';
import { normalizeForMatch, normalizeTerm, toOriginalSpan, type Normalized } from './normalize';
import { guessSource } from './sources';
import { codeUnitTable } from './code-table';
import { hashRange, TermVocab } from './term-vocab';

export interface Processed {
  article: ArticleRow;
  mentions: MentionRow[];
  topics: TopicRow[];
  stances: StanceRow[];
  terms: TermCounts;
}

const TITLE_MAX = 220;
/**
 * Only dates in the lead (title, dateline, first paragraph) estimate publication: further down, dates are background
 * («born 9 July 2015», «the 1988 ceasefire»). On the dev set, body dates gave 16 wrong dates and no right one.
 */
export const LEAD_CHARS = 600;

/** Ids from .txt file names: the file name without extension (`000_e7dc781b4673e109`), stable across runs. */
export function articleIdFor(raw: RawArticle, contentHash: string): string {
  if (raw.input_id) return raw.input_id;
  if (raw.input_line === null) return raw.input_file.replace(/\.[^./]+$/, '').replace(/[\\/]/g, '__');
  return `h${contentHash}`;
}

/** crypto.hash (Node ≥ 20.12): a one-shot digest without a Hash object, ~35% cheaper per article than createHash. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

export function contentHashOf(normText: string): string {
  return (oneShot ? oneShot('sha256', normText, 'hex') : crypto.createHash('sha256').update(normText).digest('hex')).slice(0, 16);
}

function shortTitle(p: string): string {
  if (p.length <= TITLE_MAX) return p;
  const cut = p.slice(0, TITLE_MAX);
  const sp = cut.lastIndexOf(' ');
  return `${cut.slice(0, sp > 120 ? sp : TITLE_MAX)}…`;
}

function normCountry(c: string | null): string | null {
  if (!c) return null;
  const s = c.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(s) ? s : null;
}

const extra = JSON.parse(readFileSync(new URL('./lexicons/stopwords-extra.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const STOP = new Set<string>(
  [...(stopwords.fa ?? []), ...(stopwords.ar ?? []), ...(stopwords.en ?? []), ...(extra.fa ?? []), ...(extra.ar ?? [])].map((w) => normalizeTerm(w).replace(/ /g, ''))
);
/**
 * Arabic proclitics before the article: «والروسي», «بالقصف», «للمناصحة» count as «روسي», «قصف», «مناصحة».
 * The definition; contentTerms applies it through arCliticLength.
 */
export const AR_CLITIC = /^(?:[وف]?[بک]?ال|[وف]?لل)(?=...)/;
/** Words are runs of [\p{L}\p{M}]: the class per BMP code unit; astral code points are tested one by one (rare). */
const LETTER_OR_MARK = codeUnitTable(/[\p{L}\p{M}]/u);
const ASTRAL_LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const [C_WAW, C_FEH, C_BEH, C_KEHEH, C_ALEF, C_LAM] = ['و', 'ف', 'ب', 'ک', 'ا', 'ل'].map((c) => c.charCodeAt(0));

/**
 * AR_CLITIC by hand, trying its alternatives in the regex's backtracking order: the matched length, negated when the
 * match ends in «ال» (the first alternative), 0 when none.
 */
export function arCliticLength(k: string): number {
  return arCliticLengthAt(k, 0, k.length);
}

/** arCliticLength of the word s[from, to), read in place. */
function arCliticLengthAt(s: string, from: number, to: number): number {
  const n = to - from;
  const c0 = s.charCodeAt(from);
  const w = c0 === C_WAW || c0 === C_FEH ? 1 : 0;
  for (let a = w; a >= 0; a--) {
    const c = s.charCodeAt(from + a);
    for (let b = c === C_BEH || c === C_KEHEH ? 1 : 0; b >= 0; b--) {
      const p = a + b;
      if (n - (p + 2) >= 3 && s.charCodeAt(from + p) === C_ALEF && s.charCodeAt(from + p + 1) === C_LAM) return -(p + 2);
    }
  }
  for (let a = w; a >= 0; a--) if (n - (a + 2) >= 3 && s.charCodeAt(from + a) === C_LAM && s.charCodeAt(from + a + 1) === C_LAM) return a + 2;
  return 0;
}

export interface TermCounts {
  /** Every distinct counted form in the article (for document frequency), as ids in the vocabulary it was counted in. */
  ids: Int32Array;
  /** The most frequent forms: key (and its id in the vocabulary), count and the word as the article first wrote it. */
  top: { id: number; key: string; n: number; surface: string }[];
  /** Number of counted words. */
  len: number;
}

/** Words per article kept as TF-IDF candidates. */
export const TERM_CANDIDATES = 30;

/** The stop words, looked up by a range of the text without slicing it. */
const STOP_VOCAB = new TermVocab();
for (const w of STOP) STOP_VOCAB.idOf(w, 0, w.length, hashRange(w, 0, w.length));
export const newTermVocab = (): TermVocab => new TermVocab((k) => STOP.has(k));
/** A vocabulary for callers without their own (a RowSink keeps one per worker, for its document frequencies). */
export const sharedVocab = (): TermVocab => (defaultVocab ??= newTermVocab());
let defaultVocab: TermVocab | null = null;

/**
 * Content words for TF-IDF from the normalised text, keyed by a clitic-free normalised form («والروسي» and «الروسي»
 * count as «روسي») and shown in the article's own spelling: 3+ letters, no stop words, no numbers. Keys are counted
 * by their id in `vocab`: a word in the Arabic block is looked up from its range of the text, without a string.
 */
export function contentTerms(nz: Normalized, text: string, lang: string, vocab: TermVocab = sharedVocab()): TermCounts {
  let nTerms = 0;
  let len = 0;
  const norm = nz.norm;
  const L = norm.length;
  const ar = lang === 'ar';
  // The words (runs of [\p{L}\p{M}], as /[\p{L}\p{M}]+/gu finds them), scanned by code unit.
  let i = 0;
  while (i < L) {
    let c = norm.charCodeAt(i);
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < L) {
      const d = norm.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) w = ASTRAL_LETTER_OR_MARK.test(norm.slice(i, i + 2)) ? 2 : 0;
    }
    if (w === 1 ? LETTER_OR_MARK[c] === 0 : w === 0) {
      i += w === 0 ? 2 : 1;
      continue;
    }
    const start = i;
    // Only characters outside the Arabic block can change under toLowerCase.
    let cased = false;
    for (;;) {
      if (c < 0x0600 || c > 0x06ff) cased = true;
      i += w;
      if (i >= L) break;
      c = norm.charCodeAt(i);
      w = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < L) {
        const d = norm.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) w = ASTRAL_LETTER_OR_MARK.test(norm.slice(i, i + 2)) ? 2 : 0;
      }
      if (w === 0 || (w === 1 && LETTER_OR_MARK[c] === 0)) break;
    }
    if (i - start < 3) continue;
    let id: number;
    // Shown from the article («الروسي» for «والروسي»), counted without it («روسي»).
    let skip = 0;
    if (!cased) {
      // The key is a range of the text: the word, after its clitic in Arabic.
      let from = start;
      if (ar) {
        const cl = arCliticLengthAt(norm, start, i);
        if (cl !== 0) {
          const n = cl < 0 ? -cl : cl;
          from = start + n;
          skip = cl < 0 ? n - 2 : 0;
        }
      }
      if (i - from < 3) continue;
      id = vocab.idOf(norm, from, i, hashRange(norm, from, i));
      if (vocab.stop[id] === 1 || (from !== start && STOP_VOCAB.find(norm, start, i, hashRange(norm, start, i)) >= 0)) continue;
    } else {
      const word = norm.slice(start, i);
      let key = word.toLowerCase();
      if (ar) {
        const cl = arCliticLength(key);
        if (cl !== 0) {
          const n = cl < 0 ? -cl : cl;
          key = key.slice(n);
          skip = cl < 0 ? n - 2 : 0;
        }
      }
      if (key.length < 3 || STOP.has(key) || (key !== word && STOP.has(word))) continue;
      id = vocab.idOf(key, 0, key.length, hashRange(key, 0, key.length));
    }
    len++;
    const tf = vocab.tf;
    if (tf[id]++ === 0) {
      if (nTerms === termId.length) growTermArrays();
      termId[nTerms] = id;
      termNs[nTerms] = start + skip;
      termNe[nTerms] = i;
      nTerms++;
    }
  }
  const tf = vocab.tf;
  for (let j = 0; j < nTerms; j++) {
    termN[j] = tf[termId[j]];
    tf[termId[j]] = 0;
  }
  const top = topByCount(nTerms, termN, TERM_CANDIDATES).map((j) => {
    const [s0, e0] = toOriginalSpan(nz, termNs[j], termNe[j]);
    return { id: termId[j], key: vocab.key(termId[j]), n: termN[j], surface: surfaceOf(text, s0, e0) };
  });
  return { ids: termId.slice(0, nTerms), top, len };
}

/** A word as the article wrote it, text[s0, e0), without harakat and tatweel (U+064B–U+065F, U+0640). */
function surfaceOf(text: string, s0: number, e0: number): string {
  for (let k = s0; k < e0; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x0640 || (c >= 0x064b && c <= 0x065f)) return text.slice(s0, e0).replace(/[\u064B-\u065F\u0640]/g, '');
  }
  return text.slice(s0, e0);
}

/** Per term of the current contentTerms call, by first-seen index: its id, count and the normalised span of its first word. */
let termId = new Int32Array(4096);
let termN = new Int32Array(4096);
let termNs = new Int32Array(4096);
let termNe = new Int32Array(4096);
function growTermArrays(): void {
  const grow = (a: Int32Array) => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  termId = grow(termId);
  termN = grow(termN);
  termNs = grow(termNs);
  termNe = grow(termNe);
}

/**
 * The first `k` term indices (0 … size − 1, first-seen order) as `[...].sort((a, b) => n[b] - n[a])` would
 * order them (a stable sort: ties keep first-seen order), without sorting every term: a count histogram gives the
 * smallest count that makes the cut.
 */
function topByCount(size: number, n: Int32Array, k: number): number[] {
  const byCount = (a: number, b: number) => n[b] - n[a];
  const ids: number[] = [];
  if (size <= k) {
    for (let id = 0; id < size; id++) ids.push(id);
    return ids.sort(byCount);
  }
  let max = 0;
  for (let id = 0; id < size; id++) if (n[id] > max) max = n[id];
  const hist = new Int32Array(max + 1);
  for (let id = 0; id < size; id++) hist[n[id]]++;
  // Threshold t: fewer than k terms count more than t, and at least k count t or more.
  let above = 0;
  let t = max;
  while (above + hist[t] < k) above += hist[t--];
  let room = k - above; // terms counting exactly t that make the cut: the earliest ones
  for (let id = 0; id < size; id++) {
    if (n[id] > t) ids.push(id);
    else if (n[id] === t && room > 0) {
      ids.push(id);
      room--;
    }
  }
  return ids.sort(byCount);
}

/** `vocab`: where the article's term keys are counted (a RowSink passes its own, for its document frequencies). */
export function processArticle(raw: RawArticle, lex: Lexicons, vocab?: TermVocab): Processed {
  const cleaned = cleanText(raw.text, lex.boilerplate);
  // JSONL/CSV titles come separately; they open the display text so that mentions in titles have offsets too.
  let text = cleaned.text;
  let title = raw.title ?? '';
  if (raw.title) {
    const t = cleanText(raw.title, lex.boilerplate).text.replace(/\n+/g, ' ');
    title = t || raw.title;
    // join, not a template: V8 makes a template of two strings a rope, and every later read of the text (normalising,
    // language, sentences, JSON) pays a step through it; join builds one flat string.
    if (!text.startsWith(title)) text = text ? [title, '\n\n', text].join('') : title;
  } else title = shortTitle(cleaned.firstParagraph);
  if (!text.trim()) throw new EmptyArticleError();

  const nz = normalizeForMatch(text);
  const hash = contentHashOf(nz.norm);
  const article_id = articleIdFor(raw, hash);
  const lang = detectLanguage(text);

  // Date: metadata, then header line, then the latest full date written in the text.
  let date: string | null = null;
  let date_precision: DatePrecision | null = null;
  let date_origin: DateOrigin = 'none';
  let date_evidence: string | null = null;
  const meta = raw.date ? parseMetadataDate(raw.date) : null;
  const header = raw.header_date ? parseHeaderLine(`date ${raw.header_date}`) : null;
  if (meta) [date, date_precision, date_origin, date_evidence] = [meta.date, meta.precision, 'metadata', raw.date];
  else if (header) [date, date_precision, date_origin, date_evidence] = [header.date, header.precision, 'header', `date ${raw.header_date}`];
  else {
    const picked = pickPublicationDate(extractDates(text, undefined, { before: LEAD_CHARS }));
    if (picked) [date, date_precision, date_origin, date_evidence] = [picked.date, picked.precision, 'text', picked.evidence];
  }

  const src = guessSource(raw.source, text, lex);
  const metaCountry = normCountry(raw.country);
  const country = metaCountry ?? src.def?.country ?? null;
  const country_origin: FieldOrigin = metaCountry ? 'metadata' : country ? src.origin : 'none';

  const analysis = analyzeArticle(article_id, text, lex, { ownCountry: country, lang, nz });
  const article: ArticleRow = {
    article_id,
    input_id: raw.input_id,
    input_file: raw.input_file,
    input_line: raw.input_line,
    url: raw.url,
    source_input: raw.source,
    country_input: raw.country,
    lang_input: raw.lang,
    date_input: raw.date ?? (raw.header_date ? raw.header_date : null),
    source_id: src.source_id,
    source_name: src.source_name,
    source_origin: src.origin,
    country,
    country_origin,
    lang,
    title,
    text,
    date,
    date_precision,
    date_origin,
    date_evidence,
    chars: text.length,
    n_sentences: analysis.sentences.length,
    content_hash: hash
  };
  return { article, mentions: analysis.mentions, topics: analysis.topics, stances: analysis.stances, terms: contentTerms(nz, text, lang, vocab) };
}

export class EmptyArticleError extends Error {
  constructor() {
    super('no text left after removing boilerplate');
  }
}
