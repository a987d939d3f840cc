/**
 * Loads the co-mention cube (queries/comention-cube.ts) without DuckDB-WASM, once, on the first visit to the
 * co-mentions page: fetched, decoded and built in a web worker (comention-worker.ts), whose typed arrays are then
 * transferred here; on the main thread (comention-fetch.ts) if the worker cannot start. The page falls back to
 * `buildCoMentionQuery` on DuckDB-WASM if this fails.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { CoMentionCube, type CoMentionCubeState } from '$lib/queries/comention-cube';

/** The main bundle's parquet-wasm binary (the one cube-loader.ts uses), as an absolute URL. */
const wasmUrl = () => new URL(parquetWasm, window.location.href);

function inWorker(dataUrl: URL): Promise<CoMentionCube> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./comention-worker.ts', import.meta.url), { type: 'module' });
    const done = () => worker.terminate();
    worker.onmessage = (e: MessageEvent<{ state?: CoMentionCubeState; error?: string }>) => {
      done();
      if (e.data.state) resolve(new CoMentionCube({ state: e.data.state }));
      else reject(Object.assign(new Error(e.data.error ?? 'co-mention worker failed'), { fromData: true }));
    };
    worker.onerror = (e) => {
      done();
      reject(new Error(e.message || 'co-mention worker failed to start'));
    };
    worker.postMessage({ dataUrl: dataUrl.href, wasmUrl: wasmUrl().href });
  });
}

let loaded: Promise<CoMentionCube> | null = null;

/** The cube for the data folder `dataUrl` (a URL ending in '/'), loaded once; a failed load is retried on next call. */
export function loadCoMentionCube(dataUrl: URL): Promise<CoMentionCube> {
  loaded ??= (async () => {
    performance.mark('comention-cube:start');
    let cube: CoMentionCube;
    try {
      cube = await inWorker(dataUrl);
    } catch (e) {
      // A data error would fail on the main thread too; a worker that could not start (or died) is retried there.
      if ((e as { fromData?: boolean }).fromData) throw e;
      console.warn('co-mention worker failed, loading on the main thread', e);
      const { buildCoMentionCube } = await import('./comention-fetch');
      cube = await buildCoMentionCube(dataUrl, wasmUrl());
    }
    // For the benchmarks (.bench): fetch + decode + build.
    performance.measure('comention-cube:load', 'comention-cube:start');
    return cube;
  })();
  loaded.catch(() => (loaded = null));
  return loaded;
}
