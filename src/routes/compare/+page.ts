import { prefetchCubes } from '$lib/db/prefetch';

/**
 * Both cubes start loading with the route (db/prefetch.ts): the page draws its totals, topics and actors from the
 * co-mention cube and its stance chart from the stance cube.
 */
export const load = (): Record<string, never> => prefetchCubes('comention', 'stance');
