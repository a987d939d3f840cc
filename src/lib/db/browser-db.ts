/**
 * The browser `Db` over a DuckDB-WASM connection, apart from the wasm/worker start-up in browser.ts so that tests can
 * run this very class on DuckDB-WASM in Node with in-memory Parquet files.
 *
 * Three ways a table gets into DuckDB-WASM (see browser.ts for the design at 1M articles):
 *   - whole, on the first query naming it (`FROM`/`JOIN`): the tables of `LAZY_FILES`;
 *   - `article_text`: articles.parquet's `article_id, text` columns, of the row groups holding the rows a query
 *     declares in `BoundQuery.text` (whole for a full-text search);
 *   - partial tables `<table>__rows` (schema.ts PARTIAL_TABLES): the row groups of `<table>`'s file holding the row
 *     ranges a query declares in `BoundQuery.parts`. Only per-article queries name them; a query naming one without
 *     declaring it fails, so a partly loaded table never answers a question about the whole table.
 */
import {
  ARTICLE_TEXT,
  ARTICLE_TITLES,
  COLUMNS,
  DERIVED_COLUMNS,
  DERIVED_PARQUET_FILES,
  PARQUET_FILES,
  PARTIAL_TABLES,
  SQL_TYPES,
  type Manifest,
  type PartialTableName
} from '$lib/schema';
import type { BoundQuery, Db, Row } from './types';
import { arrowToRows, type ArrowTable } from './arrow-rows';
import { missingFileError } from './fetch-data';
import { runWithPage } from './page-table';

/** A Parquet file the Db reads from: whole or by row group. */
export interface ParquetSource {
  /** Arrow IPC of the chosen columns / row groups. */
  read(opts?: { columns?: string[]; rowGroups?: number[] }): Promise<Uint8Array>;
  /** First row index of each row group, plus the total (from the footer); [] when unknown. */
  rowGroupStarts(): Promise<number[]>;
  /** The file's size in bytes, or null when the server does not say. */
  bytes(): Promise<number | null>;
  /** Compressed bytes of one column over all row groups (from the footer), or null when unknown. */
  columnBytes(column: string): Promise<number | null>;
}

/** The part of DuckDB-WASM's AsyncDuckDBConnection this Db uses. */
export interface DuckConn {
  query(sql: string): Promise<unknown>;
  prepare(sql: string): Promise<{ query(...params: unknown[]): Promise<unknown>; close(): Promise<unknown> }>;
  insertArrowFromIPCStream(buf: Uint8Array, opts: { name: string; create?: boolean }): Promise<unknown>;
  close(): Promise<unknown>;
}

/** A table the browser loads whole: its file and the columns it keeps. */
export type LazyFiles = Record<string, { file: string; columns?: string[] }>;

/** Every table the browser can load, with its file and the columns it keeps. */
export const LAZY_FILES: LazyFiles = {
  articles: { file: PARQUET_FILES.articles, columns: COLUMNS.articles.filter((c) => c !== 'text') },
  mentions: { file: PARQUET_FILES.mentions },
  topics: { file: PARQUET_FILES.topics },
  stances: { file: PARQUET_FILES.stances },
  entities: { file: PARQUET_FILES.entities },
  topic_defs: { file: PARQUET_FILES.topic_defs },
  terms: { file: PARQUET_FILES.terms },
  article_facts: { file: DERIVED_PARQUET_FILES.article_facts },
  article_counts: { file: DERIVED_PARQUET_FILES.article_counts },
  entity_articles: { file: DERIVED_PARQUET_FILES.entity_articles },
  article_entities: { file: DERIVED_PARQUET_FILES.article_entities },
  topic_buckets: { file: DERIVED_PARQUET_FILES.topic_buckets },
  stance_facts: { file: DERIVED_PARQUET_FILES.stance_facts },
  term_facts: { file: DERIVED_PARQUET_FILES.term_facts },
  term_dict: { file: DERIVED_PARQUET_FILES.term_dict },
  // The title column of articles.parquet alone (the titles-only search of a corpus too big to search whole).
  [ARTICLE_TITLES]: { file: PARQUET_FILES.articles, columns: ['article_id', 'title'] }
};

/** File, columns (in file order) and SQL types of each partial table. */
const PARTIAL_SPECS: Record<PartialTableName, { file: string; columns: { name: string; type: string }[] }> = {
  articles__rows: {
    file: PARQUET_FILES.articles,
    columns: COLUMNS.articles.filter((c) => c !== 'text').map((c) => ({ name: c, type: SQL_TYPES.articles[c] }))
  },
  mentions__rows: { file: PARQUET_FILES.mentions, columns: COLUMNS.mentions.map((c) => ({ name: c, type: SQL_TYPES.mentions[c] })) },
  terms__rows: { file: PARQUET_FILES.terms, columns: COLUMNS.terms.map((c) => ({ name: c, type: SQL_TYPES.terms[c] })) },
  topics__rows: { file: PARQUET_FILES.topics, columns: COLUMNS.topics.map((c) => ({ name: c, type: SQL_TYPES.topics[c] })) },
  stances__rows: { file: PARQUET_FILES.stances, columns: COLUMNS.stances.map((c) => ({ name: c, type: SQL_TYPES.stances[c] })) },
  article_rows__rows: {
    file: DERIVED_PARQUET_FILES.article_rows,
    columns: DERIVED_COLUMNS.article_rows.map((c) => ({ name: c, type: c.endsWith('_rows') ? 'INTEGER[]' : 'INTEGER' }))
  }
};

const TABLE_REF = /\b(?:from|join)\s+([a-z_]+)/gi;

/** The tables a statement reads, from its FROM/JOIN clauses (CTE names are simply not in LAZY_FILES). */
export function referencedTables(sql: string): string[] {
  const out = new Set<string>();
  for (const m of sql.matchAll(TABLE_REF)) out.add(m[1].toLowerCase());
  return [...out];
}

/** The row groups (indexes) holding any row of the half-open ranges, given each group's first row and the total. */
export function rowGroupsOf(ranges: { start: number; end: number }[], starts: number[]): number[] {
  const groupOf = (r: number) => {
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const total = starts[starts.length - 1] ?? 0;
  const groups = new Set<number>();
  for (const { start, end } of ranges) {
    const s = Math.max(0, start);
    const e = Math.min(end, total);
    if (!(e > s)) continue;
    for (let g = groupOf(s), last = groupOf(e - 1); g <= last; g++) groups.add(g);
  }
  return [...groups].sort((a, b) => a - b);
}

/** The profiling log of BrowserDb.query, when the page defines one. */
const queryLog = () => (globalThis as { __queryLog?: { sql: string; ms: number; rows: number; at: number }[] }).__queryLog;

const isPartial = (t: string): t is PartialTableName => Object.hasOwn(PARTIAL_TABLES, t);

export class BrowserDb implements Db {
  // One connection: DuckDB-WASM runs queries one at a time in its worker anyway.
  readonly #loads = new Map<string, Promise<void>>();
  readonly #textGroups = new Map<number, Promise<void>>();
  #allText: Promise<void> | null = null;
  readonly #text: ParquetSource;
  readonly #sources = new Map<string, ParquetSource>();
  /** Per partial table: its creation, the row groups loaded (or being loaded), and the insert chain. */
  readonly #partial = new Map<PartialTableName, { created: Promise<void>; groups: Map<number, Promise<void>>; all: Promise<void> | null }>();

  constructor(
    private readonly conn: DuckConn,
    private readonly open: (file: string) => ParquetSource,
    private readonly manifest: Manifest,
    /** The tables loaded whole on first use (browser.ts LAZY_FILES). */
    private readonly lazyFiles: LazyFiles,
    private readonly terminate: () => Promise<unknown> = async () => {}
  ) {
    this.#text = this.#source(this.#fileOf('articles', PARQUET_FILES.articles));
  }

  #fileOf(table: string, fallback: string): string {
    return (this.manifest.files as Record<string, string> | undefined)?.[table] ?? fallback;
  }
  #source(file: string): ParquetSource {
    let s = this.#sources.get(file);
    if (!s) this.#sources.set(file, (s = this.open(file)));
    return s;
  }

  /** Loads `table` once; concurrent callers share the same load. */
  ensureTable(table: string): Promise<void> {
    const spec = this.lazyFiles[table];
    if (!spec) return Promise.resolve();
    let p = this.#loads.get(table);
    if (!p) {
      const file = table === ARTICLE_TITLES ? this.#fileOf('articles', spec.file) : this.#fileOf(table, spec.file);
      p = this.#source(file)
        .read({ columns: spec.columns })
        .catch((e: unknown) => {
          throw missingFileError(e, file);
        })
        .then(async (ipc) => void (await this.conn.insertArrowFromIPCStream(ipc, { name: table, create: true })));
      const log = queryLog();
      if (log) {
        const t0 = performance.now();
        p.then(() => log.push({ sql: `-- load ${table}`, ms: performance.now() - t0, rows: 0, at: t0 })).catch(() => {});
      }
      p.catch(() => this.#loads.delete(table));
      this.#loads.set(table, p);
    }
    return p;
  }

  /**
   * Compressed bytes of the article text (the text column of articles.parquet): from the manifest (`text_bytes`),
   * else from the file's footer, else the whole file's size; null when unknown.
   */
  async textBytes(): Promise<number | null> {
    if (typeof this.manifest.text_bytes === 'number') return this.manifest.text_bytes;
    const column = await this.#text.columnBytes('text').catch(() => null);
    return column ?? this.#text.bytes().catch(() => null);
  }

  // ---- partial tables -----------------------------------------------------------------------------------------

  #partialState(table: PartialTableName) {
    let st = this.#partial.get(table);
    if (!st) {
      const cols = PARTIAL_SPECS[table].columns.map((c) => `"${c.name}" ${c.type}`).join(', ');
      const created = this.conn.query(`CREATE TABLE ${table} (${cols})`).then(() => {});
      st = { created, groups: new Map(), all: null };
      this.#partial.set(table, st);
    }
    return st;
  }

  /** Loads into `table` the row groups of its file that hold the ranges; each group once. */
  async #ensurePartial(table: PartialTableName, ranges: { start: number; end: number }[]): Promise<void> {
    const st = this.#partialState(table);
    await st.created;
    if (st.all) return st.all;
    const spec = PARTIAL_SPECS[table];
    const base = PARTIAL_TABLES[table];
    const file = this.#fileOf(base, (PARQUET_FILES as Record<string, string>)[base] ?? spec.file);
    const src = this.#source(file);
    const columns = spec.columns.map((c) => c.name);
    const starts = await src.rowGroupStarts().catch((e: unknown) => {
      throw missingFileError(e, file);
    });
    if (starts.length === 0) {
      // No footer by range (a server without range requests): the whole file is always right.
      st.all ??= (async () => {
        await Promise.allSettled(st.groups.values());
        const ipc = await src.read({ columns });
        await this.conn.query(`DELETE FROM ${table}`);
        await this.#insertByName(table, columns, ipc, 'all');
      })();
      st.all.catch(() => (st.all = null));
      return st.all;
    }
    await Promise.all(
      rowGroupsOf(ranges, starts).map((g) => {
        let p = st.groups.get(g);
        if (!p) {
          p = src.read({ rowGroups: [g], columns }).then((ipc) => this.#insertByName(table, columns, ipc, `g${g}`));
          p.catch(() => st.groups.delete(g));
          st.groups.set(g, p);
        }
        return p;
      })
    );
  }

  /** Appends Arrow IPC rows to `table`, matching columns by name (whatever order the file holds them in). */
  async #insertByName(table: PartialTableName, columns: string[], ipc: Uint8Array, tag: string): Promise<void> {
    const tmp = `${table}__load_${tag}`;
    await this.conn.insertArrowFromIPCStream(ipc, { name: tmp, create: true });
    try {
      const cols = columns.map((c) => `"${c}"`).join(', ');
      await this.conn.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${tmp}`);
    } finally {
      await this.conn.query(`DROP TABLE IF EXISTS ${tmp}`);
    }
  }

  // ---- article text -------------------------------------------------------------------------------------------

  async #ensureTextRows(rows: number[]): Promise<void> {
    if (this.#allText) return this.#allText;
    const starts = await this.#text.rowGroupStarts();
    if (starts.length === 0) return this.#ensureAllText();
    await Promise.all(
      rowGroupsOf(rows.map((r) => ({ start: r, end: r + 1 })), starts).map((g) => {
        let p = this.#textGroups.get(g);
        if (!p) {
          p = this.#text
            .read({ rowGroups: [g], columns: ['article_id', 'text'] })
            .then(async (ipc) => void (await this.conn.insertArrowFromIPCStream(ipc, { name: ARTICLE_TEXT, create: false })));
          p.catch(() => this.#textGroups.delete(g));
          this.#textGroups.set(g, p);
        }
        return p;
      })
    );
  }

  #ensureAllText(): Promise<void> {
    this.#allText ??= (async () => {
      // Row groups already fetched would be inserted twice: start the table afresh.
      await Promise.allSettled(this.#textGroups.values());
      const ipc = await this.#text.read({ columns: ['article_id', 'text'] });
      await this.conn.query(`DELETE FROM ${ARTICLE_TEXT}`);
      await this.conn.insertArrowFromIPCStream(ipc, { name: ARTICLE_TEXT, create: false });
    })();
    this.#allText.catch(() => (this.#allText = null));
    return this.#allText;
  }

  // ---- queries ------------------------------------------------------------------------------------------------

  async #run<T extends object>(q: BoundQuery): Promise<T[]> {
    if (q.params.length === 0) return arrowToRows<T>((await this.conn.query(q.sql)) as ArrowTable);
    const stmt = await this.conn.prepare(q.sql);
    try {
      return arrowToRows<T>((await stmt.query(...q.params)) as ArrowTable);
    } finally {
      await stmt.close();
    }
  }

  /**
   * Runs `q`. For profiling (benchmarks, devtools): when the page defines `globalThis.__queryLog = []`, each query's
   * SQL, start time, latency (queueing on the one connection included) and row count is pushed to it, and each whole
   * table load as `-- load <table>`.
   */
  async query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    const log = queryLog();
    if (!log) return this.#query<T>(q);
    const t0 = performance.now();
    const rows = await this.#query<T>(q);
    log.push({ sql: q.sql, ms: performance.now() - t0, rows: rows.length, at: t0 });
    return rows;
  }

  async #query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    if (q.page) return runWithPage(q, (x) => this.#query<T>(x), (sql) => this.conn.query(sql));
    const tables = referencedTables(q.sql);
    // A partial table holds only what some query declared: reading it undeclared could miss rows silently.
    const undeclared = tables.filter((t) => isPartial(t) && !(q.parts && Object.hasOwn(q.parts, t)));
    if (undeclared.length) {
      throw new Error(`${undeclared.join(', ')}: loaded in part only, and this query does not declare its rows (BoundQuery.parts)`);
    }
    await Promise.all(tables.map((t) => this.ensureTable(t)));
    for (const [t, rowsQuery] of Object.entries(q.parts ?? {})) {
      if (!isPartial(t)) throw new Error(`${t} is not a partial table (schema.ts PARTIAL_TABLES)`);
      const ranges = await this.#query<{ row_start: number | null; row_end: number | null }>(rowsQuery);
      await this.#ensurePartial(
        t,
        ranges.filter((r) => r.row_start !== null && r.row_end !== null).map((r) => ({ start: r.row_start!, end: r.row_end! }))
      );
    }
    if (tables.includes(ARTICLE_TEXT)) {
      if (q.text && 'rows' in q.text) {
        const rows = await this.#query<{ text_row: number | null }>(q.text.rows);
        await this.#ensureTextRows(rows.map((r) => r.text_row).filter((r): r is number => r !== null));
      } else {
        // No declared rows: only the whole text gives right answers.
        await this.#ensureAllText();
      }
    }
    return this.#run<T>(q);
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.terminate();
  }
}
