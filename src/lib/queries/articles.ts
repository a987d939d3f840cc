/** Article list (with every drill-down the charts link to) and single-article detail. */
import type { BoundQuery } from '$lib/db/types';
import { whereClause, type Filters, type StanceTarget } from '$lib/filters';
import { COLUMNS, type DatePrecision, type EntityKind, type Lang, type StanceLabel, type StanceRow, type TargetKind } from '$lib/schema';
import { clampInt, likeContains } from './sql';
import { entityCondition, stanceTargetCondition } from './common';

export interface ArticleListOptions {
  /**
   * Case-insensitive substring of title or text; `%` and `_` are literal. Text lives in `article_text`, which the
   * browser then loads whole (once), so searching is the one list view whose cost grows with the corpus' text.
   */
  q?: string;
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

function listWhere(f: Filters, o: ArticleListOptions): BoundQuery {
  const w = whereClause(f);
  const parts = [w.sql];
  const params: unknown[] = [...w.params];
  const query = o.q?.trim();
  if (query) {
    parts.push(`a.title ILIKE ? ESCAPE '\\' OR x.text ILIKE ? ESCAPE '\\'`);
    params.push(likeContains(query), likeContains(query));
  }
  if (o.topic) {
    parts.push('EXISTS (SELECT 1 FROM topics t WHERE t.article_id = a.article_id AND t.topic_id = ?)');
    params.push(o.topic);
  }
  for (const id of [o.entity, o.entity2]) {
    if (!id) continue;
    const c = entityCondition(id, 'm');
    parts.push(`EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.article_id AND ${c.sql})`);
    params.push(...c.params);
  }
  if (o.bucketStart) {
    parts.push('a.date >= CAST(? AS DATE)');
    params.push(o.bucketStart);
  }
  if (o.bucketEnd) {
    parts.push('a.date < CAST(? AS DATE)');
    params.push(o.bucketEnd);
  }
  if (o.stanceTarget) {
    const c = stanceTargetCondition(o.stanceTarget, 's');
    let sqlText = `EXISTS (SELECT 1 FROM stances s WHERE s.article_id = a.article_id AND ${c.sql} AND s.confidence >= ?`;
    params.push(...c.params, Math.min(1, Math.max(0, o.threshold ?? 0)));
    if (o.stanceLabel) {
      sqlText += ' AND s.stance = ?';
      params.push(o.stanceLabel);
    }
    parts.push(sqlText + ')');
  }
  return { sql: parts.map((p) => `(${p})`).join(' AND '), params };
}

/** Text is joined only when the search needs it for every row; otherwise the page's rows get it afterwards. */
function listFrom(o: ArticleListOptions): string {
  return o.q?.trim() ? 'articles a LEFT JOIN article_text x ON x.article_id = a.article_id' : 'articles a';
}

export function buildArticleListQuery(f: Filters, o: ArticleListOptions = {}): BoundQuery {
  const w = listWhere(f, o);
  const page = [clampInt(o.limit ?? 25, 1, 500, 25), clampInt(o.offset ?? 0, 0, 10_000_000, 0)];
  const ids = `SELECT a.article_id, a.date FROM ${listFrom(o)} WHERE ${w.sql}
      ORDER BY a.date DESC NULLS LAST, a.article_id LIMIT ? OFFSET ?`;
  return {
    sql: `WITH page AS (${ids})
      SELECT a.article_id, a.title, a.date, a.date_precision, a.source_id, a.source_name, a.country, a.lang,
        a.chars, left(x.text, 280) AS snippet
      FROM page p JOIN articles a ON a.article_id = p.article_id
      LEFT JOIN article_text x ON x.article_id = a.article_id
      ORDER BY a.date DESC NULLS LAST, a.article_id`,
    params: [...w.params, ...page],
    text: o.q?.trim()
      ? { all: true }
      : {
          rows: {
            sql: `SELECT f.text_row FROM (${ids}) p JOIN article_facts f ON f.article_id = p.article_id`,
            params: [...w.params, ...page]
          }
        }
  };
}

export interface ArticleCountRow {
  n: number;
}
export function buildArticleCountQuery(f: Filters, o: ArticleListOptions = {}): BoundQuery {
  const w = listWhere(f, o);
  const q: BoundQuery = { sql: `SELECT count(*) AS n FROM ${listFrom(o)} WHERE ${w.sql}`, params: w.params };
  if (o.q?.trim()) q.text = { all: true };
  return q;
}

/** The full article row (ArticleRow from schema.ts). */
export function buildArticleQuery(id: string): BoundQuery {
  // The text comes from article_text: the browser's `articles` table is loaded without it.
  const cols = COLUMNS.articles.map((c) => (c === 'text' ? 'x.text' : `a.${c}`)).join(', ');
  return {
    sql: `SELECT ${cols} FROM articles a LEFT JOIN article_text x ON x.article_id = a.article_id WHERE a.article_id = ?`,
    params: [id],
    text: { rows: { sql: 'SELECT text_row FROM article_facts WHERE article_id = ?', params: [id] } }
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
      FROM mentions m LEFT JOIN entities e ON e.entity_id = m.entity_id
      WHERE m.article_id = ? ORDER BY m.start, m.mention_id`,
    params: [id]
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
      FROM topics t LEFT JOIN topic_defs d ON d.topic_id = t.topic_id
      WHERE t.article_id = ? ORDER BY t.score DESC, t.topic_id`,
    params: [id]
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
      FROM stances s
      LEFT JOIN entities e ON s.target_kind = 'entity' AND e.entity_id = s.target_id
      LEFT JOIN topic_defs d ON s.target_kind = 'topic' AND d.topic_id = s.target_id
      WHERE s.article_id = ? ORDER BY s.cue_start, s.stance_id`,
    params: [id]
  };
}

export interface ArticleTermRow {
  term: string;
  score: number;
  rank: number;
}
export function buildArticleTermsQuery(id: string): BoundQuery {
  return {
    sql: 'SELECT term, score, rank FROM terms WHERE article_id = ? ORDER BY rank, term',
    params: [id]
  };
}
