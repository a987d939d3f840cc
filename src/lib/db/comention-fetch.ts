/**
 * Fetches the co-mention cube's tables over HTTP and builds the cube (comention-arrow.ts): article_filters and
 * filter_codes (article_facts' filter columns, coded; fetch-data.ts), article_entities, entity_articles, entities and
 * topic_defs, decoded by parquet-wasm into Arrow (at 1M articles ~20 MB of Parquet, ~8M article × entity rows). Runs in
 * the worker (comention-worker.ts), or on the main thread where workers are unavailable.
 */
import { DERIVED_PARQUET_FILES, PARQUET_FILES } from '$lib/schema';
import type { CoMentionCube } from '$lib/queries/comention-cube';
import { COMENTION_COLUMNS, coMentionCubeFromTables } from './comention-arrow';
import { fetchManifest, readArticleFilters, readParquetTable } from './fetch-data';

/**
 * `wasmUrl`: parquet-wasm's .wasm, the main bundle's copy (which the start-up loader has already fetched, so the
 * worker neither bundles nor downloads a second one).
 */
export async function buildCoMentionCube(dataUrl: URL, wasmUrl: URL): Promise<CoMentionCube> {
  const manifest = await fetchManifest(dataUrl);
  const files = (manifest.files ?? {}) as Record<string, string>;
  const read = (table: keyof typeof COMENTION_COLUMNS, fallback: string) =>
    readParquetTable(new URL(files[table] ?? fallback, dataUrl), COMENTION_COLUMNS[table], wasmUrl);
  // The big one first: its download overlaps the others' decoding.
  const [article_entities, filters, entity_articles, entities, topic_defs] = await Promise.all([
    read('article_entities', DERIVED_PARQUET_FILES.article_entities),
    readArticleFilters(dataUrl, files, COMENTION_COLUMNS.article_facts, wasmUrl),
    read('entity_articles', DERIVED_PARQUET_FILES.entity_articles),
    read('entities', PARQUET_FILES.entities),
    read('topic_defs', PARQUET_FILES.topic_defs)
  ]);
  return coMentionCubeFromTables({ article_facts: filters.table, filter_codes: filters.codes, article_entities, entity_articles, entities, topic_defs });
}
