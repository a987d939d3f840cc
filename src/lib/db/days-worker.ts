/**
 * Web worker: fetches and decodes article_counts (cube-loader.ts readDayCounts) off the main thread, and posts it
 * coded, its typed arrays transferred. The page maps the codes onto the topic cube's (queries/cube.ts DayCounts).
 */
import { dayCountsTransferables } from '$lib/queries/cube';
import { readDayCounts } from './cube-loader';
import { serveCube } from './worker-cube';

serveCube(async (dataUrl, wasmUrl) => {
  const state = await readDayCounts(dataUrl, wasmUrl);
  return { state, transfer: dayCountsTransferables(state) };
});
