/** Overview page: what is in the (filtered) corpus. */
import type { BoundQuery } from '$lib/db/types';
import { whereClause, type Filters } from '$lib/filters';
import type { Lang } from '$lib/schema';
import { bucketExpr, clampInt, type Granularity } from './sql';
import { bucketSeriesCtes } from './common';

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
  const w = whereClause(f);
  return {
    sql: `SELECT count(*) AS articles,
        count(a.date) AS dated,
        count(*) - count(a.date) AS undated,
        min(a.date) AS min_date,
        max(a.date) AS max_date,
        count(DISTINCT a.country) AS countries,
        count(DISTINCT a.source_id) AS sources,
        count(DISTINCT a.lang) AS langs
      FROM articles a WHERE ${w.sql}`,
    params: w.params
  };
}

export interface CountByCountryRow {
  country: string | null;
  articles: number;
  share: number;
}
export function buildCountsByCountryQuery(f: Filters): BoundQuery {
  const w = whereClause(f);
  return {
    sql: `SELECT a.country, count(*) AS articles, count(*) / sum(count(*)) OVER () AS share
      FROM articles a WHERE ${w.sql}
      GROUP BY a.country ORDER BY articles DESC, a.country NULLS LAST`,
    params: w.params
  };
}

export interface CountByLangRow {
  lang: Lang;
  articles: number;
  share: number;
}
export function buildCountsByLangQuery(f: Filters): BoundQuery {
  const w = whereClause(f);
  return {
    sql: `SELECT a.lang, count(*) AS articles, count(*) / sum(count(*)) OVER () AS share
      FROM articles a WHERE ${w.sql}
      GROUP BY a.lang ORDER BY articles DESC, a.lang`,
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
  const w = whereClause(f);
  // A source belongs to one country; any_value keeps the row when an outlet's country is unknown for some articles.
  return {
    sql: `SELECT a.source_id, any_value(a.source_name) AS source_name, any_value(a.country) AS country,
        count(*) AS articles, count(*) / sum(count(*)) OVER () AS share
      FROM articles a WHERE ${w.sql}
      GROUP BY a.source_id ORDER BY articles DESC, a.source_id NULLS LAST`,
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
  const w = whereClause(f);
  return {
    sql: `WITH fa AS (
        SELECT a.article_id, a.country, ${bucketExpr(granularity, 'a.date')} AS bucket
        FROM articles a WHERE a.date IS NOT NULL AND ${w.sql}
      ),
      ${bucketSeriesCtes(granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      counts AS (SELECT bucket, country, count(*) AS articles FROM fa GROUP BY bucket, country)
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
  const w = whereClause(f);
  return {
    sql: `WITH fa AS (SELECT a.article_id FROM articles a WHERE ${w.sql}),
      total AS (SELECT count(*) AS total FROM fa),
      hits AS (
        SELECT t.topic_id, count(DISTINCT t.article_id) AS articles
        FROM topics t JOIN fa ON fa.article_id = t.article_id GROUP BY t.topic_id
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
  const w = whereClause(f);
  return {
    sql: `SELECT a.article_id, a.title, a.date, a.date_precision, a.source_name, a.country, a.lang
      FROM articles a WHERE ${w.sql}
      ORDER BY a.date DESC NULLS LAST, a.article_id
      LIMIT ?`,
    params: [...w.params, clampInt(limit, 1, 200, 10)]
  };
}
