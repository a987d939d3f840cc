/** Stance toward a target (a topic, an entity, or all UN bodies) over time, and the sentences behind it. */
import type { BoundQuery } from '$lib/db/types';
import { PAGE } from '$lib/db/page-table';
import { UN_SYSTEM, type Filters, type StanceTarget } from '$lib/filters';
import type { EntityKind, Lang, StanceLabel, StanceRow, TargetKind } from '$lib/schema';
import { bucketExpr, clampInt, type Granularity } from './sql';
import { bucketSeriesCtes, factsWhere, stanceTargetCondition, threshold } from './common';
import { articleRowsParts } from './articles';

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

export function buildStanceTrendQuery(f: Filters, opts: StanceTrendOptions): BoundQuery {
  const w = factsWhere(f, 'a');
  const target = stanceTargetCondition(opts, 's');
  const country = opts.byCountry ? 'a.country' : 'CAST(NULL AS VARCHAR)';
  // stance_facts (integers, no sentences) rather than `stances`: at 1M articles the page never loads the evidence.
  return {
    sql: `WITH fa AS (
        SELECT a.text_row, ${country} AS country, ${bucketExpr(opts.granularity, 'a.date')} AS bucket
        FROM article_facts a WHERE a.date IS NOT NULL AND ${w.sql}
      ),
      ${bucketSeriesCtes(opts.granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      tot AS (SELECT bucket, country, count(*) AS total FROM fa GROUP BY bucket, country),
      per_article AS (
        SELECT s.text_row, avg(s.score) AS score,
          bool_or(s.stance = 'support') AS sup, bool_or(s.stance = 'oppose') AS opp, bool_or(s.stance = 'neutral') AS neu
        FROM stance_facts s WHERE ${target.sql} AND s.confidence >= ?
        GROUP BY s.text_row
      ),
      agg AS (
        SELECT fa.bucket, fa.country, count(*) AS articles,
          count(*) FILTER (WHERE pa.sup) AS support, count(*) FILTER (WHERE pa.opp) AS oppose,
          count(*) FILTER (WHERE pa.neu) AS neutral, avg(pa.score) AS mean_score
        FROM fa JOIN per_article pa ON pa.text_row = fa.text_row
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

/** The filters and drill-down of the evidence list, over stance_facts `s` joined with article_facts `a`. */
function evidenceWhere(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = factsWhere(f, 'a');
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

/**
 * One page of evidence: the rows are chosen on stance_facts × article_facts (integers, no text), then only their
 * stance rows (sentence, cue) and article rows (title, outlet) are read, from the row groups of stances.parquet and
 * articles.parquet holding them (partial tables, BoundQuery.parts). A stance row is one (article, target) pair, so
 * that pair finds it among the row groups read.
 */
export function buildStanceEvidenceQuery(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = evidenceWhere(f, opts);
  return {
    // Chosen once (BoundQuery.page): the rows, and the row groups of both files to read, follow from it.
    page: {
      sql: `SELECT s.stance_row, s.stance_no, s.text_row, a.article_id, a.date, a.country, a.lang, s.target_kind, s.target_id, s.confidence
        FROM stance_facts s JOIN article_facts a ON a.text_row = s.text_row
        WHERE ${w.sql}
        ORDER BY a.date DESC NULLS LAST, s.confidence DESC, s.stance_no
        LIMIT ? OFFSET ?`,
      params: [...w.params, clampInt(opts.limit ?? 25, 1, 500, 25), clampInt(opts.offset ?? 0, 0, 10_000_000, 0)]
    },
    sql: `SELECT st.stance_id, p.article_id, ar.title, p.date, ar.source_name, p.country, p.lang,
        st.target_kind, st.target_id, coalesce(e.label_en, d.label_en) AS target_label,
        st.stance, st.score, st.confidence, st.cue, st.cue_start, st.cue_end,
        st.sentence, st.sentence_start, st.sentence_end, st.n_evidence
      FROM ${PAGE} p
      JOIN stances__rows st ON st.article_id = p.article_id AND st.target_kind = p.target_kind AND st.target_id = p.target_id
      JOIN articles__rows ar ON ar.article_id = p.article_id
      LEFT JOIN entities e ON st.target_kind = 'entity' AND e.entity_id = st.target_id
      LEFT JOIN topic_defs d ON st.target_kind = 'topic' AND d.topic_id = st.target_id
      ORDER BY p.date DESC NULLS LAST, p.confidence DESC, p.stance_no`,
    params: [],
    parts: {
      stances__rows: { sql: `SELECT p.stance_row AS row_start, p.stance_row + 1 AS row_end FROM ${PAGE} p`, params: [] },
      ...articleRowsParts({ sql: `SELECT p.text_row FROM ${PAGE} p`, params: [] })
    }
  };
}

export interface CountRow {
  n: number;
}
export function buildStanceEvidenceCountQuery(f: Filters, opts: StanceEvidenceOptions): BoundQuery {
  const w = evidenceWhere(f, opts);
  return {
    sql: `SELECT count(*) AS n FROM stance_facts s JOIN article_facts a ON a.text_row = s.text_row WHERE ${w.sql}`,
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
  // A stance row is one (article, target) pair (docs/data-model.md), so per target count(*) counts articles: no
  // DISTINCT (four distinct-aggregates over ~800k rows took 2 s in DuckDB-WASM at 1M articles). Across UN bodies an
  // article can have several rows: those are folded per article first. Labels join the aggregated rows only.
  return {
    sql: `WITH fs AS (
        SELECT s.text_row, s.target_kind, s.target_id, s.stance FROM stance_facts s JOIN article_facts a ON a.text_row = s.text_row WHERE ${w.sql}
      ),
      counted AS (
        SELECT target_kind, target_id, count(*) AS articles,
          count(*) FILTER (WHERE stance = 'support') AS support,
          count(*) FILTER (WHERE stance = 'oppose') AS oppose,
          count(*) FILTER (WHERE stance = 'neutral') AS neutral
        FROM fs GROUP BY target_kind, target_id
      ),
      per_target AS (
        SELECT c.target_kind, c.target_id, coalesce(e.label_en, d.label_en, c.target_id) AS label_en, e.kind AS entity_kind,
          c.articles, c.support, c.oppose, c.neutral, 1 AS sort_group
        FROM counted c
        LEFT JOIN entities e ON c.target_kind = 'entity' AND e.entity_id = c.target_id
        LEFT JOIN topic_defs d ON c.target_kind = 'topic' AND d.topic_id = c.target_id
      ),
      un_articles AS (
        SELECT fs.text_row, bool_or(fs.stance = 'support') AS sup, bool_or(fs.stance = 'oppose') AS opp, bool_or(fs.stance = 'neutral') AS neu
        FROM fs WHERE fs.target_kind = 'entity' AND fs.target_id IN (SELECT entity_id FROM entities WHERE kind = 'un_body')
        GROUP BY fs.text_row
      ),
      un AS (
        SELECT 'entity' AS target_kind, '${UN_SYSTEM}' AS target_id, 'All UN bodies' AS label_en,
          CAST(NULL AS VARCHAR) AS entity_kind, count(*) AS articles,
          count(*) FILTER (WHERE sup) AS support, count(*) FILTER (WHERE opp) AS oppose, count(*) FILTER (WHERE neu) AS neutral,
          0 AS sort_group
        FROM un_articles
        HAVING count(*) > 0
      )
      SELECT target_kind, target_id, label_en, entity_kind, articles, support, oppose, neutral
      FROM (SELECT * FROM un UNION ALL SELECT * FROM per_target)
      ORDER BY sort_group, articles DESC, target_kind, target_id`,
    params: w.params
  };
}
