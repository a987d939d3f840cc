/** Stance toward a target (a topic, an entity, or all UN bodies) over time, and the sentences behind it. */
import type { BoundQuery } from '$lib/db/types';
import { whereClause, UN_SYSTEM, type Filters, type StanceTarget } from '$lib/filters';
import type { EntityKind, Lang, StanceLabel, StanceRow, TargetKind } from '$lib/schema';
import { bucketExpr, clampInt, type Granularity } from './sql';
import { bucketSeriesCtes, factsWhere, stanceTargetCondition } from './common';

export interface StanceTrendOptions extends StanceTarget {
  granularity: Granularity;
  /** Minimum confidence in [0, 1]; weaker stance rows are ignored. */
  threshold: number;
  byCountry: boolean;
}

export interface StanceTrendRow {
  bucket: string;
  country: string | null;
  /**
   * Articles (not sentences) with at least one support / oppose / neutral stance row toward the target. With
   * `@un_system` an article supporting one body and opposing another counts in both columns.
   */
  support: number;
  oppose: number;
  neutral: number;
  /** Articles with any stance toward the target. */
  articles: number;
  /** All dated, filtered articles in the bucket (and country), for context. */
  total: number;
  /** Mean over articles of each article's mean score in [-1, 1]; null when no article has a stance. */
  mean_score: number | null;
}

function threshold(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
}

export function buildStanceTrendQuery(f: Filters, opts: StanceTrendOptions): BoundQuery {
  const w = factsWhere(f, 'a');
  const target = stanceTargetCondition(opts, 's');
  const country = opts.byCountry ? 'a.country' : 'CAST(NULL AS VARCHAR)';
  return {
    sql: `WITH fa AS (
        SELECT a.article_id, ${country} AS country, ${bucketExpr(opts.granularity, 'a.date')} AS bucket
        FROM article_facts a WHERE a.date IS NOT NULL AND ${w.sql}
      ),
      ${bucketSeriesCtes(opts.granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      tot AS (SELECT bucket, country, count(*) AS total FROM fa GROUP BY bucket, country),
      per_article AS (
        SELECT s.article_id, avg(s.score) AS score,
          bool_or(s.stance = 'support') AS sup, bool_or(s.stance = 'oppose') AS opp, bool_or(s.stance = 'neutral') AS neu
        FROM stances s WHERE ${target.sql} AND s.confidence >= ?
        GROUP BY s.article_id
      ),
      agg AS (
        SELECT fa.bucket, fa.country, count(*) AS articles,
          count(*) FILTER (WHERE pa.sup) AS support, count(*) FILTER (WHERE pa.opp) AS oppose,
          count(*) FILTER (WHERE pa.neu) AS neutral, avg(pa.score) AS mean_score
        FROM fa JOIN per_article pa ON pa.article_id = fa.article_id
        GROUP BY fa.bucket, fa.country
      )
      SELECT b.bucket, c.country,
        coalesce(g.support, 0) AS support, coalesce(g.oppose, 0) AS oppose, coalesce(g.neutral, 0) AS neutral,
        coalesce(g.articles, 0) AS articles, coalesce(tot.total, 0) AS total, g.mean_score
      FROM buckets b CROSS JOIN countries c
      LEFT JOIN tot ON tot.bucket = b.bucket AND tot.country IS NOT DISTINCT FROM c.country
      LEFT JOIN agg g ON g.bucket = b.bucket AND g.country IS NOT DISTINCT FROM c.country
      ORDER BY b.bucket, c.country NULLS LAST`,
    params: [...w.params, ...target.params, threshold(opts.threshold)]
  };
}

export interface StanceEvidenceOptions extends StanceTarget {
  threshold: number;
  stance?: StanceLabel | null;
  /** Drill-down from a chart bucket: inclusive start, exclusive end. */
  bucketStart?: string | null;
  bucketEnd?: string | null;
  /** Drill-down from a per-country series. */
  country?: string | null;
  limit?: number;
  offset?: number;
}

/** The evidence columns of a stance row as the pipeline wrote them, with the article's metadata beside them. */
export interface StanceEvidenceRow extends StanceRow {
  title: string;
  date: string | null;
  source_name: string | null;
  country: string | null;
  lang: Lang;
  target_label: string | null;
}

function evidenceWhere(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = whereClause(f);
  const target = stanceTargetCondition(opts, 's');
  const parts = [w.sql, target.sql, 's.confidence >= ?'];
  const params: unknown[] = [...w.params, ...target.params, threshold(opts.threshold)];
  if (opts.stance) {
    parts.push('s.stance = ?');
    params.push(opts.stance);
  }
  if (opts.bucketStart) {
    parts.push('a.date >= CAST(? AS DATE)');
    params.push(opts.bucketStart);
  }
  if (opts.bucketEnd) {
    parts.push('a.date < CAST(? AS DATE)');
    params.push(opts.bucketEnd);
  }
  if (opts.country) {
    parts.push('a.country = ?');
    params.push(opts.country);
  }
  return { sql: parts.map((p) => `(${p})`).join(' AND '), params };
}

export function buildStanceEvidenceQuery(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = evidenceWhere(f, opts);
  return {
    sql: `SELECT s.stance_id, a.article_id, a.title, a.date, a.source_name, a.country, a.lang,
        s.target_kind, s.target_id, coalesce(e.label_en, d.label_en) AS target_label,
        s.stance, s.score, s.confidence, s.cue, s.cue_start, s.cue_end,
        s.sentence, s.sentence_start, s.sentence_end, s.n_evidence
      FROM stances s
      JOIN articles a ON a.article_id = s.article_id
      LEFT JOIN entities e ON s.target_kind = 'entity' AND e.entity_id = s.target_id
      LEFT JOIN topic_defs d ON s.target_kind = 'topic' AND d.topic_id = s.target_id
      WHERE ${w.sql}
      ORDER BY a.date DESC NULLS LAST, s.confidence DESC, s.stance_id
      LIMIT ? OFFSET ?`,
    params: [...w.params, clampInt(opts.limit ?? 25, 1, 500, 25), clampInt(opts.offset ?? 0, 0, 10_000_000, 0)]
  };
}

export interface CountRow {
  n: number;
}
export function buildStanceEvidenceCountQuery(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = evidenceWhere(f, opts);
  return {
    sql: `SELECT count(*) AS n FROM stances s JOIN articles a ON a.article_id = s.article_id WHERE ${w.sql}`,
    params: w.params
  };
}

export interface StanceTargetRow {
  target_kind: TargetKind;
  target_id: string;
  label_en: string;
  /** Entity kind for entity targets; null for topics and for `@un_system`. */
  entity_kind: EntityKind | null;
  /** Filtered articles with any stance toward the target, and per label. */
  articles: number;
  support: number;
  oppose: number;
  neutral: number;
}
/**
 * Targets that have at least one stance in the filtered articles, most-discussed first, with a synthetic
 * `entity:@un_system` row ("All UN bodies") first whenever any UN body has a stance.
 */
export function buildStanceTargetsQuery(f: Filters): BoundQuery {
  const w = factsWhere(f, 'a');
  return {
    sql: `WITH fs AS (
        SELECT s.* FROM stances s JOIN article_facts a ON a.article_id = s.article_id WHERE ${w.sql}
      ),
      per_target AS (
        SELECT fs.target_kind, fs.target_id,
          coalesce(e.label_en, d.label_en, fs.target_id) AS label_en,
          e.kind AS entity_kind,
          count(DISTINCT fs.article_id) AS articles,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'support') AS support,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'oppose') AS oppose,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'neutral') AS neutral,
          1 AS sort_group
        FROM fs
        LEFT JOIN entities e ON fs.target_kind = 'entity' AND e.entity_id = fs.target_id
        LEFT JOIN topic_defs d ON fs.target_kind = 'topic' AND d.topic_id = fs.target_id
        GROUP BY fs.target_kind, fs.target_id, e.label_en, d.label_en, e.kind
      ),
      un AS (
        SELECT 'entity' AS target_kind, '${UN_SYSTEM}' AS target_id, 'All UN bodies' AS label_en,
          CAST(NULL AS VARCHAR) AS entity_kind,
          count(DISTINCT fs.article_id) AS articles,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'support') AS support,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'oppose') AS oppose,
          count(DISTINCT fs.article_id) FILTER (WHERE fs.stance = 'neutral') AS neutral,
          0 AS sort_group
        FROM fs JOIN entities e ON fs.target_kind = 'entity' AND e.entity_id = fs.target_id AND e.kind = 'un_body'
        HAVING count(*) > 0
      )
      SELECT target_kind, target_id, label_en, entity_kind, articles, support, oppose, neutral
      FROM (SELECT * FROM un UNION ALL SELECT * FROM per_target)
      ORDER BY sort_group, articles DESC, target_kind, target_id`,
    params: w.params
  };
}
