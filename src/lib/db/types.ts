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
  /**
   * Which rows the query reads from each partial table it names (schema.ts PARTIAL_TABLES, `<table>__rows`): a query
   * returning half-open ranges of file row numbers, columns `row_start` and `row_end` (NULLs skipped). The browser
   * loads the row groups of the file that hold them before running the query; a query naming a partial table without
   * declaring it here fails instead of reading whatever earlier queries happened to load. A declaring query may itself
   * declare `parts` (a lookup in a partial index table). The Node Db, whose partial tables are whole views, ignores it.
   */
  parts?: { [table: string]: BoundQuery };
}

export type Row = Record<string, unknown>;

export interface Db {
  /** Runs one statement with positional `?` parameters; BIGINT/HUGEINT come back as JS numbers, DATE as 'YYYY-MM-DD'. */
  query<T extends object = Row>(q: BoundQuery): Promise<T[]>;
  close(): Promise<void>;
  /**
   * Size in bytes of a table's file (derived or base table name), when known: the browser asks the server (HTTP HEAD);
   * the Node Db returns null. Pages use it to avoid loading a whole table too big for the browser.
   */
  fileBytes?(table: string): Promise<number | null>;
}
