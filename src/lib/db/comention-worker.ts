/**
 * Web worker: fetches and decodes the co-mention cube's tables (parquet-wasm → Arrow → typed arrays) and builds the
 * cube off the main thread, then hands its state over (typed arrays transferred, not copied). At 1M articles this
 * keeps ~2–3 s of decoding from freezing the page, and parquet-wasm's memory (~150 MB, which wasm never gives back)
 * goes away with the worker.
 */
import { CoMentionCube } from '$lib/queries/comention-cube';
import { buildCoMentionCube } from './comention-fetch';
import { serveCube } from './worker-cube';

serveCube(async (dataUrl, wasmUrl) => {
  const state = (await buildCoMentionCube(dataUrl, wasmUrl)).state();
  return { state, transfer: CoMentionCube.transferables(state) };
});
