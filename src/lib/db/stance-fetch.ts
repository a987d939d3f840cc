/**
 * Fetches the stance cube's tables over HTTP and builds the cube (stance-arrow.ts): stance_facts, article_filters and
 * filter_codes (article_facts' filter columns, coded; fetch-data.ts), topic_defs and entities (at 1M articles ~17 MB
 * of Parquet, ~1.8M rows). Runs in the worker (stance-worker.ts), or on the main thread where workers are unavailable.
 */
import { DERIVED_PARQUET_FILES, PARQUET_FILES } from '$lib/schema';
import type { StanceCube } from '$lib/queries/stance-cube';
import { fetchManifest, missingFileError, readArticleFilters, readParquetTable } from './fetch-data';
import { STANCE_CUBE_COLUMNS, stanceCubeFromTables } from './stance-arrow';

export async function buildStanceCube(dataUrl: URL, wasmUrl: URL): Promise<StanceCube> {
  const manifest = await fetchManifest(dataUrl);
  const files = (manifest.files ?? {}) as Record<string, string>;
  const read = (table: keyof typeof STANCE_CUBE_COLUMNS, fallback: string) =>
    readParquetTable(new URL(files[table] ?? fallback, dataUrl), STANCE_CUBE_COLUMNS[table], wasmUrl).catch((e: unknown) => {
      throw missingFileError(e, files[table] ?? fallback);
    });
  const [stance_facts, filters, topic_defs, entities] = await Promise.all([
    read('stance_facts', DERIVED_PARQUET_FILES.stance_facts),
    readArticleFilters(dataUrl, files, STANCE_CUBE_COLUMNS.article_facts, wasmUrl),
    read('topic_defs', PARQUET_FILES.topic_defs),
    read('entities', PARQUET_FILES.entities)
  ]);
  return stanceCubeFromTables({ stance_facts, article_facts: filters.table, filter_codes: filters.codes, topic_defs, entities });
}
