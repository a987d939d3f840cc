import { browser } from '$app/environment';
import { dataUrl } from '$lib/db/client';

/**
 * Starts loading the co-mention cube as soon as the route is known (before the layout's start-up data is in and the
 * page renders), so its download and decoding (in a worker) overlap the app's start. Also runs when a link to this
 * page is hovered (preload): then the cube is ready, or nearly, when it is clicked.
 */
export function load(): Record<string, never> {
  if (browser) {
    void import('$lib/db/comention-loader')
      .then(({ loadCoMentionCube }) => loadCoMentionCube(dataUrl()))
      .catch(() => {
        // The page's own call reports the failure and falls back to DuckDB.
      });
  }
  return {};
}
