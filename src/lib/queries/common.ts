/** Fragments shared by several builders. Each returns bound SQL; user values only ever sit in `params`. */
import type { BoundQuery } from '$lib/db/types';
import { UN_SYSTEM, whereClause, type Filters, type StanceTarget } from '$lib/filters';
import { bucketExpr, inList, stepExpr, type Granularity } from './sql';

/**
 * Stance rows about `target`. `@un_system` stands for every entity of kind `un_body`, so "all UN bodies" does not
 * depend on the taxonomy's current list.
 */
/** A stance confidence threshold as the queries and cubes apply it: within [0, 1], 0 when not a number. */
export function threshold(t: number | undefined): number {
  return t !== undefined && Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
}

export function stanceTargetCondition(target: StanceTarget, alias = 's'): BoundQuery {
  if (target.target_kind === 'entity' && target.target_id === UN_SYSTEM) {
    return {
      sql: `${alias}.target_kind = 'entity' AND ${alias}.target_id IN (SELECT entity_id FROM entities WHERE kind = 'un_body')`,
      params: []
    };
  }
  return { sql: `${alias}.target_kind = ? AND ${alias}.target_id = ?`, params: [target.target_kind, target.target_id] };
}

/** Mentions of `entityId` (or of any UN body for `@un_system`). */
export function entityCondition(entityId: string, alias = 'm'): BoundQuery {
  if (entityId === UN_SYSTEM) return { sql: `${alias}.kind = 'un_body'`, params: [] };
  return { sql: `${alias}.entity_id = ?`, params: [entityId] };
}

/**
 * CTEs `bounds` and `buckets`: every bucket between the first and last one in `fa`, including empty ones, so lines
 * and rolling means do not silently skip a quiet month. `fa` must have a DATE column `bucket`.
 */
export function bucketSeriesCtes(granularity: Granularity): string {
  return `bounds AS (SELECT min(bucket) AS lo, max(bucket) AS hi FROM fa),
  buckets AS (
    SELECT CAST(unnest(generate_series(lo, hi, ${stepExpr(granularity)})) AS DATE) AS bucket
    FROM bounds WHERE lo IS NOT NULL
  )`;
}

export { bucketExpr };

/**
 * `topic_id → mask` for the `topic_mask` columns of article_facts / article_counts: bit i is the i-th topic_id of
 * topic_defs in byte order (schema.ts MAX_MASK_TOPICS), the same rule the pipeline wrote the masks with.
 */
export const TOPIC_BITS_SQL = `SELECT topic_id,
    CAST(1 AS BIGINT) << CAST(row_number() OVER (ORDER BY topic_id) - 1 AS BIGINT) AS mask
  FROM topic_defs`;

/**
 * The shared filters over a table with the filter-bar columns and a `topic_mask` (article_facts, article_counts):
 * the same articles `whereClause` selects over `articles`, without touching the big tables. "Any of these topics"
 * becomes one AND with the union of their bits.
 */
export function factsWhere(f: Filters, alias = 'c'): BoundQuery {
  const w = whereClause({ ...f, topics: [] }, alias);
  if (!f.topics.length) return w;
  const list = inList('tb.topic_id', f.topics);
  const topic = `(${alias}.topic_mask & (SELECT coalesce(bit_or(tb.mask), CAST(0 AS BIGINT)) FROM (${TOPIC_BITS_SQL}) tb WHERE ${list.sql})) <> 0`;
  return w.sql === 'TRUE' ? { sql: topic, params: list.params } : { sql: `${w.sql} AND ${topic}`, params: [...w.params, ...list.params] };
}
