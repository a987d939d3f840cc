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
  readonly #sql = new QueryState<CoMentionRow>();
  readonly #build: () => { filters: Filters; opts: CoMentionOptions };
  /**
   * The cube's rows, derived (not set by an effect): a change is answered in the same update that renders it, so the
   * chart gets its new option once, not first the old rows under the new controls (a second full redraw, ~20 ms).
   */
  readonly #cubeRows: CoMentionRow[] = $derived.by(() => {
    const cube = this.#cube;
    if (!cube || this.#failed) return [];
    const { filters, opts } = this.#build();
    try {
      const t = performance.now();
      const rows = cube.query(filters, opts);
      performance.measure('comention-cube:query', { start: t });
      return rows;
    } catch (e) {
      // State cannot change while it is being derived: the fallback starts right after.
      queueMicrotask(() => this.#fail(e));
      return [];
    }
  });

  constructor(build: () => { filters: Filters; opts: CoMentionOptions }) {
    this.#build = build;
  }

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

  /** After a fallback: the SQL for the current controls. */
  runSql(): void {
    if (!this.#failed) return;
    const { filters, opts } = this.#build();
    void this.#sql.run(buildCoMentionQuery(filters, opts));
  }
}

/** Rows for what `build` returns, recomputed whenever it changes; loads the cube when the calling component mounts. */
export function useCoMentions(build: () => { filters: Filters; opts: CoMentionOptions }): CoMentionState {
  const s = new CoMentionState(build);
  s.load();
  $effect(() => s.runSql());
  return s;
}
