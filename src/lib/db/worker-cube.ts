/**
 * The loading pattern of the cubes built off the main thread (co-mentions, stance): a web worker fetches, decodes
 * and builds a cube from the data folder, then posts its state with the typed arrays transferred; the page adopts
 * that state. If the worker cannot start (or dies), the same build runs on the main thread; a data error is not
 * retried there (it would fail the same way). One load per page life; a failed load is tried again on the next call.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';

/** The main bundle's parquet-wasm binary (the one cube-loader.ts uses), as an absolute URL. */
export const wasmUrl = (): URL => new URL(parquetWasm, window.location.href);

/** What a cube worker is sent, and answers. */
export interface CubeRequest {
  dataUrl: string;
  wasmUrl: string;
}
export type CubeAnswer<S> = { state: S; error?: undefined } | { state?: undefined; error: string };

function inWorker<S, C>(start: () => Worker, dataUrl: URL, adopt: (state: S) => C, what: string): Promise<C> {
  return new Promise((resolve, reject) => {
    const worker = start();
    const done = () => worker.terminate();
    worker.onmessage = (e: MessageEvent<CubeAnswer<S>>) => {
      done();
      if (e.data.state) resolve(adopt(e.data.state));
      else reject(Object.assign(new Error(e.data.error ?? `${what} worker failed`), { fromData: true }));
    };
    worker.onerror = (e) => {
      done();
      reject(new Error(e.message || `${what} worker failed to start`));
    };
    worker.postMessage({ dataUrl: dataUrl.href, wasmUrl: wasmUrl().href } satisfies CubeRequest);
  });
}

/**
 * A loader for one cube: `start` creates its worker (a `new Worker(new URL('./x-worker.ts', import.meta.url))` the
 * bundler can see), `adopt` builds the page's cube from the posted state, `onMain` builds it here instead. `what`
 * names it in errors and in the `<what>-cube:load` performance measure (fetch + decode + build, for the benchmarks).
 * `loaded` runs once per cube, when it is in (e.g. to schedule work for idle time).
 */
export function cubeLoader<S, C>(
  what: string,
  start: () => Worker,
  adopt: (state: S) => C,
  onMain: (dataUrl: URL, wasmUrl: URL) => Promise<C>,
  loaded?: (cube: C) => void
): (dataUrl: URL) => Promise<C> {
  let pending: Promise<C> | null = null;
  return (dataUrl) => {
    pending ??= (async () => {
      performance.mark(`${what}-cube:start`);
      let cube: C;
      try {
        cube = await inWorker(start, dataUrl, adopt, what);
      } catch (e) {
        if ((e as { fromData?: boolean }).fromData) throw e;
        console.warn(`${what} worker failed, loading on the main thread`, e);
        cube = await onMain(dataUrl, wasmUrl());
      }
      performance.measure(`${what}-cube:load`, `${what}-cube:start`);
      loaded?.(cube);
      return cube;
    })();
    pending.catch(() => (pending = null));
    return pending;
  };
}

/** The worker side: builds the cube for each request and posts its state, typed arrays transferred. */
export function serveCube<S>(build: (dataUrl: URL, wasmUrl: URL) => Promise<{ state: S; transfer: ArrayBuffer[] }>): void {
  self.onmessage = async (e: MessageEvent<CubeRequest>) => {
    try {
      const { state, transfer } = await build(new URL(e.data.dataUrl), new URL(e.data.wasmUrl));
      (self as unknown as Worker).postMessage({ state } satisfies CubeAnswer<S>, transfer);
    } catch (err) {
      (self as unknown as Worker).postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies CubeAnswer<S>);
    }
  };
}
