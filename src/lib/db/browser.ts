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

// apache-arrow Type ids (stable across versions); duckdb-wasm bundles its own arrow, so compare ids, not classes.
const ARROW_INT = 2;
const ARROW_DECIMAL = 7;
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;

type ArrowField = { name: string; type: { typeId: number } };
type ArrowTable = {
  schema: { fields: ArrowField[] };
  numRows: number;
  getChildAt(i: number): { get(i: number): unknown } | null;
};

function plain(v: unknown, typeId: number): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeId === ARROW_DATE) {
    const ms = v instanceof Date ? v.getTime() : Number(v);
    return new Date(ms).toISOString().slice(0, 10);
  }
  if (typeId === ARROW_TIMESTAMP) {
    const ms = v instanceof Date ? v.getTime() : Number(v);
    return new Date(ms).toISOString();
  }
  if (typeId === ARROW_DECIMAL || typeId === ARROW_INT) return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null) {
    const o = v as { toArray?: () => unknown[]; toJSON?: () => unknown };
    // Arrow list and struct values: lists become arrays, structs plain objects; element types are not needed here.
    if (typeof o.toArray === 'function' && !ArrayBuffer.isView(v)) return Array.from(o.toArray(), (x) => plain(x, -1));
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => plain(x, -1));
    if (typeof o.toJSON === 'function') {
      const j = o.toJSON() as Record<string, unknown>;
      return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, plain(x, -1)]));
    }
  }
  return v;
}

/** Arrow table → plain rows (BigInt → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO string). */
export function arrowToRows<T>(table: ArrowTable): T[] {
  const fields = table.schema.fields;
  const cols = fields.map((_, i) => table.getChildAt(i));
  const rows: T[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    for (let c = 0; c < fields.length; c++) row[fields[c].name] = plain(cols[c]?.get(r), fields[c].type.typeId);
    rows[r] = row as T;
  }
  return rows;
}

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
