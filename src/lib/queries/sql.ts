/**
 * The only helpers that put SQL text together. User values never enter the SQL string: they travel in `params`
 * and reach DuckDB as bound `?` parameters. The few SQL fragments chosen by the user (granularity, measure) are
 * looked up in fixed maps here, so the URL can only select, never write, SQL.
 */
import type { BoundQuery } from '$lib/db/types';

export type Granularity = 'week' | 'month' | 'quarter' | 'year';
export const GRANULARITIES: readonly Granularity[] = ['week', 'month', 'quarter', 'year'];

const TRUNC_UNIT: Record<Granularity, string> = { week: "'week'", month: "'month'", quarter: "'quarter'", year: "'year'" };
const STEP: Record<Granularity, string> = {
  week: 'INTERVAL 7 DAY',
  month: 'INTERVAL 1 MONTH',
  quarter: 'INTERVAL 3 MONTH',
  year: 'INTERVAL 1 YEAR'
};

/** `date_trunc` returns a TIMESTAMP even for a DATE input; the cast keeps buckets as plain dates ('YYYY-MM-DD'). */
export function bucketExpr(granularity: Granularity, column: string): string {
  return `CAST(date_trunc(${TRUNC_UNIT[granularity]}, ${column}) AS DATE)`;
}

export function stepExpr(granularity: Granularity): string {
  return STEP[granularity];
}

/** `(?, ?, ?)` for a non-empty list. */
export function placeholders(n: number): string {
  if (n < 1) throw new Error('placeholders: empty list');
  return `(${Array.from({ length: n }, () => '?').join(', ')})`;
}

/** Escapes LIKE wildcards so a search for `50%` matches the text "50%" and not "50 anything". Pair with ESCAPE '\'. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A bound `IN (…)` list, or FALSE for an empty list (IN () is a syntax error). */
export function inList(column: string, values: readonly unknown[]): BoundQuery {
  if (values.length === 0) return { sql: 'FALSE', params: [] };
  return { sql: `${column} IN ${placeholders(values.length)}`, params: [...values] };
}

/** Integer clamp for LIMIT/OFFSET/N values that arrive from the UI. */
export function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}
