/**
 * Browser implementation of `Db`: DuckDB-WASM, with the pipeline's tables loaded from Parquet.
 *
 * Why not `read_parquet`: since duckdb-wasm 1.29 Parquet support is an extension fetched from DuckDB's CDN at first
 * use, and this site must work offline (see /work/shared/STACK.md). So each Parquet file is decoded by parquet-wasm
 * into an Arrow IPC stream and inserted as a table. Everything (wasm, workers, data) is served by this site.
 *
 * What is loaded when (the design for 1M articles / 10M mentions, see README "Output layout"):
 *   - at start-up only the small tables: topic_buckets (weekly/monthly topic counts), topic_defs, entities,
 *     entity_articles. The first chart and the filter options do not wait for this Db at all: they are computed in JS
 *     from the same files (cube-loader.ts, queries/cube.ts), and this Db is opened right after, in the background. article_counts (one row
 *     per day × country × source × lang × topic set, ~0.7 rows per article) loads on the first overview query or
 *     date range that cuts a week or month.
 *   - every other table on the first query that reads it (`FROM`/`JOIN` in its SQL); `articles` without `text`.
 *   - article text never whole, except for a full-text search: `article_text` starts empty and receives the row
 *     groups (2,048 articles each, read by HTTP range) that hold the rows a query declares in `BoundQuery.text`.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import initParquet, { ParquetFile, readParquet } from 'parquet-wasm/esm';
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import {
  COLUMNS,
  DERIVED_PARQUET_FILES,
  MANIFEST_FILE,
  PARQUET_FILES,
  SCHEMA_VERSION,
  type Manifest
} from '$lib/schema';
import type { BoundQuery, Db, Row } from './types';
import { arrowToRows, type ArrowTable } from './arrow-rows';

export type LoadPhase = 'duckdb' | 'manifest' | 'tables' | 'ready' | 'error';
export interface LoadProgress {
  phase: LoadPhase;
  /** English, for the loading screen: "Loading DuckDB…", "Loading articles.parquet…". */
  message: string;
  /** Tables loaded so far, out of `total`. */
  done: number;
  total: number;
  error?: string;
}
export type ProgressListener = (p: LoadProgress) => void;

/** Tables the first chart needs; loaded before the Db is handed out. */
const START_TABLES = ['topic_buckets', 'topic_defs', 'entities', 'entity_articles'] as const;

/** Every table the browser can load, with its file and the columns it keeps. */
const LAZY_FILES: Record<string, { file: string; columns?: string[] }> = {
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
  topic_buckets: { file: DERIVED_PARQUET_FILES.topic_buckets }
};

const TABLE_REF = /\b(?:from|join)\s+([a-z_]+)/gi;

/** The tables a statement reads, from its FROM/JOIN clauses (CTE names are simply not in LAZY_FILES). */
export function referencedTables(sql: string): string[] {
  const out = new Set<string>();
  for (const m of sql.matchAll(TABLE_REF)) out.add(m[1].toLowerCase());
  return [...out];
}

type Conn = duckdb.AsyncDuckDBConnection;

/** Reads a Parquet file: by HTTP range when the server allows it, else downloaded whole (then kept for reuse). */
class RemoteParquet {
  #file: Promise<ParquetFile | null> | null = null;
  #bytes: Promise<Uint8Array> | null = null;
  constructor(readonly url: URL) {}

  #open(): Promise<ParquetFile | null> {
    this.#file ??= ParquetFile.fromUrl(this.url.href).catch(() => null);
    return this.#file;
  }
  #download(): Promise<Uint8Array> {
    this.#bytes ??= fetchOk(this.url).then(async (r) => new Uint8Array(await r.arrayBuffer()));
    return this.#bytes;
  }

  /** Arrow IPC of the chosen columns / row groups. */
  async read(opts: { columns?: string[]; rowGroups?: number[] } = {}): Promise<Uint8Array> {
    const file = await this.#open();
    if (file) {
      try {
        return (await file.read(opts)).intoIPCStream();
      } catch {
        // Some servers answer ranges wrongly; the whole file is always right.
      }
    }
    return readParquet(await this.#download(), opts).intoIPCStream();
  }

  /** First row index of each row group, plus the total, from the footer. */
  async rowGroupStarts(): Promise<number[]> {
    const file = await this.#open();
    const meta = file ? file.metadata() : null;
    if (!meta) return [];
    const starts = [0];
    for (let i = 0; i < meta.numRowGroups(); i++) starts.push(starts[i] + meta.rowGroup(i).numRows());
    return starts;
  }
}

class BrowserDb implements Db {
  // One connection: DuckDB-WASM runs queries one at a time in its worker anyway.
  readonly #loads = new Map<string, Promise<void>>();
  readonly #textGroups = new Map<number, Promise<void>>();
  #allText: Promise<void> | null = null;
  readonly #text: RemoteParquet;

  constructor(
    private readonly db: duckdb.AsyncDuckDB,
    private readonly conn: Conn,
    private readonly dataUrl: URL,
    private readonly manifest: Manifest
  ) {
    this.#text = new RemoteParquet(new URL(DERIVED_PARQUET_FILES.article_text, dataUrl));
  }

  /** Loads `table` once; concurrent callers share the same load. */
  ensureTable(table: string): Promise<void> {
    const spec = LAZY_FILES[table];
    if (!spec) return Promise.resolve();
    let p = this.#loads.get(table);
    if (!p) {
      const file = (this.manifest.files as Record<string, string> | undefined)?.[table] ?? spec.file;
      p = new RemoteParquet(new URL(file, this.dataUrl))
        .read({ columns: spec.columns })
        .then((ipc) => this.conn.insertArrowFromIPCStream(ipc, { name: table, create: true }));
      p.catch(() => this.#loads.delete(table));
      this.#loads.set(table, p);
    }
    return p;
  }

  async #ensureTextRows(rows: number[]): Promise<void> {
    if (this.#allText) return this.#allText;
    const starts = await this.#text.rowGroupStarts();
    if (starts.length === 0) return this.#ensureAllText();
    const groups = new Set<number>();
    for (const r of rows) {
      let lo = 0;
      let hi = starts.length - 2;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= r) lo = mid;
        else hi = mid - 1;
      }
      groups.add(lo);
    }
    await Promise.all(
      [...groups].map((g) => {
        let p = this.#textGroups.get(g);
        if (!p) {
          p = this.#text
            .read({ rowGroups: [g], columns: ['article_id', 'text'] })
            .then((ipc) => this.conn.insertArrowFromIPCStream(ipc, { name: 'article_text', create: false }));
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
      await this.conn.query('DELETE FROM article_text');
      await this.conn.insertArrowFromIPCStream(ipc, { name: 'article_text', create: false });
    })();
    this.#allText.catch(() => (this.#allText = null));
    return this.#allText;
  }

  async #run<T extends object>(q: BoundQuery): Promise<T[]> {
    if (q.params.length === 0) return arrowToRows<T>((await this.conn.query(q.sql)) as unknown as ArrowTable);
    const stmt = await this.conn.prepare(q.sql);
    try {
      return arrowToRows<T>((await stmt.query(...q.params)) as unknown as ArrowTable);
    } finally {
      await stmt.close();
    }
  }

  /**
   * Runs `q`. For profiling (benchmarks, devtools): when the page defines `globalThis.__queryLog = []`, each query's
   * SQL, start time, latency (queueing on the one connection included) and row count is pushed to it.
   */
  async query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    const log = (globalThis as { __queryLog?: { sql: string; ms: number; rows: number; at: number }[] }).__queryLog;
    if (!log) return this.#query<T>(q);
    const t0 = performance.now();
    const rows = await this.#query<T>(q);
    log.push({ sql: q.sql, ms: performance.now() - t0, rows: rows.length, at: t0 });
    return rows;
  }

  async #query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    const tables = referencedTables(q.sql + ' ' + (q.text && 'rows' in q.text ? q.text.rows.sql : ''));
    await Promise.all(tables.map((t) => this.ensureTable(t)));
    if (tables.includes('article_text')) {
      if (q.text && 'rows' in q.text) {
        const rows = await this.#run<{ text_row: number | null }>(q.text.rows);
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
    await this.db.terminate();
  }
}

async function fetchOk(url: URL): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
  return res;
}

export async function fetchManifest(dataUrl: URL): Promise<Manifest> {
  const res = await fetchOk(new URL(MANIFEST_FILE, dataUrl));
  const m = (await res.json()) as Manifest;
  if (m.schema_version !== SCHEMA_VERSION) {
    throw new Error(`data/manifest.json has schema_version ${m.schema_version}; this dashboard reads ${SCHEMA_VERSION}`);
  }
  return m;
}

/**
 * Starts DuckDB-WASM and loads the start-up tables from `dataUrl` (a folder URL ending in '/'); the others load on
 * first use. The manifest's `files` may rename a table's file; otherwise the schema's default name is used.
 */
export async function openBrowserDb(
  dataUrl: URL,
  onProgress: ProgressListener = () => {}
): Promise<{ db: Db; manifest: Manifest }> {
  const total = START_TABLES.length;
  onProgress({ phase: 'duckdb', message: 'Loading DuckDB…', done: 0, total });

  const manifestP = fetchManifest(dataUrl);
  manifestP.catch(() => {}); // reported below, once DuckDB is up; avoids an unhandled rejection meanwhile
  const worker = new Worker(ehWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await Promise.all([db.instantiate(ehWasm), initParquet({ module_or_path: parquetWasm })]);
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  try {
    // Fail fast instead of trying to download an extension from the internet (STACK.md).
    await conn.query('SET autoload_known_extensions = false');
    await conn.query('SET autoinstall_known_extensions = false');
    await conn.query('CREATE TABLE article_text (article_id VARCHAR, text VARCHAR)');

    onProgress({ phase: 'manifest', message: 'Loading data/manifest.json…', done: 0, total });
    const manifest = await manifestP;
    const bdb = new BrowserDb(db, conn, dataUrl, manifest);
    let done = 0;
    onProgress({ phase: 'tables', message: 'Loading the summary tables…', done, total });
    await Promise.all(
      START_TABLES.map((t) =>
        bdb.ensureTable(t).then(() => {
          done++;
          onProgress({ phase: 'tables', message: `Loaded ${LAZY_FILES[t].file}`, done, total });
        })
      )
    ).catch((e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(`${msg} (a data folder written before the summary tables existed needs npm run preprocess again)`);
    });
    onProgress({ phase: 'ready', message: 'Ready', done, total });
    return { db: bdb, manifest };
  } catch (e) {
    await conn.close().catch(() => {});
    await db.terminate().catch(() => {});
    throw e;
  }
}
