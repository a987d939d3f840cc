/**
 * Loads the co-mention cube (queries/comention-cube.ts) without DuckDB-WASM, once, on the first visit to the
 * co-mentions or compare page: fetched, decoded and built in a web worker (comention-worker.ts), whose typed arrays are then
 * transferred here; on the main thread (comention-fetch.ts) if the worker cannot start (worker-cube.ts). The page
 * falls back to `buildCoMentionQuery` on DuckDB-WASM if this fails.
 */
import { inIdleSlices } from '$lib/idle';
import { CoMentionCube, type CoMentionCubeState } from '$lib/queries/comention-cube';
import { cubeLoader } from './worker-cube';

/** The cube for the data folder `dataUrl` (a URL ending in '/'), loaded once; a failed load is retried on next call. */
export const loadCoMentionCube = cubeLoader<CoMentionCubeState, CoMentionCube>(
  'comention',
  () => new Worker(new URL('./comention-worker.ts', import.meta.url), { type: 'module' }),
  (state) => new CoMentionCube({ state }),
  async (dataUrl, wasmUrl) => (await import('./comention-fetch')).buildCoMentionCube(dataUrl, wasmUrl),
  // Its month totals (CoMentionCube.prepareTallies, ~300 ms at 1M articles), in idle-time slices once it is in (after
  // the page's first chart): Compare's counts and the actors × topics grid, filtered by countries and dates, then add
  // them up instead of scanning.
  (cube) => inIdleSlices((more) => cube.prepareTallies(more) !== 'pending', 'comention-cube:months')
);
