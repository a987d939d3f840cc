/**
 * Loads the stance cube (queries/stance-cube.ts) without DuckDB-WASM, once, on the first visit to the stance page:
 * fetched, decoded and built in a web worker (stance-worker.ts), whose typed arrays are then transferred here; on the
 * main thread (stance-fetch.ts) if the worker cannot start. The page falls back to `buildStanceTrendQuery` on
 * DuckDB-WASM if this fails.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { StanceCube, type StanceCubeState } from '$lib/queries/stance-cube';

/** The main bundle's parquet-wasm binary (the one cube-loader.ts uses), as an absolute URL. */
const wasmUrl = () => new URL(parquetWasm, window.location.href);

function inWorker(dataUrl: URL): Promise<StanceCube> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./stance-worker.ts', import.meta.url), { type: 'module' });
    const done = () => worker.terminate();
    worker.onmessage = (e: MessageEvent<{ state?: StanceCubeState; error?: string }>) => {
      done();
      if (e.data.state) resolve(new StanceCube({ state: e.data.state }));
      else reject(Object.assign(new Error(e.data.error ?? 'stance worker failed'), { fromData: true }));
    };
    worker.onerror = (e) => {
      done();
      reject(new Error(e.message || 'stance worker failed to start'));
    };
    worker.postMessage({ dataUrl: dataUrl.href, wasmUrl: wasmUrl().href });
  });
}

let loaded: Promise<StanceCube> | null = null;

/** The cube for the data folder `dataUrl` (a URL ending in '/'), loaded once; a failed load is retried on next call. */
export function loadStanceCube(dataUrl: URL): Promise<StanceCube> {
  loaded ??= (async () => {
    performance.mark('stance-cube:start');
    let cube: StanceCube;
    try {
      cube = await inWorker(dataUrl);
    } catch (e) {
      // A data error would fail on the main thread too; a worker that could not start (or died) is retried there.
      if ((e as { fromData?: boolean }).fromData) throw e;
      console.warn('stance worker failed, loading on the main thread', e);
      const { buildStanceCube } = await import('./stance-fetch');
      cube = await buildStanceCube(dataUrl, wasmUrl());
    }
    // For the benchmarks (.bench): fetch + decode + build.
    performance.measure('stance-cube:load', 'stance-cube:start');
    return cube;
  })();
  loaded.catch(() => (loaded = null));
  return loaded;
}
