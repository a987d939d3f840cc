/**
 * Browser implementation of `Db`: DuckDB-WASM, with the pipeline's tables loaded from Parquet.
 *
 * Why not `read_parquet`: since duckdb-wasm 1.29 Parquet support is an extension fetched from DuckDB's CDN at first
 * use, and this site must work offline (see /work/shared/STACK.md). So each Parquet file is decoded by parquet-wasm
 * into an Arrow IPC stream and inserted as a table. The decoding runs in a worker of its own (parquet-client.ts), not
 * on the main thread. Everything (wasm, workers, data) is served by this site.
 *
 * What is loaded when (the design for 1M articles / 10M mentions, see README "Output layout"):
 *   - at start-up only the small tables: topic_buckets (weekly/monthly topic counts), topic_defs, entities,
 *     entity_articles. The first chart and the filter options do not wait for this Db at all: they are computed in JS
 *     from the same files (cube-loader.ts, queries/cube.ts), and this Db is opened right after, in the background. article_counts (one row
 *     per day × country × source × lang × topic set, ~0.7 rows per article) loads on the first overview query or
 *     date range that cuts a week or month.
 *   - every other table on the first query that reads it (`FROM`/`JOIN` in its SQL); `articles` without `text`.
 *   - article text never whole, except for a full-text search: `article_text` starts empty and receives the text
 *     column of the row groups of articles.parquet (2,048 articles each, read by HTTP range) that hold the rows a
 *     query declares in `BoundQuery.text`. Full-text search is offered only while that column is at most
 *     FULL_TEXT_SEARCH_MAX_BYTES compressed (filters.ts);
 *     past that the list searches titles only (`article_titles`, the title column alone) and says so.
 *   - the overview's counts and the stance chart are computed in JS too (queries/cube.ts overviewFromDayCounts and
 *     TopicCube.overview; queries/stance-cube.ts, built in a worker): those pages draw without DuckDB, which starts
 *     beside (overview) or after (stance) their data.
 *   - one article (the reader) and one list page read only the row groups of articles/mentions/terms/topics/stances
 *     holding their rows, into separate partial tables `<table>__rows` (schema.ts PARTIAL_TABLES, found through the
 *     derived `article_rows`); see browser-db.ts. Whole-table views never see these.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { ARTICLE_TEXT, type Manifest } from '$lib/schema';
import { fetchManifest } from './fetch-data';
import type { Db } from './types';
import { BrowserDb, LAZY_FILES } from './browser-db';
import { parquetSources } from './parquet-client';
import { wasmUrl } from './worker-cube';

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

/** Small tables most pages read; their loads start as soon as DuckDB is up, without holding the Db back. */
const START_TABLES = ['topic_buckets', 'topic_defs', 'entities', 'entity_articles'] as const;


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
  await db.instantiate(ehWasm);
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  try {
    // Fail fast instead of trying to download an extension from the internet (STACK.md).
    await conn.query('SET autoload_known_extensions = false');
    await conn.query('SET autoinstall_known_extensions = false');
    await conn.query(`CREATE TABLE ${ARTICLE_TEXT} (article_id VARCHAR, text VARCHAR)`);

    onProgress({ phase: 'manifest', message: 'Loading data/manifest.json…', done: 0, total });
    const manifest = await manifestP;
    // Parquet is read and decoded in a worker of its own (parquet-client.ts), not on the main thread.
    const parquet = parquetSources(wasmUrl());
    const bdb = new BrowserDb(conn, (file) => parquet.open(new URL(file, dataUrl)), manifest, LAZY_FILES, () => {
      parquet.stop();
      return db.terminate();
    });
    // The start-up tables load in the background: a page's first query does not wait for tables it does not read
    // (0.3-0.4 s at 1M articles); one that reads them waits for the same load (ensureTable shares it, and reports a
    // failure with how to get the file).
    for (const t of START_TABLES) bdb.ensureTable(t).catch((e: unknown) => console.warn(`${LAZY_FILES[t].file} failed to load`, e));
    onProgress({ phase: 'ready', message: 'Ready', done: total, total });
    return { db: bdb, manifest };
  } catch (e) {
    await conn.close().catch(() => {});
    await db.terminate().catch(() => {});
    throw e;
  }
}
