/**
 * Loads the co-mention cube (queries/comention-cube.ts) without DuckDB-WASM: article_facts (its filter columns, not
 * article_id), article_entities, entity_articles, entities and topic_defs are fetched and decoded by parquet-wasm into
 * Arrow (at 1M articles ~20 MB of Parquet, ~8M article × entity rows), then copied into typed arrays
 * (comention-arrow.ts). Loaded once, on the first visit to the co-mentions page; the page falls back to
 * `buildCoMentionQuery` on DuckDB-WASM if this fails.
 */
import initParquet, { readParquet } from 'parquet-wasm/esm';
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { tableFromIPC, type Table } from 'apache-arrow';
import { DERIVED_PARQUET_FILES, MANIFEST_FILE, PARQUET_FILES, SCHEMA_VERSION, type Manifest } from '$lib/schema';
import type { CoMentionCube } from '$lib/queries/comention-cube';
import { COMENTION_COLUMNS, coMentionCubeFromTables } from './comention-arrow';

async function fetchOk(url: URL): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
  return res;
}

let parquetReady: Promise<unknown> | null = null;
async function readTable(url: URL, columns: readonly string[]): Promise<Table> {
  parquetReady ??= initParquet({ module_or_path: parquetWasm });
  const [bytes] = await Promise.all([fetchOk(url).then(async (r) => new Uint8Array(await r.arrayBuffer())), parquetReady]);
  return tableFromIPC(readParquet(bytes, { columns: [...columns] }).intoIPCStream());
}

let loaded: Promise<CoMentionCube> | null = null;

/** The cube for the data folder `dataUrl` (a URL ending in '/'), loaded once; a failed load is retried on next call. */
export function loadCoMentionCube(dataUrl: URL): Promise<CoMentionCube> {
  loaded ??= (async () => {
    performance.mark('comention-cube:start');
    const manifest = (await (await fetchOk(new URL(MANIFEST_FILE, dataUrl))).json()) as Manifest;
    if (manifest.schema_version !== SCHEMA_VERSION) {
      throw new Error(`data/manifest.json has schema_version ${manifest.schema_version}; this dashboard reads ${SCHEMA_VERSION}`);
    }
    const files = (manifest.files ?? {}) as Record<string, string>;
    const read = (table: keyof typeof COMENTION_COLUMNS, fallback: string) =>
      readTable(new URL(files[table] ?? fallback, dataUrl), COMENTION_COLUMNS[table]);
    // The big one first: its download overlaps the others' decoding.
    const [article_entities, article_facts, entity_articles, entities, topic_defs] = await Promise.all([
      read('article_entities', DERIVED_PARQUET_FILES.article_entities),
      read('article_facts', DERIVED_PARQUET_FILES.article_facts),
      read('entity_articles', DERIVED_PARQUET_FILES.entity_articles),
      read('entities', PARQUET_FILES.entities),
      read('topic_defs', PARQUET_FILES.topic_defs)
    ]);
    performance.mark('comention-cube:decoded');
    const cube = coMentionCubeFromTables({ article_facts, article_entities, entity_articles, entities, topic_defs });
    // For the benchmarks (.bench): fetch + decode, and the typed arrays' build.
    performance.measure('comention-cube:fetch+decode', 'comention-cube:start', 'comention-cube:decoded');
    performance.measure('comention-cube:build', 'comention-cube:decoded');
    return cube;
  })();
  loaded.catch(() => (loaded = null));
  return loaded;
}
