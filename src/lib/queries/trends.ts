/** Topic trends: how often each topic appears over time, optionally per country. */
import type { BoundQuery } from '$lib/db/types';
import type { Filters, Measure } from '$lib/filters';
import { bucketExpr, inList, type Granularity } from './sql';
import { factsWhere, TOPIC_BITS_SQL } from './common';

export interface TopicTrendOptions {
  granularity: Granularity;
  /** Which column `value` mirrors; both `articles` and `share` are always returned. */
  measure: Measure;
  byCountry: boolean;
}

/** A gap-filled row, one per bucket × country × topic (see `fillTopicTrend`): what the chart plots and CSV exports. */
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
 * A row of `buildTopicTrendQuery`: only non-empty cells. `topic_id` is null on the one row of a bucket/country that
 * has articles but none on a drawn topic (it still carries the bucket's `total`, and widens the x range).
 */
export interface TopicTrendHitRow {
  bucket: string;
  country: string | null;
  topic_id: string | null;
  articles: number;
  total: number;
}

/** The series drawn on the trends page (every topic, or the ones the topics filter picks), empty ones included. */
export interface TopicSeriesRow {
  topic_id: string;
  label_en: string;
  color: string;
}

/**
 * Non-empty bucket × country × topic cells with their bucket/country total; `fillTopicTrend` turns them into the
 * full grid (every bucket between the first and last, × every country present, × every series of
 * `buildTopicSeriesQuery`). The grid used to be built here and cost 100–200 ms at 10k articles for rows that are
 * mostly zeros. On this page the `topics` filter chooses which series to draw; it does not narrow the denominator,
 * so "share" stays "share of all coverage" when you pick one topic. Undated articles have no bucket: report them
 * with `buildUndatedCountQuery`. `measure` does not change the rows (share and value are computed when filling).
 */
export function buildTopicTrendQuery(f: Filters, opts: TopicTrendOptions): BoundQuery {
  const w = factsWhere({ ...f, topics: [] });
  const series = f.topics.length ? inList('tb.topic_id', f.topics) : { sql: 'TRUE', params: [] };
  const country = opts.byCountry ? 'c.country' : 'CAST(NULL AS VARCHAR)';
  // From article_counts: rows of one bucket/country are summed first (few), then split by topic bit.
  return {
    sql: `WITH fa AS (
        SELECT ${country} AS country, ${bucketExpr(opts.granularity, 'c.date')} AS bucket, c.topic_mask,
          CAST(sum(c.articles) AS BIGINT) AS articles
        FROM article_counts c WHERE c.date IS NOT NULL AND ${w.sql}
        GROUP BY ALL
      ),
      tot AS (SELECT bucket, country, CAST(sum(articles) AS BIGINT) AS total FROM fa GROUP BY bucket, country),
      hit AS (
        SELECT fa.bucket, fa.country, tb.topic_id, CAST(sum(fa.articles) AS BIGINT) AS articles
        FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0
        WHERE ${series.sql}
        GROUP BY fa.bucket, fa.country, tb.topic_id
      )
      SELECT t.bucket, t.country, h.topic_id,
        coalesce(h.articles, CAST(0 AS BIGINT)) AS articles, t.total
      FROM tot t LEFT JOIN hit h ON h.bucket = t.bucket AND h.country IS NOT DISTINCT FROM t.country
      ORDER BY 1, 2 NULLS LAST, 3`,
    params: [...w.params, ...series.params]
  };
}

/** The series of the trends page: every topic, or those the topics filter names. Independent of the time step. */
export function buildTopicSeriesQuery(f: Filters): BoundQuery {
  const series = f.topics.length ? inList('topic_id', f.topics) : { sql: 'TRUE', params: [] };
  return {
    sql: `SELECT topic_id, label_en, color FROM topic_defs WHERE ${series.sql} ORDER BY topic_id`,
    params: series.params
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
