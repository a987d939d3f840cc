/**
 * The dashboard's shared filter state and its URL form. Everything a view shows is derived from the URL, so a copied
 * link reopens the same view. Parsing is a whitelist: unknown keys and malformed values are dropped, never passed on.
 *
 * URL keys (lists are comma-separated; a repeated key is accepted too):
 *
 *   shared filters (every page)
 *     from, to        inclusive ISO dates yyyy-mm-dd; setting either excludes undated articles
 *     countries       ISO 3166-1 alpha-2 codes            e.g. countries=IR,DZ
 *     sources         source_id values                    e.g. sources=mehr,aps
 *     langs           fa | ar | en | und
 *     topics          topic_id values (article has ANY of them)
 *
 *   /trends           gran=week|month|quarter|year (month)  measure=count|share (share)  split=none|country (none)
 *                     rolling=0..12 buckets of trailing mean (0 = off)
 *   /stance           target=<kind>:<id> e.g. entity:un_sc, topic:sanctions, entity:@un_system (all UN bodies)
 *                     gran (month)  threshold=0..1 minimum confidence (0)  split=none|country (country)
 *   /comentions       cols=topics|actors (topics)  n=3..50 (15)  measure=count|jaccard|pmi (count)
 *                     kinds=state,un_body,regional,organisation,person,place (all)
 *   /compare          a, b = two countries (IR, DZ)
 *   /articles         q (search in title/text, ≤ 200 chars)  topic  entity  entity2  start, end (bucket, end
 *                     exclusive)  target=<kind>:<id>  stance=support|oppose|neutral  threshold  page=1..
 *   /article          id = article_id
 */
import type { EntityKind, StanceLabel, TargetKind } from '$lib/schema';
import type { BoundQuery } from '$lib/db/types';
import { GRANULARITIES, type Granularity, inList } from '$lib/queries/sql';

export interface Filters {
  /** Inclusive ISO dates (yyyy-mm-dd) or null. */
  from: string | null;
  to: string | null;
  countries: string[];
  sources: string[];
  langs: string[];
  topics: string[];
}

export const EMPTY_FILTERS: Filters = { from: null, to: null, countries: [], sources: [], langs: [], topics: [] };

/** Values that exist in the loaded data; when given, URL values outside these lists are dropped. */
export interface KnownValues {
  countries?: readonly string[];
  sources?: readonly string[];
  langs?: readonly string[];
  topics?: readonly string[];
}

const MAX_LIST = 50;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,79}$/;
const COUNTRY_RE = /^[A-Z]{2}$/;
export const LANGS = ['fa', 'ar', 'en', 'und'] as const;
export const ENTITY_KINDS: readonly EntityKind[] = ['state', 'un_body', 'regional', 'organisation', 'person', 'place'];
export const STANCE_LABELS: readonly StanceLabel[] = ['support', 'oppose', 'neutral'];
/** Pseudo entity id: every entity of kind `un_body`. */
export const UN_SYSTEM = '@un_system';

/** A real calendar date in ISO form, or null. `2024-02-30` is rejected, not rolled over. */
export function isoDate(v: string | null | undefined): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : null;
}

export function isId(v: string | null | undefined): v is string {
  return typeof v === 'string' && (ID_RE.test(v) || v === UN_SYSTEM);
}

function readList(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function cleanList(values: string[], ok: (v: string) => boolean, known?: readonly string[]): string[] {
  const allowed = known ? new Set(known) : null;
  const out: string[] = [];
  for (const v of values) {
    if (!ok(v) || (allowed && !allowed.has(v)) || out.includes(v)) continue;
    out.push(v);
    if (out.length >= MAX_LIST) break;
  }
  return out;
}

export function parseFilters(params: URLSearchParams, known?: KnownValues): Filters {
  let from = isoDate(params.get('from'));
  let to = isoDate(params.get('to'));
  if (from && to && from > to) [from, to] = [to, from];
  return {
    from,
    to,
    countries: cleanList(readList(params, 'countries').map((c) => c.toUpperCase()), (v) => COUNTRY_RE.test(v), known?.countries),
    sources: cleanList(readList(params, 'sources'), isId, known?.sources),
    langs: cleanList(readList(params, 'langs'), (v) => (LANGS as readonly string[]).includes(v), known?.langs),
    topics: cleanList(readList(params, 'topics'), isId, known?.topics)
  };
}

/** Stable key order, empties omitted; `into` lets a page append its own keys to the shared ones. */
export function filtersToParams(f: Filters, into: URLSearchParams = new URLSearchParams()): URLSearchParams {
  if (f.from) into.set('from', f.from);
  if (f.to) into.set('to', f.to);
  for (const key of ['countries', 'sources', 'langs', 'topics'] as const) {
    if (f[key].length) into.set(key, f[key].join(','));
  }
  return into;
}

export function filtersEqual(a: Filters, b: Filters): boolean {
  return filtersToParams(a).toString() === filtersToParams(b).toString();
}

/**
 * The article-level WHERE shared by every query (without the `WHERE` keyword; `TRUE` when nothing is set).
 * `alias` must be the alias of `articles` in the caller's FROM; it is code-chosen, never user input.
 */
export function whereClause(f: Filters, alias = 'a'): BoundQuery {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`whereClause: bad alias ${alias}`);
  const parts: BoundQuery[] = [];
  // A comparison with NULL is never true, so a date bound also drops undated articles, as the UI note says.
  if (f.from) parts.push({ sql: `${alias}.date >= CAST(? AS DATE)`, params: [f.from] });
  if (f.to) parts.push({ sql: `${alias}.date <= CAST(? AS DATE)`, params: [f.to] });
  if (f.countries.length) parts.push(inList(`${alias}.country`, f.countries));
  if (f.sources.length) parts.push(inList(`${alias}.source_id`, f.sources));
  if (f.langs.length) parts.push(inList(`${alias}.lang`, f.langs));
  if (f.topics.length) {
    const list = inList('ft.topic_id', f.topics);
    parts.push({
      sql: `EXISTS (SELECT 1 FROM topics ft WHERE ft.article_id = ${alias}.article_id AND ${list.sql})`,
      params: list.params
    });
  }
  if (parts.length === 0) return { sql: 'TRUE', params: [] };
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}

// ---------------------------------------------------------------------------------------------------------------
// Page parameters

export interface StanceTarget {
  target_kind: TargetKind;
  target_id: string;
}

/** `entity:un_sc` → { target_kind: 'entity', target_id: 'un_sc' }; anything else → null. */
export function parseTarget(v: string | null | undefined): StanceTarget | null {
  if (!v) return null;
  const m = /^(topic|entity):(.+)$/.exec(v);
  if (!m || !isId(m[2])) return null;
  return { target_kind: m[1] as TargetKind, target_id: m[2] };
}
export function targetToString(t: StanceTarget): string {
  return `${t.target_kind}:${t.target_id}`;
}

function pickEnum<T extends string>(v: string | null, values: readonly T[], fallback: T): T {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : fallback;
}
function pickInt(v: string | null, min: number, max: number, fallback: number): number {
  if (v === null || !/^\d{1,6}$/.test(v)) return fallback;
  const n = Number(v);
  return n < min || n > max ? fallback : n;
}
function pickNumber(v: string | null, min: number, max: number, fallback: number): number {
  if (v === null || !/^\d{1,3}(\.\d{1,4})?$/.test(v)) return fallback;
  const n = Number(v);
  return n < min || n > max ? fallback : n;
}
function pickId(v: string | null): string | null {
  return isId(v) ? v : null;
}

export type Measure = 'count' | 'share';
export type Split = 'none' | 'country';

export interface TrendParams {
  granularity: Granularity;
  measure: Measure;
  split: Split;
  rolling: number;
}
export const TREND_DEFAULTS: TrendParams = { granularity: 'month', measure: 'share', split: 'none', rolling: 0 };
export function parseTrendParams(p: URLSearchParams): TrendParams {
  const d = TREND_DEFAULTS;
  return {
    granularity: pickEnum(p.get('gran'), GRANULARITIES, d.granularity),
    measure: pickEnum(p.get('measure'), ['count', 'share'] as const, d.measure),
    split: pickEnum(p.get('split'), ['none', 'country'] as const, d.split),
    rolling: pickInt(p.get('rolling'), 0, 12, d.rolling)
  };
}
export function trendParamsToParams(t: TrendParams, into = new URLSearchParams()): URLSearchParams {
  const d = TREND_DEFAULTS;
  if (t.granularity !== d.granularity) into.set('gran', t.granularity);
  if (t.measure !== d.measure) into.set('measure', t.measure);
  if (t.split !== d.split) into.set('split', t.split);
  if (t.rolling !== d.rolling) into.set('rolling', String(t.rolling));
  return into;
}

export interface StanceParams {
  target: StanceTarget;
  granularity: Granularity;
  threshold: number;
  split: Split;
}
export const STANCE_DEFAULTS: StanceParams = {
  target: { target_kind: 'entity', target_id: UN_SYSTEM },
  granularity: 'month',
  threshold: 0,
  split: 'country'
};
export function parseStanceParams(p: URLSearchParams): StanceParams {
  const d = STANCE_DEFAULTS;
  return {
    target: parseTarget(p.get('target')) ?? d.target,
    granularity: pickEnum(p.get('gran'), GRANULARITIES, d.granularity),
    threshold: pickNumber(p.get('threshold'), 0, 1, d.threshold),
    split: pickEnum(p.get('split'), ['none', 'country'] as const, d.split)
  };
}
export function stanceParamsToParams(s: StanceParams, into = new URLSearchParams()): URLSearchParams {
  const d = STANCE_DEFAULTS;
  if (targetToString(s.target) !== targetToString(d.target)) into.set('target', targetToString(s.target));
  if (s.granularity !== d.granularity) into.set('gran', s.granularity);
  if (s.threshold !== d.threshold) into.set('threshold', String(s.threshold));
  if (s.split !== d.split) into.set('split', s.split);
  return into;
}

export type CoMentionCols = 'topics' | 'actors';
export type CoMentionMeasure = 'count' | 'jaccard' | 'pmi';
export interface CoMentionParams {
  cols: CoMentionCols;
  n: number;
  measure: CoMentionMeasure;
  kinds: EntityKind[];
}
export const COMENTION_DEFAULTS: CoMentionParams = { cols: 'topics', n: 15, measure: 'count', kinds: [] };
export function parseCoMentionParams(p: URLSearchParams): CoMentionParams {
  const d = COMENTION_DEFAULTS;
  return {
    cols: pickEnum(p.get('cols'), ['topics', 'actors'] as const, d.cols),
    n: pickInt(p.get('n'), 3, 50, d.n),
    measure: pickEnum(p.get('measure'), ['count', 'jaccard', 'pmi'] as const, d.measure),
    kinds: cleanList(readList(p, 'kinds'), (v) => (ENTITY_KINDS as readonly string[]).includes(v)) as EntityKind[]
  };
}
export function coMentionParamsToParams(c: CoMentionParams, into = new URLSearchParams()): URLSearchParams {
  const d = COMENTION_DEFAULTS;
  if (c.cols !== d.cols) into.set('cols', c.cols);
  if (c.n !== d.n) into.set('n', String(c.n));
  if (c.measure !== d.measure) into.set('measure', c.measure);
  if (c.kinds.length) into.set('kinds', c.kinds.join(','));
  return into;
}

export interface CompareParams {
  a: string;
  b: string;
}
export const COMPARE_DEFAULTS: CompareParams = { a: 'IR', b: 'DZ' };
export function parseCompareParams(p: URLSearchParams, knownCountries?: readonly string[]): CompareParams {
  const ok = (v: string | null): v is string =>
    v !== null && COUNTRY_RE.test(v) && (!knownCountries || knownCountries.includes(v));
  const a = p.get('a')?.toUpperCase() ?? null;
  const b = p.get('b')?.toUpperCase() ?? null;
  return { a: ok(a) ? a : COMPARE_DEFAULTS.a, b: ok(b) ? b : COMPARE_DEFAULTS.b };
}
export function compareParamsToParams(c: CompareParams, into = new URLSearchParams()): URLSearchParams {
  if (c.a !== COMPARE_DEFAULTS.a) into.set('a', c.a);
  if (c.b !== COMPARE_DEFAULTS.b) into.set('b', c.b);
  return into;
}

export const MAX_QUERY_CHARS = 200;
export const PAGE_SIZE = 25;
/**
 * Most compressed article text (bytes of articles.parquet's text column) the article list searches in full: a search
 * loads every text into DuckDB-WASM, which at 1M articles (1 GB of Parquet) runs out of memory. Bigger corpora are
 * searched by title only.
 */
export const FULL_TEXT_SEARCH_MAX_BYTES = 200_000_000;
export interface ArticleListParams {
  q: string;
  topic: string | null;
  entity: string | null;
  entity2: string | null;
  /** Bucket drill-down: inclusive start, exclusive end. */
  bucketStart: string | null;
  bucketEnd: string | null;
  stanceTarget: StanceTarget | null;
  stanceLabel: StanceLabel | null;
  threshold: number;
  page: number;
}
/** An Articles view's parameters without its page number: what its list and count are filtered by. */
export function articleListOptions(lp: ArticleListParams): Omit<ArticleListParams, 'page'> {
  const opts: Partial<ArticleListParams> = { ...lp };
  delete opts.page;
  return opts as Omit<ArticleListParams, 'page'>;
}
export const ARTICLE_LIST_DEFAULTS: ArticleListParams = {
  q: '',
  topic: null,
  entity: null,
  entity2: null,
  bucketStart: null,
  bucketEnd: null,
  stanceTarget: null,
  stanceLabel: null,
  threshold: 0,
  page: 1
};
export function parseArticleListParams(p: URLSearchParams): ArticleListParams {
  const stance = p.get('stance');
  return {
    // Control characters have no business in a search box and would only confuse the ILIKE pattern's reader.
    q: (p.get('q') ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_QUERY_CHARS),
    topic: pickId(p.get('topic')),
    entity: pickId(p.get('entity')),
    entity2: pickId(p.get('entity2')),
    bucketStart: isoDate(p.get('start')),
    bucketEnd: isoDate(p.get('end')),
    stanceTarget: parseTarget(p.get('target')),
    stanceLabel: stance && (STANCE_LABELS as readonly string[]).includes(stance) ? (stance as StanceLabel) : null,
    threshold: pickNumber(p.get('threshold'), 0, 1, 0),
    page: pickInt(p.get('page'), 1, 100000, 1)
  };
}
export function articleListParamsToParams(a: ArticleListParams, into = new URLSearchParams()): URLSearchParams {
  if (a.q) into.set('q', a.q);
  if (a.topic) into.set('topic', a.topic);
  if (a.entity) into.set('entity', a.entity);
  if (a.entity2) into.set('entity2', a.entity2);
  if (a.bucketStart) into.set('start', a.bucketStart);
  if (a.bucketEnd) into.set('end', a.bucketEnd);
  if (a.stanceTarget) into.set('target', targetToString(a.stanceTarget));
  if (a.stanceLabel) into.set('stance', a.stanceLabel);
  if (a.threshold) into.set('threshold', String(a.threshold));
  if (a.page !== 1) into.set('page', String(a.page));
  return into;
}

export function parseArticleId(p: URLSearchParams): string | null {
  const id = p.get('id');
  // Article ids are the input's own id or a hash; allow a wider but still bounded alphabet than other ids.
  return id && /^[\p{L}\p{N}_.:@\-]{1,128}$/u.test(id) ? id : null;
}
