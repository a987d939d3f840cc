/**
 * One raw article → its rows: metadata (kept as the input said it, beside what is derived), display text, mentions,
 * topics, stances and the token list used for distinctive terms. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
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

export function contentHashOf(normText: string): string {
  return createHash('sha256').update(normText).digest('hex').slice(0, 16);
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
/** Arabic proclitics before the article: «والروسي», «بالقصف», «للمناصحة» count as «روسي», «قصف», «مناصحة». */
const AR_CLITIC = /^(?:[وف]?[بک]?ال|[وف]?لل)(?=...)/;
const WORD = /[\p{L}\p{M}]+/gu;

export interface TermCounts {
  /** Every distinct counted form in the article (for document frequency). */
  keys: string[];
  /** The most frequent forms: key, count and the word as the article first wrote it. */
  top: { key: string; n: number; surface: string }[];
  /** Number of counted words. */
  len: number;
}

/** Words per article kept as TF-IDF candidates. */
export const TERM_CANDIDATES = 30;

/**
 * Content words for TF-IDF from the normalised text, keyed by a clitic-free normalised form («والروسي» and «الروسي»
 * count as «روسي») and shown in the article's own spelling: 3+ letters, no stop words, no numbers.
 */
export function contentTerms(nz: Normalized, text: string, lang: string): TermCounts {
  const counts = new Map<string, { n: number; ns: number; ne: number }>();
  let len = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(nz.norm); m; m = WORD.exec(nz.norm)) {
    if (m[0].length < 3) continue;
    let key = m[0].toLowerCase();
    // Shown from the article («الروسي» for «والروسي»), counted without it («روسي»).
    let skip = 0;
    if (lang === 'ar') {
      const c = AR_CLITIC.exec(key);
      if (c) {
        key = key.slice(c[0].length);
        skip = c[0].endsWith('ال') ? c[0].length - 2 : 0;
      }
    }
    if (key.length < 3 || STOP.has(key) || STOP.has(m[0])) continue;
    len++;
    const cur = counts.get(key);
    if (cur) cur.n++;
    else counts.set(key, { n: 1, ns: m.index + skip, ne: m.index + m[0].length });
  }
  const top = [...counts]
    .sort((a, b) => b[1].n - a[1].n)
    .slice(0, TERM_CANDIDATES)
    .map(([key, c]) => {
      const [s0, e0] = toOriginalSpan(nz, c.ns, c.ne);
      return { key, n: c.n, surface: text.slice(s0, e0).replace(/[\u064B-\u065F\u0640]/g, '') };
    });
  return { keys: [...counts.keys()], top, len };
}

export function processArticle(raw: RawArticle, lex: Lexicons): Processed {
  const cleaned = cleanText(raw.text, lex.boilerplate);
  // JSONL/CSV titles come separately; they open the display text so that mentions in titles have offsets too.
  let text = cleaned.text;
  let title = raw.title ?? '';
  if (raw.title) {
    const t = cleanText(raw.title, lex.boilerplate).text.replace(/\n+/g, ' ');
    title = t || raw.title;
    if (!text.startsWith(title)) text = text ? `${title}\n\n${text}` : title;
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
  return { article, mentions: analysis.mentions, topics: analysis.topics, stances: analysis.stances, terms: contentTerms(nz, text, lang) };
}

export class EmptyArticleError extends Error {
  constructor() {
    super('no text left after removing boilerplate');
  }
}
