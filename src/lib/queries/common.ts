/** Fragments shared by several builders. Each returns bound SQL; user values only ever sit in `params`. */
import type { BoundQuery } from '$lib/db/types';
import { UN_SYSTEM, type StanceTarget } from '$lib/filters';
import { bucketExpr, stepExpr, type Granularity } from './sql';

/**
 * Stance rows about `target`. `@un_system` stands for every entity of kind `un_body`, so "all UN bodies" does not
 * depend on the taxonomy's current list.
 */
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
