import { browser } from '$app/environment';
import { dataUrl } from '$lib/db/client';

/**
 * Starts loading the stance cube as soon as the route is known (before the layout's start-up data is in and the page
 * renders), so its download and decoding (in a worker) overlap the app's start, as comentions/+page.ts does. Also
 * runs when a link to this page is hovered (preload).
 */
export function load(): Record<string, never> {
  if (browser) {
    void import('$lib/db/stance-loader')
      .then(({ loadStanceCube }) => loadStanceCube(dataUrl()))
      .catch(() => {
        // The page's own call reports the failure and falls back to DuckDB.
      });
  }
  return {};
}
