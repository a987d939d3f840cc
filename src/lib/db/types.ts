/**
 * The one interface every query runs through. Two implementations: `browser.ts` (DuckDB-WASM, tables loaded from
 * the pipeline's Parquet) and `node.ts` (@duckdb/node-api, for vitest and benchmarks). Queries are plain
 * `{ sql, params }` pairs; user values only ever travel as bound parameters (`?` placeholders).
 */
export interface BoundQuery {
  sql: string;
  params: unknown[];
  /**
   * Which article texts the query reads from `article_text`. The browser holds only the texts it has fetched (by
   * row group, on demand), so a query that joins `article_text` says which rows it needs: `rows` returns a column
   * `text_row` (article_facts.text_row) for the articles it will show, `all` asks for every text (full-text search).
   * The Node Db reads the whole file and ignores this.
   */
  text?: { rows: BoundQuery } | { all: true };
}

export type Row = Record<string, unknown>;

export interface Db {
  /** Runs one statement with positional `?` parameters; BIGINT/HUGEINT come back as JS numbers, DATE as 'YYYY-MM-DD'. */
  query<T extends object = Row>(q: BoundQuery): Promise<T[]>;
  close(): Promise<void>;
}
