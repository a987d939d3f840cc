/**
 * Data that every page needs and that does not depend on the filters: the option lists for the filter bar (which also
 * serve as the whitelist for URL values), topic colours/labels and entity labels, and the topic cube the trends chart
 * is computed from. Loaded once, from the small start-up tables read by parquet-wasm (db/cube-loader.ts), without
 * waiting for DuckDB-WASM, which starts right after in the background for every other query.
 */
import { dataUrl, getDb } from '$lib/db/client';
import type { KnownValues } from '$lib/filters';
import type { DayCounts, TopicCube } from '$lib/queries/cube';
import {
  type CountryOptionRow,
  type DateExtentRow,
  type EntityOptionRow,
  type LangOptionRow,
  type SourceOptionRow,
  type TopicOptionRow
} from '$lib/queries';

export interface AppOptions {
  countries: CountryOptionRow[];
  sources: SourceOptionRow[];
  langs: LangOptionRow[];
  topics: TopicOptionRow[];
  entities: EntityOptionRow[];
  extent: DateExtentRow;
}

class AppState {
  status: 'loading' | 'ready' | 'error' = $state('loading');
  error: string | null = $state(null);
  options: AppOptions | null = $state(null);
  /** topic_buckets as typed arrays (see queries/cube.ts); set with `options`. Never proxied: it is read-only. */
  cube: TopicCube | null = $state.raw(null);
  #started: Promise<void> | null = null;
  #days: Promise<DayCounts> | null = null;

  /** article_counts as typed arrays (queries/cube.ts DayCounts), loaded once on first call. */
  dayCounts(): Promise<DayCounts> {
    this.#days ??= (async () => {
      if (!this.cube || !this.options) throw new Error('the topic cube is not loaded');
      const { loadDayCounts } = await import('$lib/db/cube-loader');
      return loadDayCounts(dataUrl(), this.cube, this.options.topics.map((t) => t.topic_id));
    })();
    this.#days.catch(() => (this.#days = null));
    return this.#days;
  }

  known: KnownValues | undefined = $derived(
    this.options
      ? {
          countries: this.options.countries.map((c) => c.country),
          sources: this.options.sources.map((s) => s.source_id),
          langs: this.options.langs.map((l) => l.lang),
          topics: this.options.topics.map((t) => t.topic_id)
        }
      : undefined
  );
  topicMeta: Record<string, { label: string; color: string; core: boolean }> = $derived(
    Object.fromEntries((this.options?.topics ?? []).map((t) => [t.topic_id, { label: t.label_en, color: t.color, core: t.core }]))
  );
  entityMeta: Record<string, EntityOptionRow> = $derived(
    Object.fromEntries((this.options?.entities ?? []).map((e) => [e.entity_id, e]))
  );

  topicLabel(id: string | null | undefined): string {
    if (!id) return '';
    return this.topicMeta[id]?.label ?? id;
  }
  entityLabel(id: string | null | undefined): string {
    if (!id) return '';
    if (id === '@un_system') return 'All UN bodies';
    return this.entityMeta[id]?.label_en ?? id;
  }
  sourceLabel(id: string | null | undefined): string {
    if (!id) return 'Unknown source';
    return this.options?.sources.find((s) => s.source_id === id)?.source_name ?? id;
  }

  /**
   * Loads the start-up data once. `db`: when DuckDB-WASM starts. 'now' (pages that draw from DuckDB): beside the cube,
   * its wasm compiling in its own worker while the cube decodes here (at 1M articles the overview's list and the other
   * pages' charts come ~0.8 s sooner); 'after-cube' (the topic trends, drawn from the cube): right after the cube;
   * 'on-demand' (the stance page, drawn from its own cube in a worker): on the page's first DuckDB query, so the
   * chart's data does not share the two cores with DuckDB's start.
   */
  #db: 'now' | 'after-cube' | 'on-demand' = 'after-cube';
  start(opts: { db?: 'now' | 'after-cube' | 'on-demand' } = {}): Promise<void> {
    if (!this.#started) {
      this.#db = opts.db ?? 'after-cube';
      if (this.#db === 'now') void getDb().catch(() => {});
    }
    this.#started ??= this.#load();
    return this.#started;
  }

  async #load(): Promise<void> {
    try {
      const { loadCube } = await import('$lib/db/cube-loader');
      const { cube, options } = await loadCube(dataUrl());
      this.cube = cube;
      this.options = options;
      this.status = 'ready';
      // Everything else (article lists, evidence, other pages) needs DuckDB: start it now, after the first chart's data.
      if (this.#db !== 'on-demand') void getDb().catch(() => {});
    } catch (e) {
      console.warn('dashboard data failed to load', e);
      this.error = e instanceof Error ? e.message : String(e);
      this.status = 'error';
    }
  }
}

export const app = new AppState();
