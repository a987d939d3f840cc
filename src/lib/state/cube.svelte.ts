/**
 * A cube a page draws from (loaded off the main thread by db/*-loader.ts), as reactive state: `cube` once loaded,
 * `error` if it could not be, after which the page runs its SQL on DuckDB instead.
 */
import { onMount } from 'svelte';
import { dataUrl } from '$lib/db/client';

export interface CubeState<C> {
  readonly cube: C | null;
  readonly error: string | null;
}

/** Loads the cube with `load` when the calling component mounts; `what` names it in the console warning. */
export function useCube<C>(load: (dataUrl: URL) => Promise<C>, what: string): CubeState<C> {
  let cube = $state.raw<C | null>(null);
  let error = $state<string | null>(null);
  onMount(() => {
    load(dataUrl()).then(
      (c) => (cube = c),
      (e: unknown) => {
        console.warn(`${what} cube failed to load; falling back to DuckDB`, e);
        error = e instanceof Error ? e.message : String(e);
      }
    );
  });
  return {
    get cube() {
      return cube;
    },
    get error() {
      return error;
    }
  };
}
