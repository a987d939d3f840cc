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

  async run(q: BoundQuery | null): Promise<void> {
    const key = q ? JSON.stringify([q.sql, q.params]) : '';
    if (key === this.#key && (this.loading || this.done)) return;
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
      if (seq === this.#seq) this.loading = false;
    }
  }
}

/** Creates a query bound to the calling component: re-runs whenever what `build` reads changes. */
export function useQuery<T = Row>(build: () => BoundQuery | null): QueryState<T> {
  const s = new QueryState<T>();
  $effect(() => {
    void s.run(build());
  });
  return s;
}
