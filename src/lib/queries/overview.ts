/**
 * Overview page: what is in the (filtered) corpus. Every count here is a sum over `article_counts` (one row per
 * distinct date × country × source × lang × topic set), which answers the shared filters exactly without the big
 * per-article tables; only the latest-articles list reads `articles`.
 */
import type { BoundQuery } from '$lib/db/types';
import { PAGE } from '$lib/db/page-table';
import type { Filters } from '$lib/filters';
import type { Lang } from '$lib/schema';
import { bucketExpr, clampInt, type Granularity } from './sql';
import { bucketSeriesCtes, factsWhere, TOPIC_BITS_SQL } from './common';
import { articleRowsParts } from './articles';

/** `sum(articles)` as BIGINT: a SUM of INTEGER is HUGEINT, which DuckDB-WASM hands over as a decimal. */
const N = 'CAST(sum(c.articles) AS BIGINT)';

export interface OverviewTotalsRow {
  articles: number;
  dated: number;
  undated: number;
  min_date: string | null;
  max_date: string | null;
  countries: number;
  sources: number;
  langs: number;
}
export function buildOverviewTotalsQuery(f: Filters): BoundQuery {
  const w = factsWhere(f);
  return {
    sql: `SELECT coalesce(${N}, 0) AS articles,
        coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NOT NULL) AS BIGINT), 0) AS dated,
        coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NULL) AS BIGINT), 0) AS undated,
        min(c.date) AS min_date,
        max(c.date) AS max_date,
        count(DISTINCT c.country) AS countries,
        count(DISTINCT c.source_id) AS sources,
        count(DISTINCT c.lang) AS langs
      FROM article_counts c WHERE ${w.sql}`,
    params: w.params
  };
}

export interface CountByCountryRow {
  country: string | null;
  articles: number;
  share: number;
}
export function buildCountsByCountryQuery(f: Filters): BoundQuery {
  const w = factsWhere(f);
  return {
    sql: `SELECT c.country, ${N} AS articles, ${N} / sum(${N}) OVER () AS share
      FROM article_counts c WHERE ${w.sql}
      GROUP BY c.country ORDER BY articles DESC, c.country NULLS LAST`,
    params: w.params
  };
}

export interface CountByLangRow {
  lang: Lang;
  articles: number;
  share: number;
}
export function buildCountsByLangQuery(f: Filters): BoundQuery {
  const w = factsWhere(f);
  return {
    sql: `SELECT c.lang, ${N} AS articles, ${N} / sum(${N}) OVER () AS share
      FROM article_counts c WHERE ${w.sql}
      GROUP BY c.lang ORDER BY articles DESC, c.lang`,
    params: w.params
  };
}

export interface CountBySourceRow {
  source_id: string | null;
  source_name: string | null;
  country: string | null;
  articles: number;
  share: number;
}
export function buildCountsBySourceQuery(f: Filters): BoundQuery {
  const w = factsWhere(f);
  // A source belongs to one country; any_value keeps the row when an outlet's country is unknown for some articles.
  return {
    sql: `SELECT c.source_id, any_value(c.source_name) AS source_name, any_value(c.country) AS country,
        ${N} AS articles, ${N} / sum(${N}) OVER () AS share
      FROM article_counts c WHERE ${w.sql}
      GROUP BY c.source_id ORDER BY articles DESC, c.source_id NULLS LAST`,
    params: w.params
  };
}

export interface ArticlesPerBucketRow {
  bucket: string;
  country: string | null;
  articles: number;
}
/** Date coverage: dated articles per bucket and country, empty buckets included (articles = 0). */
export function buildArticlesPerBucketQuery(f: Filters, granularity: Granularity = 'month'): BoundQuery {
  const w = factsWhere(f);
  return {
    sql: `WITH fa AS (
        SELECT c.country, c.articles, ${bucketExpr(granularity, 'c.date')} AS bucket
        FROM article_counts c WHERE c.date IS NOT NULL AND ${w.sql}
      ),
      ${bucketSeriesCtes(granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      counts AS (SELECT bucket, country, CAST(sum(articles) AS BIGINT) AS articles FROM fa GROUP BY bucket, country)
      SELECT b.bucket, c.country, coalesce(n.articles, 0) AS articles
      FROM buckets b CROSS JOIN countries c
      LEFT JOIN counts n ON n.bucket = b.bucket AND n.country IS NOT DISTINCT FROM c.country
      ORDER BY b.bucket, c.country NULLS LAST`,
    params: w.params
  };
}

export interface TopicShareRow {
  topic_id: string;
  label_en: string;
  color: string;
  core: boolean;
  articles: number;
  total: number;
  share: number | null;
}
/** Share of the filtered articles that carry each topic (an article can carry several, so shares need not sum to 1). */
export function buildTopicSharesQuery(f: Filters): BoundQuery {
  const w = factsWhere(f);
  return {
    sql: `WITH fa AS (SELECT c.topic_mask, c.articles FROM article_counts c WHERE ${w.sql}),
      total AS (SELECT coalesce(CAST(sum(articles) AS BIGINT), 0) AS total FROM fa),
      hits AS (
        SELECT tb.topic_id, CAST(sum(fa.articles) AS BIGINT) AS articles
        FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0 GROUP BY tb.topic_id
      )
      SELECT d.topic_id, d.label_en, d.color, d.core, coalesce(h.articles, 0) AS articles, total.total,
        CASE WHEN total.total = 0 THEN NULL ELSE coalesce(h.articles, 0) / total.total END AS share
      FROM topic_defs d CROSS JOIN total LEFT JOIN hits h ON h.topic_id = d.topic_id
      ORDER BY articles DESC, d.topic_id`,
    params: w.params
  };
}

export interface LatestArticleRow {
  article_id: string;
  title: string;
  date: string | null;
  date_precision: string | null;
  source_name: string | null;
  country: string | null;
  lang: Lang;
}
export function buildLatestArticlesQuery(f: Filters, limit = 10): BoundQuery {
  // Ids from article_facts, sorted once (BoundQuery.page), then only those articles' row groups of articles.parquet
  // (not the whole table: 107 MB at 1M).
  const w = factsWhere(f, 'f');
  return {
    page: {
      sql: `SELECT f.article_id, f.text_row FROM article_facts f WHERE ${w.sql}
        ORDER BY f.date DESC NULLS LAST, f.article_id LIMIT ?`,
      params: [...w.params, clampInt(limit, 1, 200, 10)]
    },
    sql: `SELECT a.article_id, a.title, a.date, a.date_precision, a.source_name, a.country, a.lang
      FROM ${PAGE} p JOIN articles__rows a ON a.article_id = p.article_id
      ORDER BY a.date DESC NULLS LAST, a.article_id`,
    params: [],
    parts: articleRowsParts({ sql: `SELECT article_id, text_row FROM ${PAGE}`, params: [] })
  };
}
