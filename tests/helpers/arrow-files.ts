/** A data folder's Parquet files decoded as the browser's cube loaders decode them (parquet-wasm → Arrow), for tests. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm/node';
import { tableFromIPC, type Table } from 'apache-arrow';
import { DERIVED_PARQUET_FILES, PARQUET_FILES } from '$lib/schema';
import { READ_BATCH_ROWS } from '$lib/db/fetch-data';

/** Each table of `columns` (a cube's COLUMNS map) read from `dir` with only those columns. */
export async function arrowTablesOf<K extends string>(dir: string, columns: Record<K, readonly string[]>): Promise<Record<K, Table>> {
  const files = { ...PARQUET_FILES, ...DERIVED_PARQUET_FILES } as Record<string, string>;
  const out = {} as Record<K, Table>;
  for (const t of Object.keys(columns) as K[]) {
    const bytes = new Uint8Array(await readFile(join(dir, files[t])));
    // As fetch-data.ts reads: one batch per row group, then the columns picked (readParquet ignores `columns`).
    out[t] = tableFromIPC(readParquet(bytes, { batchSize: READ_BATCH_ROWS }).intoIPCStream()).select([...columns[t]]);
  }
  return out;
}
