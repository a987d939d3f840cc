/**
 * Fetching the data folder without DuckDB-WASM: a file (HTTP errors as errors), the manifest (schema version
 * checked), and a Parquet file decoded by parquet-wasm into an Arrow table. Shared by the DuckDB-backed Db
 * (browser.ts), the topic cube's loader (cube-loader.ts) and the co-mention cube's worker (comention-fetch.ts).
 */
import initParquet, { readParquet } from 'parquet-wasm/esm';
import { tableFromIPC, type Table } from 'apache-arrow';
import { DERIVED_COLUMNS, DERIVED_PARQUET_FILES, MANIFEST_FILE, SCHEMA_VERSION, type Manifest } from '$lib/schema';

export async function fetchOk(url: URL): Promise<Response> {
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
 * Rows per decoded batch: at least a row group as DuckDB writes them (122,880 rows), so each is one batch. Not more:
 * the reader reserves room for a whole batch per column, and 1 << 24 rows ran parquet-wasm out of memory ("unreachable")
 * on article_entities at 1M articles.
 */
export const READ_BATCH_ROWS = 1 << 17;

let parquetReady: Promise<unknown> | null = null;
/**
 * parquet-wasm's module, instantiated once per thread for every caller. Its own init only checks for a finished
 * instance: two callers starting before either finished (the start-up tables and DuckDB's Db, on every page) fetched
 * and compiled the 5 MB module twice, and the later instance replaced the earlier one's exports under objects
 * already made with it.
 */
export function initParquetOnce(wasmUrl: string | URL): Promise<unknown> {
  parquetReady ??= initParquet({ module_or_path: wasmUrl });
  parquetReady.catch(() => (parquetReady = null));
  return parquetReady;
}

/** `url`, downloaded whole and decoded (only `columns`, if given); `wasmUrl`: parquet-wasm's .wasm, loaded once. */
export async function readParquetTable(url: URL, columns: readonly string[] | undefined, wasmUrl: string | URL): Promise<Table> {
  const [bytes] = await Promise.all([fetchOk(url).then(async (r) => new Uint8Array(await r.arrayBuffer())), initParquetOnce(wasmUrl)]);
  // One batch per row group instead of the default 1,024 rows, which cost a record batch (and its IPC framing and
  // Arrow JS objects) per 1k rows: at 1M articles article_facts decodes in ~0.2 s instead of ~0.6 s (Node). readParquet
  // (parquet-wasm 0.8) ignores `columns` and decodes them all, so they are picked below. A ParquetFile honours them
  // (article_facts in ~0.1 s), but with its async reads here the browser tests' reader page failed with parquet-wasm
  // panics ("FnOnce called more than once").
  const table = readParquet(bytes, { batchSize: READ_BATCH_ROWS });
  const all = tableFromIPC(table.intoIPCStream());
  return columns ? all.select(columns as string[]) : all;
}

/** `url` as readParquetTable reads it, or null when the server answers 404 (a file newer than the data folder). */
export async function readParquetTableIfPresent(url: URL, columns: readonly string[] | undefined, wasmUrl: string | URL): Promise<Table | null> {
  try {
    return await readParquetTable(url, columns, wasmUrl);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** The cubes' per-article filter columns, as read by readArticleFilters. */
export interface ArticleFilters {
  /** article_filters (country, source_id and lang as codes), or article_facts' `columns`. */
  table: Table;
  /** filter_codes, which decodes article_filters' codes; null when `table` is article_facts. */
  codes: Table | null;
}

/**
 * The cubes' per-article filter columns: article_filters with filter_codes (article_facts without article_id, its
 * strings as integer codes: at 1M articles 2.1 MB decoded in ~50 ms instead of 5.9 MB in ~220 ms, and no string to
 * code again), both fetched at once; or article_facts' `columns` in a data folder written before filter_codes existed
 * (a 404, or an article_filters of strings).
 */
export async function readArticleFilters(
  dataUrl: URL,
  files: Record<string, string>,
  columns: readonly string[],
  wasmUrl: string | URL
): Promise<ArticleFilters> {
  const filters = files.article_filters ?? DERIVED_PARQUET_FILES.article_filters;
  const codes = files.filter_codes ?? DERIVED_PARQUET_FILES.filter_codes;
  const [table, dict] = await Promise.all([
    readParquetTableIfPresent(new URL(filters, dataUrl), DERIVED_COLUMNS.article_filters, wasmUrl),
    readParquetTableIfPresent(new URL(codes, dataUrl), DERIVED_COLUMNS.filter_codes, wasmUrl)
  ]);
  if (table && dict && DERIVED_COLUMNS.article_filters.every((c) => table.getChild(c))) return { table, codes: dict };
  // A data folder written before filter_codes: no article_filters, or one with the strings themselves.
  const facts = files.article_facts ?? DERIVED_PARQUET_FILES.article_facts;
  const fallback = await readParquetTable(new URL(facts, dataUrl), columns, wasmUrl).catch((e: unknown) => {
    throw missingFileError(e, facts);
  });
  return { table: fallback, codes: null };
}

/**
 * The error for a failed read of `file`: when the server answered 404 and the file is a derived table (newer than
 * the data folder may be), it says how to get it rather than only "HTTP 404"; otherwise `e` as it is.
 */
export function missingFileError(e: unknown, file: string): unknown {
  const derived = (Object.values(DERIVED_PARQUET_FILES) as string[]).includes(file);
  if (!derived || !isNotFound(e)) return e;
  return new Error(`${errorText(e)}: this data folder predates ${file}; run npm run preprocess again (or scripts/scale-output.ts --rederive on it)`);
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
/** A failed read whose server answered 404 (fetchOk's error names the status). */
const isNotFound = (e: unknown): boolean => /\b404\b/.test(errorText(e));
