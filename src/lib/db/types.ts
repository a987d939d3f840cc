/**
 * The one interface every query runs through. Two implementations: `browser.ts` (DuckDB-WASM, tables loaded from
 * the pipeline's Parquet) and `node.ts` (@duckdb/node-api, for vitest and benchmarks). Queries are plain
 * `{ sql, params }` pairs; user values only ever travel as bound parameters (`?` placeholders).
 */
export interface BoundQuery {
  sql: string;
  params: unknown[];
}

export type Row = Record<string, unknown>;

export interface Db {
  /** Runs one statement with positional `?` parameters; BIGINT/HUGEINT come back as JS numbers, DATE as 'YYYY-MM-DD'. */
  query<T extends object = Row>(q: BoundQuery): Promise<T[]>;
  close(): Promise<void>;
}
