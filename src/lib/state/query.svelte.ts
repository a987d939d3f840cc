/**
 * Runs a bound query against the shared DuckDB and exposes rows/loading/error as runes. A newer run supersedes an
 * older one still in flight, so fast filter changes never paint stale rows over fresh ones.
 */
import type { BoundQuery, Row } from '$lib/db/types';
import { getDb } from '$lib/db/client';

// No `extends Row`: the query modules export interfaces, which TypeScript never treats as index-signature types.
export class QueryState<T = Row> {
  rows: T[] = $state([]);
  loading = $state(true);
  error: string | null = $state(null);
  /** True once a run has finished at least once (so "empty" is not shown before the first answer). */
  done = $state(false);
  #seq = 0;
  #key = '';
  /** The run of #key has not answered yet. */
  #inflight = false;

  /** Shown as loading, without running: the query waits for others (useQuery's `after`). */
  wait(): void {
    this.loading = true;
  }

  async run(q: BoundQuery | null): Promise<void> {
    // The whole query: a list's page (BoundQuery.page) changes while its outer SQL stays the same.
    const key = q ? JSON.stringify(q) : '';
    if (key === this.#key && (this.#inflight || this.done)) {
      // The same query: its answer is on its way, or already here (after a wait()).
      if (!this.#inflight) this.loading = false;
      return;
    }
    this.#key = key;
    const seq = ++this.#seq;
    if (!q) {
      this.rows = [];
      this.loading = false;
      this.error = null;
      this.done = true;
      return;
    }
    this.loading = true;
    this.#inflight = true;
    this.error = null;
    try {
      const db = await getDb();
      const rows = (await db.query(q)) as unknown as T[];
      if (seq !== this.#seq) return;
      this.rows = rows;
      this.done = true;
    } catch (e) {
      if (seq !== this.#seq) return;
      console.warn('query failed', e);
      this.error = e instanceof Error ? e.message : String(e);
      this.rows = [];
      this.done = true;
    } finally {
      if (seq === this.#seq) {
        this.loading = false;
        this.#inflight = false;
      }
    }
  }
}

/** Rows computed in JS (null: not yet), in the shape of a QueryState, for a page that falls back to one. */
export function jsRows<T>(rows: T[] | null): { rows: T[]; loading: boolean; error: string | null; done: boolean } {
  return { rows: rows ?? [], loading: rows === null, error: null, done: rows !== null };
}

/**
 * Rows computed in JS (from a cube) once `ready()`, kept per `key()`: while a new key waits for `ready`, the last rows
 * stay shown as loading, as a QueryState keeps its rows while its next query runs.
 */
export function keyedRows<T>(key: () => string, ready: () => boolean, compute: () => T[]): { readonly rows: T[]; readonly loading: boolean; readonly error: null; readonly done: boolean } {
  let last: { key: string; rows: T[] } | null = null;
  const state = $derived.by(() => {
    const k = key();
    if (last?.key === k) return { rows: last.rows, loading: false };
    if (!ready()) return { rows: last?.rows ?? [], loading: true };
    last = { key: k, rows: compute() };
    return { rows: last.rows, loading: false };
  });
  return {
    get rows() {
      return state.rows;
    },
    get loading() {
      return state.loading;
    },
    error: null,
    get done() {
      return !state.loading;
    }
  };
}

/**
 * Creates a query bound to the calling component: re-runs whenever what `build` reads changes. `after`: the query
 * waits (loading) until it returns true, so a heavy query (one that loads a big table) does not hold up the page's
 * cheap ones on DuckDB's one connection and the browser's main thread.
 */
export function useQuery<T = Row>(build: () => BoundQuery | null, opts: { after?: () => boolean } = {}): QueryState<T> {
  const s = new QueryState<T>();
  $effect(() => {
    const q = build();
    if (opts.after && !opts.after()) {
      s.wait();
      return;
    }
    void s.run(q);
  });
  return s;
}

/**
 * For useQuery's `after`: true once the view keyed `key()` has been drawn, i.e. a frame after `ready()` holds for that
 * key. A page whose charts are computed in JS starts its DuckDB lists with it, so their work on the main thread
 * (parquet-wasm decoding the row groups they read) does not hold up the charts' redraw.
 */
export function afterDrawn(key: () => string, ready: () => boolean): () => boolean {
  let settled = $state('');
  $effect(() => {
    const k = key();
    if (!ready()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => (settled = k), 0)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  });
  return () => settled === key();
}
