/**
 * Starts loading a page's cubes (each fetched, decoded and built in a worker) from its +page.ts `load`: as soon as the
 * route is known, before the layout's start-up data is in and the page renders, so the download and decoding overlap
 * the app's start; also when a link to the page is hovered (preload). The page's own call to the same loader gets
 * the same promise, reports a failure and falls back to DuckDB.
 */
import { browser } from '$app/environment';
import { dataUrl } from './client';

const LOADERS = {
  comention: () => import('./comention-loader').then(({ loadCoMentionCube }) => loadCoMentionCube(dataUrl())),
  stance: () => import('./stance-loader').then(({ loadStanceCube }) => loadStanceCube(dataUrl()))
};

export function prefetchCubes(...cubes: (keyof typeof LOADERS)[]): Record<string, never> {
  if (browser) for (const c of cubes) void LOADERS[c]().catch(() => {});
  return {};
}
