/**
 * Data that every page needs and that does not depend on the filters: the option lists for the filter bar (which also
 * serve as the whitelist for URL values), topic colours/labels and entity labels. Loaded once, after DuckDB is up.
 */
import { getDb } from '$lib/db/client';
import type { Db } from '$lib/db/types';
import type { KnownValues } from '$lib/filters';
import {
  buildCountryOptionsQuery,
  buildDateExtentQuery,
  buildEntityOptionsQuery,
  buildLangOptionsQuery,
  buildSourceOptionsQuery,
  buildTopicOptionsQuery,
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
  #started: Promise<void> | null = null;

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

  start(): Promise<void> {
    this.#started ??= this.#load();
    return this.#started;
  }

  async #load(): Promise<void> {
    try {
      const db: Db = await getDb();
      const [countries, sources, langs, topics, entities, extent] = await Promise.all([
        db.query<CountryOptionRow>(buildCountryOptionsQuery()),
        db.query<SourceOptionRow>(buildSourceOptionsQuery()),
        db.query<LangOptionRow>(buildLangOptionsQuery()),
        db.query<TopicOptionRow>(buildTopicOptionsQuery()),
        db.query<EntityOptionRow>(buildEntityOptionsQuery()),
        db.query<DateExtentRow>(buildDateExtentQuery())
      ]);
      this.options = { countries, sources, langs, topics, entities, extent: extent[0] ?? { min_date: null, max_date: null } };
      this.status = 'ready';
    } catch (e) {
      console.warn('dashboard data failed to load', e);
      this.error = e instanceof Error ? e.message : String(e);
      this.status = 'error';
    }
  }
}

export const app = new AppState();
