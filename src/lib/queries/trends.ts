/** Topic trends: how often each topic appears over time, optionally per country. */
import type { BoundQuery } from '$lib/db/types';
import type { Filters, Measure } from '$lib/filters';
import { whereClause } from '$lib/filters';
import { bucketExpr, inList, stepExpr, type Granularity } from './sql';
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

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** Start of the stored week (ISO, Monday) or month holding `iso`; with `up`, the next start unless `iso` is one. */
function storedStart(iso: string, stored: 'week' | 'month', up: boolean): string {
  const d = new Date(`${iso}T00:00:00Z`);
  let start: string;
  if (stored === 'week') {
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    start = d.toISOString().slice(0, 10);
    return up && start !== iso ? addDays(start, 7) : start;
  }
  start = `${iso.slice(0, 7)}-01`;
  if (!up || start === iso) return start;
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Whole stored buckets inside the date range: `start` + step ≤ to + 1 day and `start` ≥ from. */
function insideRange(f: Filters, stored: Granularity, start: string): BoundQuery {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.from) {
    parts.push(`${start} >= CAST(? AS DATE)`);
    params.push(f.from);
  }
  if (f.to) {
    parts.push(`${start} + ${stepExpr(stored)} <= CAST(? AS DATE) + INTERVAL 1 DAY`);
    params.push(f.to);
  }
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
}

/**
 * The days of a stored week or month that the date range cuts, from article_counts: one part for the totals
 * (topic_id NULL), one split by topic bit. Columns: bucket (at `opts.granularity`), country, topic_id, articles.
 */
function edgeParts(
  f: Filters,
  opts: Pick<TopicTrendOptions, 'granularity' | 'byCountry'>,
  extra: BoundQuery = { sql: 'TRUE', params: [] }
): BoundQuery[] {
  if (!f.from && !f.to) return [];
  const stored: Granularity = opts.granularity === 'week' ? 'week' : 'month';
  const country = opts.byCountry ? 'c.country' : 'CAST(NULL AS VARCHAR)';
  const wc = factsWhere({ ...f, topics: [] });
  const inC = insideRange(f, stored, bucketExpr(stored, 'c.date'));
  const edge = `c.date IS NOT NULL AND ${wc.sql} AND NOT (${inC.sql}) AND ${extra.sql}`;
  const edgeParams = [...wc.params, ...inC.params, ...extra.params];
  return [
    {
      sql: `SELECT ${bucketExpr(opts.granularity, 'c.date')}, ${country}, CAST(NULL AS VARCHAR), c.articles
          FROM article_counts c WHERE ${edge}`,
      params: edgeParams
    },
    {
      sql: `SELECT ${bucketExpr(opts.granularity, 'c.date')}, ${country}, tb.topic_id, c.articles
          FROM article_counts c JOIN (${TOPIC_BITS_SQL}) tb ON (c.topic_mask & tb.mask) <> 0 WHERE ${edge}`,
      params: edgeParams
    }
  ];
}

/**
 * The cut days of a date range only (see `edgeParts`), summed per bucket × country × topic (NULL = all articles):
 * what `TopicCube.trend` adds to the whole buckets it holds. Every topic, whatever the topics filter (the cube
 * picks the series). Null when the filters have no date range.
 */
export function buildTopicTrendEdgeQuery(f: Filters, opts: Pick<TopicTrendOptions, 'granularity' | 'byCountry'>): BoundQuery | null {
  // The same days as NOT (inside), said as plain date bounds DuckDB can check against each row group's min/max
  // (article_counts is sorted by date): before the first whole stored bucket, or from the end of the last one.
  const stored = opts.granularity === 'week' ? 'week' : 'month';
  const bounds: string[] = [];
  const params: unknown[] = [];
  if (f.from) {
    bounds.push('c.date < CAST(? AS DATE)');
    params.push(storedStart(f.from, stored, true));
  }
  if (f.to) {
    bounds.push('c.date >= CAST(? AS DATE)');
    params.push(storedStart(addDays(f.to, 1), stored, false));
  }
  const parts = edgeParts(f, opts, { sql: `(${bounds.join(' OR ')})`, params });
  if (!parts.length) return null;
  return {
    sql: `WITH cells AS (${parts.map((p) => `SELECT * FROM (${p.sql}) p(bucket, country, topic_id, articles)`).join('\n        UNION ALL ')})
      SELECT bucket, country, topic_id, CAST(sum(articles) AS BIGINT) AS articles FROM cells
      GROUP BY ALL ORDER BY 1, 2 NULLS LAST, 3 NULLS FIRST`,
    params: parts.flatMap((p) => p.params)
  };
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
  // Stored step: weeks for weeks, months for months, quarters and years (which are whole months).
  const stored: Granularity = opts.granularity === 'week' ? 'week' : 'month';
  const rest = { ...f, topics: [], from: null, to: null };
  const wb = whereClause(rest, 'b');
  const series = f.topics.length ? inList('x.topic_id', f.topics) : { sql: 'TRUE', params: [] };
  const country = (alias: string) => (opts.byCountry ? `${alias}.country` : 'CAST(NULL AS VARCHAR)');
  const inB = insideRange(f, stored, 'b.bucket');
  const parts: BoundQuery[] = [
    {
      // Stored buckets already are weeks or months: only quarters and years need truncating.
      sql: `SELECT ${opts.granularity === stored ? 'b.bucket' : bucketExpr(opts.granularity, 'b.bucket')} AS bucket, ${country('b')} AS country, b.topic_id, b.articles
        FROM topic_buckets b WHERE b.step = '${stored}' AND b.bucket IS NOT NULL AND ${wb.sql} AND ${inB.sql}`,
      params: [...wb.params, ...inB.params]
    }
  ];
  parts.push(...edgeParts(f, opts));
  // From topic_buckets (summary rows, topic_id NULL = all articles), plus the cut edges of a date range.
  return {
    sql: `WITH cells AS (${parts.map((p) => p.sql).join('\n        UNION ALL ')}),
      tot AS (SELECT bucket, country, CAST(sum(articles) AS BIGINT) AS total FROM cells WHERE topic_id IS NULL GROUP BY bucket, country),
      hit AS (
        SELECT x.bucket, x.country, x.topic_id, CAST(sum(x.articles) AS BIGINT) AS articles
        FROM cells x WHERE x.topic_id IS NOT NULL AND ${series.sql}
        GROUP BY x.bucket, x.country, x.topic_id
      )
      SELECT t.bucket, t.country, h.topic_id,
        coalesce(h.articles, CAST(0 AS BIGINT)) AS articles, t.total
      FROM tot t LEFT JOIN hit h ON h.bucket = t.bucket AND h.country IS NOT DISTINCT FROM t.country
      WHERE t.total > 0
      ORDER BY 1, 2 NULLS LAST, 3`,
    params: [...parts.flatMap((p) => p.params), ...series.params]
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
  if (!f.topics.length) {
    // Without a topics filter the month summary rows answer it (bucket NULL = undated).
    const w = whereClause({ ...f, from: null, to: null }, 'b');
    return {
      sql: `SELECT coalesce(CAST(sum(b.articles) FILTER (WHERE b.bucket IS NOT NULL) AS BIGINT), 0) AS dated,
          coalesce(CAST(sum(b.articles) FILTER (WHERE b.bucket IS NULL) AS BIGINT), 0) AS undated
        FROM topic_buckets b WHERE b.step = 'month' AND b.topic_id IS NULL AND ${w.sql}`,
      params: w.params
    };
  }
  const w = factsWhere({ ...f, from: null, to: null });
  return {
    sql: `SELECT coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NOT NULL) AS BIGINT), 0) AS dated,
        coalesce(CAST(sum(c.articles) FILTER (WHERE c.date IS NULL) AS BIGINT), 0) AS undated
      FROM article_counts c WHERE ${w.sql}`,
    params: w.params
  };
}
