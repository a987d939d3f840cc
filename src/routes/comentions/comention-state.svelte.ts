/**
 * The co-mentions page's rows, from the in-memory co-mention cube (queries/comention-cube.ts): loaded once by
 * parquet-wasm (db/comention-loader.ts), without DuckDB-WASM, after which every control and filter change is answered
 * synchronously from typed arrays (tens of ms at 1M articles). The rows are those of `buildCoMentionQuery`
 * (tests/queries/comention-cube.test.ts); if the cube cannot be loaded or computed, the page runs that query on
 * DuckDB-WASM instead, as before. The query is not run while the cube loads: at 1M articles it would load the same
 * tables a second time into DuckDB-WASM, competing for the same CPU, and answer later than the cube.
 */
import { dataUrl } from '$lib/db/client';
import type { Filters } from '$lib/filters';
import { buildCoMentionQuery, type CoMentionOptions, type CoMentionRow } from '$lib/queries';
import type { CoMentionCube } from '$lib/queries/comention-cube';
import { QueryState } from '$lib/state/query.svelte';

export class CoMentionState {
  #cube: CoMentionCube | null = $state.raw(null);
  /** Set when the cube failed: from then on the SQL answers. */
  #failed = $state(false);
  #cubeRows: CoMentionRow[] = $state.raw([]);
  readonly #sql = new QueryState<CoMentionRow>();

  get rows(): CoMentionRow[] {
    return this.#failed ? this.#sql.rows : this.#cubeRows;
  }
  get loading(): boolean {
    return this.#failed ? this.#sql.loading : this.#cube === null;
  }
  get error(): string | null {
    return this.#failed ? this.#sql.error : null;
  }
  get done(): boolean {
    return this.#failed ? this.#sql.done : this.#cube !== null;
  }
  /** 'cube' once the cube answers, 'sql' after a fallback, 'loading' before either (for tests and benchmarks). */
  get source(): 'cube' | 'sql' | 'loading' {
    return this.#failed ? 'sql' : this.#cube ? 'cube' : 'loading';
  }

  #fail(e: unknown): void {
    console.warn('co-mention cube unavailable, using DuckDB', e);
    this.#failed = true;
  }

  load(): void {
    import('$lib/db/comention-loader')
      .then(({ loadCoMentionCube }) => loadCoMentionCube(dataUrl()))
      .then((c) => (this.#cube = c))
      .catch((e: unknown) => this.#fail(e));
  }

  update(filters: Filters, opts: CoMentionOptions): void {
    if (this.#failed) {
      void this.#sql.run(buildCoMentionQuery(filters, opts));
      return;
    }
    const cube = this.#cube;
    if (!cube) return;
    try {
      const t = performance.now();
      this.#cubeRows = cube.query(filters, opts);
      performance.measure('comention-cube:query', { start: t });
    } catch (e) {
      this.#fail(e);
      void this.#sql.run(buildCoMentionQuery(filters, opts));
    }
  }
}

/** Rows for what `build` returns, recomputed whenever it changes; loads the cube when the calling component mounts. */
export function useCoMentions(build: () => { filters: Filters; opts: CoMentionOptions }): CoMentionState {
  const s = new CoMentionState();
  s.load();
  $effect(() => {
    const { filters, opts } = build();
    s.update(filters, opts);
  });
  return s;
}
