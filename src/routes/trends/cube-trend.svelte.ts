/**
 * The trends page's rows, from the in-memory topic cube (queries/cube.ts): a filter change is a scan of typed arrays
 * (a few ms at 1M articles), answered synchronously, with no DuckDB round trip. A date range that cuts a stored week
 * or month also needs the cut days (what `buildTopicTrendEdgeQuery` answers), from article_counts held as typed arrays
 * (`DayCounts`, loaded on first need or when idle): after that load every change is synchronous. Same rows, in the
 * same order, as `buildTopicTrendQuery` (tests/queries/cube.test.ts).
 */
import { warmTrendAxis } from '$lib/charts/topic-trend';
import { EMPTY_FILTERS, type Filters } from '$lib/filters';
import { inIdleSlices } from '$lib/idle';
import { GRANULARITIES, type Granularity, type TopicTrendHitRow } from '$lib/queries';
import { TopicCube, type DayCounts } from '$lib/queries/cube';
import { untrack } from 'svelte';

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
  /** `days`: the loaded DayCounts, if any (synchronous); `loadDays` loads them. */
  constructor(
    private readonly loadDays: () => Promise<DayCounts>,
    private readonly days?: () => DayCounts | null
  ) {}

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
    if (!TopicCube.cutsBuckets(f, of.granularity)) {
      this.#set(cube.trend(f, opts), of);
      return;
    }
    const ready = this.days?.();
    if (ready) {
      this.#set(cube.trend(f, opts, ready.edges(f, opts)), of);
      return;
    }
    this.loading = true;
    this.error = null;
    try {
      const days = await this.loadDays();
      if (seq !== this.#seq) return;
      this.#set(cube.trend(f, opts, days.edges(f, opts)), of);
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

export function useCubeTrend(
  build: () => { cube: TopicCube | null; filters: Filters; of: TrendOf },
  loadDays: () => Promise<DayCounts>
): CubeTrend {
  let loaded: DayCounts | null = null;
  const load = () => loadDays().then((d) => (loaded = d));
  const s = new CubeTrend(load, () => loaded);
  // Load the cut days when the page is idle after its first chart, so the first cut range is not kept waiting.
  $effect(() =>
    inIdleSlices(() => {
      void load().catch(() => {});
      return true;
    })
  );
  // When idle after the first chart, each other time step once: the cube's bucket names for it and the chart's x axis
  // over the whole data range (the widest any filter draws), so its first use is not the one that builds them.
  const cube = $derived(build().cube);
  $effect(() => {
    const c = cube;
    if (!c) return;
    const drawn = untrack(() => build().of.granularity);
    const todo = GRANULARITIES.filter((g) => g !== drawn);
    // One time step per idle slice.
    return inIdleSlices(() => {
      const g = todo.shift();
      if (g) {
        const rows = c.trend(EMPTY_FILTERS, { granularity: g, byCountry: false });
        if (rows.length) warmTrendAxis(rows[0].bucket, rows[rows.length - 1].bucket, g);
      }
      return todo.length === 0;
    });
  });
  $effect(() => {
    const { cube, filters, of } = build();
    void s.run(cube, filters, of);
  });
  return s;
}
