/** Article list (with every drill-down the charts link to) and single-article detail. */
import type { BoundQuery } from '$lib/db/types';
import { PAGE } from '$lib/db/page-table';
import { UN_SYSTEM, type Filters, type StanceTarget } from '$lib/filters';
import { COLUMNS, type DatePrecision, type EntityKind, type Lang, type StanceLabel, type StanceRow, type TargetKind } from '$lib/schema';
import { clampInt, likeContains } from './sql';
import { factsWhere, stanceTargetCondition, TOPIC_BITS_SQL } from './common';

export interface ArticleListOptions {
  /**
   * Case-insensitive substring of title or text; `%` and `_` are literal. Text lives in `article_text`, which the
   * browser then loads whole (once), so searching is the one list view whose cost grows with the corpus' text.
   */
  q?: string;
  /**
   * What `q` searches: `text` (title or text, the default) or `titles` only, for a corpus whose text is too big to
   * load whole in the browser (the page says so).
   */
  search?: 'text' | 'titles';
  topic?: string | null;
  /** Articles mentioning `entity` (and `entity2` too, for a co-mention cell); '@un_system' = any UN body. */
  entity?: string | null;
  entity2?: string | null;
  /** Inclusive start, exclusive end (a chart bucket). */
  bucketStart?: string | null;
  bucketEnd?: string | null;
  stanceTarget?: StanceTarget | null;
  stanceLabel?: StanceLabel | null;
  /** Minimum stance confidence, used with stanceTarget. */
  threshold?: number;
  limit?: number;
  offset?: number;
}

export interface ArticleListRow {
  article_id: string;
  title: string;
  date: string | null;
  date_precision: DatePrecision | null;
  source_id: string | null;
  source_name: string | null;
  country: string | null;
  lang: Lang;
  chars: number;
  /** The first 280 characters of the text, for the list. */
  snippet: string;
}

/**
 * The conditions over `article_facts f` (one row per article with the filter columns, loaded for every list view
 * instead of the whole `articles` table), plus `t` (article_titles) and `x` (article_text) when searching.
 */
function listWhere(f: Filters, o: ArticleListOptions): BoundQuery {
  const w = factsWhere(f, 'f');
  const parts = [w.sql];
  const params: unknown[] = [...w.params];
  const query = o.q?.trim();
  if (query) {
    if (o.search === 'titles') {
      parts.push(`t.title ILIKE ? ESCAPE '\\'`);
      params.push(likeContains(query));
    } else {
      parts.push(`t.title ILIKE ? ESCAPE '\\' OR x.text ILIKE ? ESCAPE '\\'`);
      params.push(likeContains(query), likeContains(query));
    }
  }
  if (o.topic) {
    // The topic's bit of topic_mask (article_facts): the articles with a row of that topic in `topics`.
    parts.push(`(f.topic_mask & coalesce((SELECT tb.mask FROM (${TOPIC_BITS_SQL}) tb WHERE tb.topic_id = ?), 0)) <> 0`);
    params.push(o.topic);
  }
  for (const id of [o.entity, o.entity2]) {
    if (!id) continue;
    // article_entities (text_row × entity_no), not the 13M-row `mentions` at 1M: the articles with a mention of it.
    const ents =
      id === UN_SYSTEM
        ? { sql: `SELECT ea.entity_no FROM entity_articles ea JOIN entities e ON e.entity_id = ea.entity_id WHERE e.kind = 'un_body'`, params: [] }
        : { sql: 'SELECT ea.entity_no FROM entity_articles ea WHERE ea.entity_id = ?', params: [id] };
    parts.push(`EXISTS (SELECT 1 FROM article_entities ae WHERE ae.text_row = f.text_row AND ae.entity_no IN (${ents.sql}))`);
    params.push(...ents.params);
  }
  if (o.bucketStart) {
    parts.push('f.date >= CAST(? AS DATE)');
    params.push(o.bucketStart);
  }
  if (o.bucketEnd) {
    parts.push('f.date < CAST(? AS DATE)');
    params.push(o.bucketEnd);
  }
  if (o.stanceTarget) {
    const c = stanceTargetCondition(o.stanceTarget, 's');
    let sqlText = `EXISTS (SELECT 1 FROM stance_facts s WHERE s.text_row = f.text_row AND ${c.sql} AND s.confidence >= ?`;
    params.push(...c.params, Math.min(1, Math.max(0, o.threshold ?? 0)));
    if (o.stanceLabel) {
      sqlText += ' AND s.stance = ?';
      params.push(o.stanceLabel);
    }
    parts.push(sqlText + ')');
  }
  return { sql: parts.map((p) => `(${p})`).join(' AND '), params };
}

/** Titles (and text, for a full-text search) are joined only when searching. */
function listFrom(o: ArticleListOptions): string {
  if (!o.q?.trim()) return 'article_facts f';
  const titles = 'article_facts f JOIN article_titles t ON t.article_id = f.article_id';
  return o.search === 'titles' ? titles : `${titles} LEFT JOIN article_text x ON x.article_id = f.article_id`;
}

/** Whether a list query reads every article's text (a full-text search). */
function searchesText(o: ArticleListOptions): boolean {
  return Boolean(o.q?.trim()) && o.search !== 'titles';
}

/** `article_rows__rows` ranges for the articles of `ids` (a query with a `text_row` column). */
function rowIndexRows(ids: BoundQuery): BoundQuery {
  return { sql: `SELECT p.text_row AS row_start, p.text_row + 1 AS row_end FROM (${ids.sql}) p`, params: ids.params };
}

/**
 * Ranges of file row numbers, from article_rows, of the articles of `ids` (a query with a `text_row` column):
 * `start`/`end` are expressions over `r` (article_rows). Declares the article_rows rows it reads.
 */
function partRows(ids: BoundQuery, start: string, end: string): BoundQuery {
  return {
    sql: `SELECT ${start} AS row_start, ${end} AS row_end FROM (${ids.sql}) p JOIN article_rows__rows r ON r.text_row = p.text_row`,
    params: ids.params,
    parts: { article_rows__rows: rowIndexRows(ids) }
  };
}

/**
 * `parts` for a query reading `articles__rows` for the articles of `ids` (a query with a `text_row` column): only the
 * row groups of articles.parquet holding them are loaded.
 */
export function articleRowsParts(ids: BoundQuery): NonNullable<BoundQuery['parts']> {
  return { articles__rows: partRows(ids, 'r.article_row', 'r.article_row + 1') };
}

/** Like partRows, for a list column of article_rows (`topic_rows`, `stance_rows`): one range per listed row. */
function listedRows(ids: BoundQuery, col: 'topic_rows' | 'stance_rows'): BoundQuery {
  return {
    sql: `SELECT u.v AS row_start, u.v + 1 AS row_end
      FROM (SELECT unnest(r.${col}) AS v FROM (${ids.sql}) p JOIN article_rows__rows r ON r.text_row = p.text_row) u`,
    params: ids.params,
    parts: { article_rows__rows: rowIndexRows(ids) }
  };
}

export function buildArticleListQuery(f: Filters, o: ArticleListOptions = {}): BoundQuery {
  const w = listWhere(f, o);
  const page = [clampInt(o.limit ?? 25, 1, 500, 25), clampInt(o.offset ?? 0, 0, 10_000_000, 0)];
  // The page's ids, sorted once (BoundQuery.page): the rows, the row groups to read and the texts all follow from them.
  const ids: BoundQuery = { sql: `SELECT article_id, date, text_row FROM ${PAGE}`, params: [] };
  return {
    page: {
      sql: `SELECT f.article_id, f.date, f.text_row FROM ${listFrom(o)} WHERE ${w.sql}
        ORDER BY f.date DESC NULLS LAST, f.article_id LIMIT ? OFFSET ?`,
      params: [...w.params, ...page]
    },
    // The page's rows of articles.parquet only (articles__rows): the list never loads the whole articles table.
    sql: `SELECT a.article_id, a.title, a.date, a.date_precision, a.source_id, a.source_name, a.country, a.lang,
        a.chars, left(x.text, 280) AS snippet
      FROM ${PAGE} p JOIN articles__rows a ON a.article_id = p.article_id
      LEFT JOIN article_text x ON x.article_id = a.article_id
      ORDER BY a.date DESC NULLS LAST, a.article_id`,
    params: [],
    parts: articleRowsParts(ids),
    // A full-text search has already loaded every text to choose the page.
    text: searchesText(o) ? { all: true } : { rows: { sql: `SELECT p.text_row FROM ${PAGE} p`, params: [] } }
  };
}

export interface ArticleCountRow {
  n: number;
}
export function buildArticleCountQuery(f: Filters, o: ArticleListOptions = {}): BoundQuery {
  const w = listWhere(f, o);
  const q: BoundQuery = { sql: `SELECT count(*) AS n FROM ${listFrom(o)} WHERE ${w.sql}`, params: w.params };
  if (searchesText(o)) q.text = { all: true };
  return q;
}

/**
 * The article's row of article_facts (BoundQuery.page: found once per query, not once per part that needs it), and
 * the query reading it back, as the `text_row` column partRows expects.
 */
function oneArticle(id: string): BoundQuery {
  return { sql: 'SELECT text_row FROM article_facts WHERE article_id = ?', params: [id] };
}
const THE_ARTICLE: BoundQuery = { sql: `SELECT text_row FROM ${PAGE}`, params: [] };

/**
 * The full article row (ArticleRow from schema.ts), from its own row group of articles.parquet (`articles__rows`, and
 * the text column of that row group as `article_text`): opening an article never loads a whole table but
 * article_facts.
 */
export function buildArticleQuery(id: string): BoundQuery {
  // The text comes from article_text: the browser's `articles` table is loaded without it.
  const cols = COLUMNS.articles.map((c) => (c === 'text' ? 'x.text' : `a.${c}`)).join(', ');
  return {
    sql: `SELECT ${cols} FROM articles__rows a LEFT JOIN article_text x ON x.article_id = a.article_id WHERE a.article_id = ?`,
    params: [id],
    page: oneArticle(id),
    parts: { articles__rows: partRows(THE_ARTICLE, 'r.article_row', 'r.article_row + 1') },
    text: { rows: THE_ARTICLE }
  };
}

export interface ArticleMentionRow {
  mention_id: string;
  entity_id: string;
  kind: EntityKind;
  label_en: string;
  entity_country: string | null;
  surface: string;
  start: number;
  end: number;
  sentence_index: number;
  sentence_start: number;
  sentence_end: number;
}
export function buildArticleMentionsQuery(id: string): BoundQuery {
  return {
    sql: `SELECT m.mention_id, m.entity_id, m.kind, coalesce(e.label_en, m.entity_id) AS label_en,
        e.country AS entity_country, m.surface, m.start, m."end", m.sentence_index, m.sentence_start, m.sentence_end
      FROM mentions__rows m LEFT JOIN entities e ON e.entity_id = m.entity_id
      WHERE m.article_id = ? ORDER BY m.start, m.mention_id`,
    params: [id],
    // Only the row groups of mentions.parquet holding this article's mentions (article_rows says where).
    page: oneArticle(id),
    parts: { mentions__rows: partRows(THE_ARTICLE, 'r.mention_start', 'r.mention_end') }
  };
}

export interface ArticleTopicRow {
  topic_id: string;
  label_en: string;
  color: string;
  score: number;
  hits: number;
  matched_terms: string;
  first_start: number;
  first_end: number;
  sentence_start: number;
  sentence_end: number;
}
export function buildArticleTopicsQuery(id: string): BoundQuery {
  return {
    sql: `SELECT t.topic_id, coalesce(d.label_en, t.topic_id) AS label_en, coalesce(d.color, '#888888') AS color,
        t.score, t.hits, t.matched_terms, t.first_start, t.first_end, t.sentence_start, t.sentence_end
      FROM topics__rows t LEFT JOIN topic_defs d ON d.topic_id = t.topic_id
      WHERE t.article_id = ? ORDER BY t.score DESC, t.topic_id`,
    params: [id],
    page: oneArticle(id),
    parts: { topics__rows: listedRows(THE_ARTICLE, 'topic_rows') }
  };
}

/** A stance row of one article (schema.ts StanceRow) with its target's English label. */
export interface ArticleStanceRow extends Omit<StanceRow, 'article_id'> {
  target_label: string;
}
export function buildArticleStancesQuery(id: string): BoundQuery {
  return {
    sql: `SELECT s.stance_id, s.target_kind, s.target_id, coalesce(e.label_en, d.label_en, s.target_id) AS target_label,
        s.stance, s.score, s.confidence, s.cue, s.cue_start, s.cue_end, s.sentence, s.sentence_start, s.sentence_end,
        s.n_evidence
      FROM stances__rows s
      LEFT JOIN entities e ON s.target_kind = 'entity' AND e.entity_id = s.target_id
      LEFT JOIN topic_defs d ON s.target_kind = 'topic' AND d.topic_id = s.target_id
      WHERE s.article_id = ? ORDER BY s.cue_start, s.stance_id`,
    params: [id],
    page: oneArticle(id),
    parts: { stances__rows: listedRows(THE_ARTICLE, 'stance_rows') }
  };
}

export interface ArticleTermRow {
  term: string;
  score: number;
  rank: number;
}
export function buildArticleTermsQuery(id: string): BoundQuery {
  return {
    sql: 'SELECT term, score, rank FROM terms__rows WHERE article_id = ? ORDER BY rank, term',
    params: [id],
    page: oneArticle(id),
    parts: { terms__rows: partRows(THE_ARTICLE, 'r.term_start', 'r.term_end') }
  };
}
