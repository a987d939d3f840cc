/**
 * Like `useQuery`, but remembers every answer of this page by its SQL + parameters, so going back to a time step or
 * split already seen redraws without a round trip to DuckDB. Rows are `$state.raw`: the chart only reads them, and
 * a deep proxy over tens of thousands of rows costs more than the query that produced them.
 */
import type { BoundQuery } from '$lib/db/types';
import { getDb } from '$lib/db/client';

export class CachedQuery<T, P = unknown> {
  rows: T[] = $state.raw([]);
  /**
   * The settings `rows` answer (passed to `run` with the query). Draw with these, not the controls': while a new
   * time step loads, the previous rows must not be laid out on the new step's buckets.
   */
  of: P | undefined = $state.raw(undefined);
  loading = $state(true);
  error: string | null = $state(null);
  done = $state(false);
  #seq = 0;
  #key = '';
  // Bounded so a long session of filter changes cannot grow without limit; answers are small (non-empty cells only).
  readonly #cache = new Map<string, { rows: T[]; of: P }>();
  constructor(private readonly max = 64) {}

  async run(q: BoundQuery, of: P): Promise<void> {
    const key = JSON.stringify([q.sql, q.params]);
    if (key === this.#key) return;
    this.#key = key;
    const seq = ++this.#seq;
    const hit = this.#cache.get(key);
    if (hit) {
      this.rows = hit.rows;
      this.of = hit.of;
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
      if (this.#cache.size >= this.max) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, { rows, of });
      if (seq !== this.#seq) return;
      this.rows = rows;
      this.of = of;
      this.done = true;
    } catch (e) {
      if (seq !== this.#seq) return;
      // A failed key must be retried when asked for again.
      this.#key = '';
      console.warn('query failed', e);
      this.error = e instanceof Error ? e.message : String(e);
      this.rows = [];
      this.done = true;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }
}

export function useCachedQuery<T, P = undefined>(build: () => { query: BoundQuery; of: P }): CachedQuery<T, P> {
  const s = new CachedQuery<T, P>();
  $effect(() => {
    const { query, of } = build();
    void s.run(query, of);
  });
  return s;
}
