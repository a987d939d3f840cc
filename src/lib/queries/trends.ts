/** Topic trends: how often each topic appears over time, optionally per country. */
import type { BoundQuery } from '$lib/db/types';
import type { Filters, Measure } from '$lib/filters';
import { bucketExpr, inList, type Granularity } from './sql';
import { bucketSeriesCtes, factsWhere, TOPIC_BITS_SQL } from './common';

export interface TopicTrendOptions {
  granularity: Granularity;
  /** Which column `value` mirrors; both `articles` and `share` are always returned. */
  measure: Measure;
  byCountry: boolean;
}

export interface TopicTrendRow {
  /** First day of the bucket, 'YYYY-MM-DD'. */
  bucket: string;
  /** null when not split by country (or for articles whose country is unknown). */
  country: string | null;
  topic_id: string;
  label_en: string;
  color: string;
  /** Dated articles in this bucket (and country) that carry the topic. */
  articles: number;
  /** All dated, filtered articles in this bucket (and country). */
  total: number;
  /** articles / total, null for an empty bucket. */
  share: number | null;
  value: number | null;
}

/**
 * One row per bucket × country × topic, empty buckets included. On this page the `topics` filter chooses which
 * series to draw; it does not narrow the denominator, so "share" stays "share of all coverage" when you pick one
 * topic. Undated articles have no bucket: report them with `buildUndatedCountQuery`.
 */
export function buildTopicTrendQuery(f: Filters, opts: TopicTrendOptions): BoundQuery {
  const w = factsWhere({ ...f, topics: [] });
  const series = f.topics.length ? inList('topic_id', f.topics) : { sql: 'TRUE', params: [] };
  const country = opts.byCountry ? 'c.country' : 'CAST(NULL AS VARCHAR)';
  const value = opts.measure === 'count' ? 'CAST(articles AS DOUBLE)' : 'share';
  // From article_counts: rows of one bucket/country are summed first (few), then split by topic bit.
  return {
    sql: `WITH fa AS (
        SELECT ${country} AS country, ${bucketExpr(opts.granularity, 'c.date')} AS bucket, c.topic_mask,
          CAST(sum(c.articles) AS BIGINT) AS articles
        FROM article_counts c WHERE c.date IS NOT NULL AND ${w.sql}
        GROUP BY ALL
      ),
      ${bucketSeriesCtes(opts.granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      tot AS (SELECT bucket, country, CAST(sum(articles) AS BIGINT) AS total FROM fa GROUP BY bucket, country),
      hit AS (
        SELECT fa.bucket, fa.country, tb.topic_id, CAST(sum(fa.articles) AS BIGINT) AS articles
        FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0
        GROUP BY fa.bucket, fa.country, tb.topic_id
      ),
      defs AS (SELECT topic_id, label_en, color FROM topic_defs WHERE ${series.sql}),
      grid AS (
        SELECT b.bucket, c.country, d.topic_id, d.label_en, d.color,
          coalesce(h.articles, 0) AS articles, coalesce(tot.total, 0) AS total,
          CASE WHEN coalesce(tot.total, 0) = 0 THEN NULL ELSE coalesce(h.articles, 0) / tot.total END AS share
        FROM buckets b CROSS JOIN countries c CROSS JOIN defs d
        LEFT JOIN tot ON tot.bucket = b.bucket AND tot.country IS NOT DISTINCT FROM c.country
        LEFT JOIN hit h ON h.bucket = b.bucket AND h.country IS NOT DISTINCT FROM c.country AND h.topic_id = d.topic_id
      )
      SELECT bucket, country, topic_id, label_en, color, articles, total, share,
        ${value} AS value
      FROM grid
      ORDER BY bucket, country NULLS LAST, topic_id`,
    params: [...w.params, ...series.params]
  };
}

export interface UndatedCountRow {
  dated: number;
  undated: number;
}
/**
 * Dated vs undated among the articles matching every filter except the date range (a date range always excludes
 * undated articles, which is exactly what the "N undated articles not shown" note needs to count).
 */
export function buildUndatedCountQuery(f: Filters): BoundQuery {
  const w = factsWhere({ ...f, from: null, to: null });
  return {
    sql: `SELECT coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NOT NULL) AS BIGINT), 0) AS dated,
        coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NULL) AS BIGINT), 0) AS undated
      FROM article_counts c WHERE ${w.sql}`,
    params: w.params
  };
}
