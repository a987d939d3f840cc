import { browser } from '$app/environment';
import { dataUrl } from '$lib/db/client';

/**
 * Starts loading the co-mention and stance cubes (each fetched, decoded and built in a worker) as soon as the route is
 * known, before the layout's start-up data is in and the page renders, as comentions/+page.ts and stance/+page.ts do.
 * The page draws its totals, topics and actors from the first and its stance chart from the second.
 */
export function load(): Record<string, never> {
  if (browser) {
    // The page's own calls report a failure and fall back to DuckDB.
    void import('$lib/db/comention-loader').then(({ loadCoMentionCube }) => loadCoMentionCube(dataUrl())).catch(() => {});
    void import('$lib/db/stance-loader').then(({ loadStanceCube }) => loadStanceCube(dataUrl())).catch(() => {});
  }
  return {};
}
