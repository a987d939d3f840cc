/** DuckDB-WASM (blocking bindings) in Node, opened as the site opens it: BIGINT and DECIMAL read as doubles. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDuckDB, NODE_RUNTIME, ConsoleLogger, LogLevel, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';

export async function openNodeWasm(): Promise<DuckDBBindings> {
  const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const wasm = await createDuckDB(
    {
      mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') }
    },
    new ConsoleLogger(LogLevel.WARNING),
    NODE_RUNTIME
  );
  await wasm.instantiate(() => {});
  wasm.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  return wasm;
}
