import { prefetchCubes } from '$lib/db/prefetch';

/** The stance cube starts loading with the route (db/prefetch.ts). */
export const load = (): Record<string, never> => prefetchCubes('stance');
