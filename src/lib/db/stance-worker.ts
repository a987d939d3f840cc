/**
 * Web worker: fetches and decodes the stance cube's tables (parquet-wasm → Arrow → typed arrays) and builds the cube
 * off the main thread, then hands its state over (typed arrays transferred, not copied), as comention-worker.ts does.
 * At 1M articles this keeps ~1 s of decoding from freezing the page while DuckDB-WASM starts beside it.
 */
import { StanceCube } from '$lib/queries/stance-cube';
import { buildStanceCube } from './stance-fetch';

self.onmessage = async (e: MessageEvent<{ dataUrl: string; wasmUrl: string }>) => {
  try {
    const cube = await buildStanceCube(new URL(e.data.dataUrl), new URL(e.data.wasmUrl));
    const state = cube.state();
    (self as unknown as Worker).postMessage({ state }, StanceCube.transferables(state));
  } catch (err) {
    (self as unknown as Worker).postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
