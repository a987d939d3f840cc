/**
 * Browser implementation of `Db`: DuckDB-WASM, with the pipeline's tables loaded from Parquet.
 *
 * Why not `read_parquet`: since duckdb-wasm 1.29 Parquet support is an extension fetched from DuckDB's CDN at first
 * use, and this site must work offline (see /work/shared/STACK.md). So each Parquet file is decoded by parquet-wasm
 * into an Arrow IPC stream and inserted as a table. Everything (wasm, workers, data) is served by this site.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import initParquet, { readParquet } from 'parquet-wasm/esm';
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { MANIFEST_FILE, PARQUET_FILES, SCHEMA_VERSION, TABLES, type Manifest, type TableName } from '$lib/schema';
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

class BrowserDb implements Db {
  // One connection: DuckDB-WASM runs queries one at a time in its worker anyway.
  constructor(
    private readonly db: duckdb.AsyncDuckDB,
    private readonly conn: duckdb.AsyncDuckDBConnection
  ) {}

  async query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    if (q.params.length === 0) return arrowToRows<T>((await this.conn.query(q.sql)) as unknown as ArrowTable);
    const stmt = await this.conn.prepare(q.sql);
    try {
      return arrowToRows<T>((await stmt.query(...q.params)) as unknown as ArrowTable);
    } finally {
      await stmt.close();
    }
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
 * Starts DuckDB-WASM and loads every table listed in schema.ts from `dataUrl` (a folder URL ending in '/').
 * The manifest's `files` may rename a table's file; otherwise the schema's default name is used.
 */
export async function openBrowserDb(
  dataUrl: URL,
  onProgress: ProgressListener = () => {}
): Promise<{ db: Db; manifest: Manifest }> {
  const tables = Object.keys(TABLES) as TableName[];
  const total = tables.length;
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

    onProgress({ phase: 'manifest', message: 'Loading data/manifest.json…', done: 0, total });
    const manifest = await manifestP;
    // Start every download at once; decode and insert one at a time to bound peak memory.
    const downloads = tables.map((t) => {
      const file = manifest.files?.[t] ?? PARQUET_FILES[t];
      const p = fetchOk(new URL(file, dataUrl)).then(async (r) => new Uint8Array(await r.arrayBuffer()));
      p.catch(() => {});
      return { table: t, file, bytes: p };
    });
    let done = 0;
    for (const d of downloads) {
      onProgress({ phase: 'tables', message: `Loading ${d.file}…`, done, total });
      const bytes = await d.bytes;
      const arrowTable = readParquet(bytes);
      const ipc = arrowTable.intoIPCStream();
      await conn.insertArrowFromIPCStream(ipc, { name: TABLES[d.table], create: true });
      done++;
    }
    onProgress({ phase: 'ready', message: 'Ready', done, total });
    return { db: new BrowserDb(db, conn), manifest };
  } catch (e) {
    await conn.close().catch(() => {});
    await db.terminate().catch(() => {});
    throw e;
  }
}
