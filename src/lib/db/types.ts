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
  /**
   * A sub-query the rest refers to as the table `PAGE` (page-table.ts), run once: a list's page of ids (a sort of
   * every matching row) is named by the query, by each of its `parts` and by `text`, and each would otherwise sort
   * again. The Db materialises it as a temporary table of its own for this call only; it names whole tables only (no
   * `parts`, `text` or `page` of its own).
   */
  page?: BoundQuery;
}

export type Row = Record<string, unknown>;

export interface Db {
  /** Runs one statement with positional `?` parameters; BIGINT/HUGEINT come back as JS numbers, DATE as 'YYYY-MM-DD'. */
  query<T extends object = Row>(q: BoundQuery): Promise<T[]>;
  close(): Promise<void>;
  /**
   * Compressed bytes of the article text, when known (the browser reads them from the manifest or articles.parquet's
   * footer; the Node Db has none). The article list uses it to avoid loading text too big for the browser.
   */
  textBytes?(): Promise<number | null>;
}
