/**
 * Web worker: fetches and decodes the stance cube's tables (parquet-wasm → Arrow → typed arrays) and builds the cube
 * off the main thread, then hands its state over (typed arrays transferred, not copied), as comention-worker.ts does.
 * At 1M articles this keeps ~1 s of decoding from freezing the page while the topic cube loads beside it.
 */
import { StanceCube } from '$lib/queries/stance-cube';
import { buildStanceCube } from './stance-fetch';
import { serveCube } from './worker-cube';

serveCube(async (dataUrl, wasmUrl) => {
  const state = (await buildStanceCube(dataUrl, wasmUrl)).state();
  return { state, transfer: StanceCube.transferables(state) };
});
