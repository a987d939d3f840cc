/**
 * Fetches the co-mention cube's tables over HTTP and builds the cube (comention-arrow.ts): article_facts (its filter
 * columns, not article_id), article_entities, entity_articles, entities and topic_defs, decoded by parquet-wasm into
 * Arrow (at 1M articles ~20 MB of Parquet, ~8M article × entity rows). Runs in the worker (comention-worker.ts), or on
 * the main thread where workers are unavailable.
 */
import initParquet, { readParquet } from 'parquet-wasm/esm';
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
async function readTable(url: URL, columns: readonly string[], wasmUrl: URL): Promise<Table> {
  parquetReady ??= initParquet({ module_or_path: wasmUrl });
  const [bytes] = await Promise.all([fetchOk(url).then(async (r) => new Uint8Array(await r.arrayBuffer())), parquetReady]);
  return tableFromIPC(readParquet(bytes, { columns: [...columns] }).intoIPCStream());
}

/**
 * `wasmUrl`: parquet-wasm's .wasm, the main bundle's copy (which the start-up loader has already fetched, so the
 * worker neither bundles nor downloads a second one).
 */
export async function buildCoMentionCube(dataUrl: URL, wasmUrl: URL): Promise<CoMentionCube> {
  const manifest = (await (await fetchOk(new URL(MANIFEST_FILE, dataUrl))).json()) as Manifest;
  if (manifest.schema_version !== SCHEMA_VERSION) {
    throw new Error(`data/manifest.json has schema_version ${manifest.schema_version}; this dashboard reads ${SCHEMA_VERSION}`);
  }
  const files = (manifest.files ?? {}) as Record<string, string>;
  const read = (table: keyof typeof COMENTION_COLUMNS, fallback: string) =>
    readTable(new URL(files[table] ?? fallback, dataUrl), COMENTION_COLUMNS[table], wasmUrl);
  // The big one first: its download overlaps the others' decoding.
  const [article_entities, article_facts, entity_articles, entities, topic_defs] = await Promise.all([
    read('article_entities', DERIVED_PARQUET_FILES.article_entities),
    read('article_facts', DERIVED_PARQUET_FILES.article_facts),
    read('entity_articles', DERIVED_PARQUET_FILES.entity_articles),
    read('entities', PARQUET_FILES.entities),
    read('topic_defs', PARQUET_FILES.topic_defs)
  ]);
  return coMentionCubeFromTables({ article_facts, article_entities, entity_articles, entities, topic_defs });
}
