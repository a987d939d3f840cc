/**
 * Fetches the stance cube's tables over HTTP and builds the cube (stance-arrow.ts): stance_cube, article_filters and
 * filter_codes (stance_facts' and article_facts' columns, coded; fetch-data.ts), topic_defs and entities (at 1M
 * articles ~4 MB of Parquet, ~1.8M rows); stance_facts (strings) in a data folder written before stance_cube. Runs in
 * the worker (stance-worker.ts), or on the main thread where workers are unavailable.
 */
import { DERIVED_COLUMNS, DERIVED_PARQUET_FILES, PARQUET_FILES } from '$lib/schema';
import type { StanceCube } from '$lib/queries/stance-cube';
import { fetchManifest, missingFileError, readArticleFilters, readParquetTable, readParquetTableIfPresent } from './fetch-data';
import { STANCE_CUBE_COLUMNS, stanceCubeFromTables } from './stance-arrow';

export async function buildStanceCube(dataUrl: URL, wasmUrl: URL): Promise<StanceCube> {
  const manifest = await fetchManifest(dataUrl);
  const files = (manifest.files ?? {}) as Record<string, string>;
  const url = (table: string, fallback: string) => new URL(files[table] ?? fallback, dataUrl);
  const read = (table: keyof typeof STANCE_CUBE_COLUMNS, fallback: string) =>
    readParquetTable(url(table, fallback), STANCE_CUBE_COLUMNS[table], wasmUrl).catch((e: unknown) => {
      throw missingFileError(e, files[table] ?? fallback);
    });
  const [stance_cube, filters, topic_defs, entities] = await Promise.all([
    readParquetTableIfPresent(url('stance_cube', DERIVED_PARQUET_FILES.stance_cube), DERIVED_COLUMNS.stance_cube, wasmUrl),
    readArticleFilters(dataUrl, files, STANCE_CUBE_COLUMNS.article_facts, wasmUrl),
    read('topic_defs', PARQUET_FILES.topic_defs),
    read('entities', PARQUET_FILES.entities)
  ]);
  // stance_cube's codes are in filter_codes: a data folder written before them both reads stance_facts' strings.
  const coded = stance_cube && filters.codes ? stance_cube : null;
  const stance_facts = coded ? null : await read('stance_facts', DERIVED_PARQUET_FILES.stance_facts);
  return stanceCubeFromTables({ stance_cube: coded, stance_facts, article_facts: filters.table, filter_codes: filters.codes, topic_defs, entities });
}
