/**
 * Loads the stance cube (queries/stance-cube.ts) without DuckDB-WASM, once, on the first visit to the stance page:
 * fetched, decoded and built in a web worker (stance-worker.ts), whose typed arrays are then transferred here; on the
 * main thread (stance-fetch.ts) if the worker cannot start (worker-cube.ts). The page falls back to
 * `buildStanceTrendQuery` on DuckDB-WASM if this fails.
 */
import { StanceCube, type StanceCubeState } from '$lib/queries/stance-cube';
import { cubeLoader } from './worker-cube';

/** The cube for the data folder `dataUrl` (a URL ending in '/'), loaded once; a failed load is retried on next call. */
export const loadStanceCube = cubeLoader<StanceCubeState, StanceCube>(
  'stance',
  () => new Worker(new URL('./stance-worker.ts', import.meta.url), { type: 'module' }),
  (state) => new StanceCube({ state }),
  async (dataUrl, wasmUrl) => (await import('./stance-fetch')).buildStanceCube(dataUrl, wasmUrl)
);
