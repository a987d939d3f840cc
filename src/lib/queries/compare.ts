/**
 * Two countries side by side. Every number is normalised by that country's own article count, because the corpus
 * is far from balanced between countries. The shared `countries` filter is replaced by the pair being compared.
 */
import type { BoundQuery } from '$lib/db/types';
import type { Filters } from '$lib/filters';
import type { EntityKind } from '$lib/schema';
import { clampInt, inList } from './sql';
import { factsWhere, threshold, TOPIC_BITS_SQL } from './common';

export interface CompareOptions {
  a: string;
  b: string;
}

function pairWhere(f: Filters, o: CompareOptions): BoundQuery {
  const w = factsWhere({ ...f, countries: [] }, 'a');
  const pair = inList('a.country', [o.a, o.b]);
  return { sql: `${w.sql} AND ${pair.sql}`, params: [...w.params, ...pair.params] };
}

export interface CompareTotalsRow {
  country: string;
  articles: number;
}
export function buildCompareTotalsQuery(f: Filters, o: CompareOptions): BoundQuery {
  const w = pairWhere(f, o);
  return {
    sql: `SELECT c.country, count(a.article_id) AS articles
      FROM (VALUES (?), (?)) c(country)
      LEFT JOIN (SELECT a.article_id, a.country FROM article_facts a WHERE ${w.sql}) a ON a.country = c.country
      GROUP BY c.country ORDER BY c.country = ? DESC`,
    params: [o.a, o.b, ...w.params, o.a]
  };
}

export interface CompareTopicRow {
  country: string;
  topic_id: string;
  label_en: string;
  color: string;
  articles: number;
  /** The country's filtered article count. */
  total: number;
  share: number | null;
}
export function buildCompareTopicsQuery(f: Filters, o: CompareOptions): BoundQuery {
  const w = pairWhere(f, o);
  return {
    // Topics from each article's topic_mask (article_facts), not the `topics` table (2.5M rows at 1M articles).
    sql: `WITH fa AS (SELECT a.country, a.topic_mask FROM article_facts a WHERE ${w.sql}),
      pair AS (SELECT * FROM (VALUES (?, 0), (?, 1)) v(country, ord)),
      tot AS (SELECT country, count(*) AS total FROM fa GROUP BY country),
      hit AS (
        SELECT fa.country, tb.topic_id, count(*) AS articles
        FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0 GROUP BY fa.country, tb.topic_id
      )
      SELECT p.country, d.topic_id, d.label_en, d.color, coalesce(h.articles, 0) AS articles,
        coalesce(tot.total, 0) AS total,
        CASE WHEN coalesce(tot.total, 0) = 0 THEN NULL ELSE coalesce(h.articles, 0) / tot.total END AS share
      FROM pair p CROSS JOIN topic_defs d
      LEFT JOIN tot ON tot.country = p.country
      LEFT JOIN hit h ON h.country = p.country AND h.topic_id = d.topic_id
      ORDER BY p.ord, d.topic_id`,
    params: [...w.params, o.a, o.b]
  };
}

export interface CompareStanceRow {
  country: string;
  /** An entity id of kind un_body, or '@un_system' for all of them together. */
  target_id: string;
  label_en: string;
  support: number;
  oppose: number;
  neutral: number;
  /** Articles of this country with any stance toward the target. */
  articles: number;
  total: number;
  mean_score: number | null;
}
/** Stance toward each UN body, and toward all of them ('@un_system'), per country; article-level counts. */
export function buildCompareStanceQuery(f: Filters, o: CompareOptions & { threshold?: number }): BoundQuery {
  const w = pairWhere(f, o);
  const t = threshold(o.threshold);
  return {
    sql: `WITH fa AS (SELECT a.text_row, a.country FROM article_facts a WHERE ${w.sql}),
      tot AS (SELECT country, count(*) AS total FROM fa GROUP BY country),
      fs AS (
        SELECT fa.country, fa.text_row, s.target_id, s.stance, s.score
        FROM stance_facts s
        JOIN fa ON fa.text_row = s.text_row
        JOIN entities e ON e.entity_id = s.target_id AND e.kind = 'un_body'
        WHERE s.target_kind = 'entity' AND s.confidence >= ?
      ),
      per_article AS (
        SELECT country, text_row, target_id, avg(score) AS score,
          bool_or(stance = 'support') AS sup, bool_or(stance = 'oppose') AS opp, bool_or(stance = 'neutral') AS neu
        FROM fs GROUP BY country, text_row, target_id
        UNION ALL
        SELECT country, text_row, '@un_system', avg(score),
          bool_or(stance = 'support'), bool_or(stance = 'oppose'), bool_or(stance = 'neutral')
        FROM fs GROUP BY country, text_row
      )
      SELECT pa.country, pa.target_id,
        CASE WHEN pa.target_id = '@un_system' THEN 'All UN bodies' ELSE coalesce(any_value(e.label_en), pa.target_id) END AS label_en,
        count(*) FILTER (WHERE sup) AS support, count(*) FILTER (WHERE opp) AS oppose,
        count(*) FILTER (WHERE neu) AS neutral, count(*) AS articles,
        any_value(tot.total) AS total, avg(pa.score) AS mean_score
      FROM per_article pa
      LEFT JOIN tot ON tot.country = pa.country
      LEFT JOIN entities e ON e.entity_id = pa.target_id
      GROUP BY pa.country, pa.target_id
      ORDER BY pa.country = ? DESC, pa.target_id <> '@un_system', articles DESC, pa.target_id`,
    params: [...w.params, t, o.a]
  };
}

export interface CompareActorRow {
  country: string;
  entity_id: string;
  label_en: string;
  kind: EntityKind;
  articles: number;
  total: number;
  /** Share of the country's articles that mention the actor. */
  share: number;
  rank: number;
}
/** Top-n actors per country by share of that country's articles mentioning them. */
export function buildCompareActorsQuery(
  f: Filters,
  o: CompareOptions & { n?: number; kinds?: EntityKind[] }
): BoundQuery {
  const w = pairWhere(f, o);
  const kinds = o.kinds?.length ? inList('e.kind', o.kinds) : { sql: 'TRUE', params: [] };
  // article_entities (one row per article × entity, as integers) instead of `mentions`: see buildCoMentionQuery.
  return {
    sql: `WITH fa AS (SELECT a.text_row, a.country FROM article_facts a WHERE ${w.sql}),
      tot AS (SELECT country, count(*) AS total FROM fa GROUP BY country),
      ents AS (
        SELECT ea.entity_no, ea.entity_id, e.label_en, e.kind
        FROM entity_articles ea LEFT JOIN entities e ON e.entity_id = ea.entity_id WHERE ${kinds.sql}
      ),
      counted AS (
        SELECT fa.country, ae.entity_no, count(*) AS articles
        FROM article_entities ae JOIN fa ON fa.text_row = ae.text_row
        WHERE ae.entity_no IN (SELECT entity_no FROM ents)
        GROUP BY fa.country, ae.entity_no
      ),
      ranked AS (
        SELECT c.country, ents.entity_id, coalesce(ents.label_en, ents.entity_id) AS label_en, ents.kind, c.articles,
          tot.total, c.articles / tot.total AS share,
          row_number() OVER (PARTITION BY c.country ORDER BY c.articles DESC, ents.entity_id) AS rank
        FROM counted c JOIN tot ON tot.country = c.country JOIN ents ON ents.entity_no = c.entity_no
      )
      SELECT * FROM ranked WHERE rank <= ? ORDER BY country = ? DESC, rank`,
    params: [...w.params, ...kinds.params, clampInt(o.n ?? 15, 1, 100, 15), o.a]
  };
}

export interface CompareTermRow {
  country: string;
  term: string;
  /** Articles of this country whose top terms include the term, and of the other country. */
  articles: number;
  other_articles: number;
  /** Sum of the per-article tf-idf scores in this country. */
  score: number;
  /**
   * Log-odds ratio of an article of this country vs the other carrying the term, with +0.5 (Haldane–Anscombe)
   * smoothing so a term absent from one side stays finite. Positive = more typical of this country.
   */
  log_odds: number;
  rank: number;
}
/**
 * Terms most distinctive of each country (by log-odds, then summed tf-idf), top n per country. Counted on
 * term_facts (text_row, term_no, score: integers and a double) rather than `terms` (article_id and term strings):
 * at 1M articles that is 10M rows DuckDB-WASM loads and groups several times faster. term_facts has one row per
 * (article, term), so count(*) counts articles. term_no is the term's rank in byte order, so ordering by it is
 * ordering by the term; term_dict gives the words of the top rows.
 */
export function buildCompareTermsQuery(f: Filters, o: CompareOptions & { n?: number }): BoundQuery {
  const w = pairWhere(f, o);
  return {
    sql: `WITH fa AS (SELECT a.text_row, a.country FROM article_facts a WHERE ${w.sql}),
      pair AS (SELECT * FROM (VALUES (?, ?), (?, ?)) v(country, other)),
      tot AS (SELECT p.country, count(fa.text_row) AS total FROM pair p LEFT JOIN fa ON fa.country = p.country GROUP BY p.country),
      ft AS (
        SELECT fa.country, t.term_no, count(*) AS articles, sum(t.score) AS score
        FROM term_facts t JOIN fa ON fa.text_row = t.text_row GROUP BY fa.country, t.term_no
      ),
      scored AS (
        SELECT ft.country, ft.term_no, ft.articles, coalesce(o.articles, 0) AS other_articles, ft.score,
          ln((ft.articles + 0.5) / (ts.total - ft.articles + 0.5))
            - ln((coalesce(o.articles, 0) + 0.5) / (tot_o.total - coalesce(o.articles, 0) + 0.5)) AS log_odds
        FROM ft
        JOIN pair p ON p.country = ft.country
        JOIN tot ts ON ts.country = ft.country
        JOIN tot tot_o ON tot_o.country = p.other
        LEFT JOIN ft o ON o.country = p.other AND o.term_no = ft.term_no
      ),
      ranked AS (
        SELECT *, row_number() OVER (PARTITION BY country ORDER BY log_odds DESC, score DESC, term_no) AS rank FROM scored
      )
      SELECT r.country, d.term, r.articles, r.other_articles, r.score, r.log_odds, r.rank
      FROM ranked r JOIN term_dict d ON d.term_no = r.term_no
      WHERE r.rank <= ? ORDER BY r.country = ? DESC, r.rank`,
    params: [...w.params, o.a, o.b, o.b, o.a, clampInt(o.n ?? 20, 1, 200, 20), o.a]
  };
}
