/**
 * The trends page's rows, from the in-memory topic cube (queries/cube.ts): a filter change is a scan of typed arrays
 * (a few ms at 1M articles), answered synchronously, with no DuckDB round trip. Only a date range that cuts a stored
 * week or month needs DuckDB, for the cut days (`buildTopicTrendEdgeQuery`, article_counts); those answers are
 * remembered by query, so going back to a range already seen is synchronous too. Same rows, in the same order, as
 * `buildTopicTrendQuery` (tests/queries/cube.test.ts).
 */
import { getDb } from '$lib/db/client';
import type { Filters } from '$lib/filters';
import { buildTopicTrendEdgeQuery, type Granularity, type TopicTrendHitRow } from '$lib/queries';
import { TopicCube, type TrendEdgeRow } from '$lib/queries/cube';

export interface TrendOf {
  granularity: Granularity;
  byCountry: boolean;
  topics: string[];
}

export class CubeTrend {
  rows: TopicTrendHitRow[] = $state.raw([]);
  /** The settings `rows` answer: draw with these, not the controls' (see CachedQuery). */
  of: TrendOf | undefined = $state.raw(undefined);
  loading = $state(true);
  error: string | null = $state(null);
  done = $state(false);
  #seq = 0;
  #key = '';
  readonly #edges = new Map<string, TrendEdgeRow[]>();
  constructor(private readonly max = 64) {}

  #set(rows: TopicTrendHitRow[], of: TrendOf): void {
    this.rows = rows;
    this.of = of;
    this.loading = false;
    this.error = null;
    this.done = true;
  }

  async run(cube: TopicCube | null, f: Filters, of: TrendOf): Promise<void> {
    if (!cube) return;
    const key = JSON.stringify([f, of.granularity, of.byCountry]);
    if (key === this.#key) return;
    this.#key = key;
    const seq = ++this.#seq;
    const opts = { granularity: of.granularity, byCountry: of.byCountry };
    const eq = TopicCube.cutsBuckets(f, of.granularity) ? buildTopicTrendEdgeQuery(f, opts) : null;
    if (!eq) {
      this.#set(cube.trend(f, opts), of);
      return;
    }
    const ekey = JSON.stringify([eq.sql, eq.params]);
    const cached = this.#edges.get(ekey);
    if (cached) {
      this.#set(cube.trend(f, opts, cached), of);
      return;
    }
    this.loading = true;
    this.error = null;
    try {
      const edges = await (await getDb()).query<TrendEdgeRow>(eq);
      if (this.#edges.size >= this.max) this.#edges.delete(this.#edges.keys().next().value!);
      this.#edges.set(ekey, edges);
      if (seq !== this.#seq) return;
      this.#set(cube.trend(f, opts, edges), of);
    } catch (e) {
      if (seq !== this.#seq) return;
      this.#key = '';
      console.warn('query failed', e);
      this.error = e instanceof Error ? e.message : String(e);
      this.rows = [];
      this.done = true;
      this.loading = false;
    }
  }
}

export function useCubeTrend(build: () => { cube: TopicCube | null; filters: Filters; of: TrendOf }): CubeTrend {
  const s = new CubeTrend();
  $effect(() => {
    const { cube, filters, of } = build();
    void s.run(cube, filters, of);
  });
  return s;
}
