/** Values for the filter controls (and for `parseFilters`' whitelist), over the whole corpus, not the filtered one. */
import type { BoundQuery } from '$lib/db/types';
import type { EntityKind, Lang } from '$lib/schema';
import { inList } from './sql';

export interface CountryOptionRow {
  country: string;
  articles: number;
}
export function buildCountryOptionsQuery(): BoundQuery {
  return {
    sql: `SELECT country, count(*) AS articles FROM articles WHERE country IS NOT NULL
      GROUP BY country ORDER BY articles DESC, country`,
    params: []
  };
}

export interface SourceOptionRow {
  source_id: string;
  source_name: string;
  country: string | null;
  articles: number;
}
export function buildSourceOptionsQuery(): BoundQuery {
  return {
    sql: `SELECT source_id, coalesce(any_value(source_name), source_id) AS source_name, any_value(country) AS country,
        count(*) AS articles
      FROM articles WHERE source_id IS NOT NULL
      GROUP BY source_id ORDER BY articles DESC, source_id`,
    params: []
  };
}

export interface LangOptionRow {
  lang: Lang;
  articles: number;
}
export function buildLangOptionsQuery(): BoundQuery {
  return { sql: 'SELECT lang, count(*) AS articles FROM articles GROUP BY lang ORDER BY articles DESC, lang', params: [] };
}

export interface TopicOptionRow {
  topic_id: string;
  label_en: string;
  color: string;
  core: boolean;
  articles: number;
}
export function buildTopicOptionsQuery(): BoundQuery {
  return {
    sql: `SELECT d.topic_id, d.label_en, d.color, d.core, count(DISTINCT t.article_id) AS articles
      FROM topic_defs d LEFT JOIN topics t ON t.topic_id = d.topic_id
      GROUP BY d.topic_id, d.label_en, d.color, d.core
      ORDER BY d.core DESC, articles DESC, d.topic_id`,
    params: []
  };
}

export interface EntityOptionRow {
  entity_id: string;
  label_en: string;
  kind: EntityKind;
  country: string | null;
  /** Articles mentioning the entity (0 for taxonomy entries never matched). */
  articles: number;
}
export function buildEntityOptionsQuery(kinds: EntityKind[] = []): BoundQuery {
  const k = kinds.length ? inList('e.kind', kinds) : { sql: 'TRUE', params: [] };
  return {
    sql: `SELECT e.entity_id, e.label_en, e.kind, e.country, count(DISTINCT m.article_id) AS articles
      FROM entities e LEFT JOIN mentions m ON m.entity_id = e.entity_id
      WHERE ${k.sql}
      GROUP BY e.entity_id, e.label_en, e.kind, e.country
      ORDER BY articles DESC, e.entity_id`,
    params: k.params
  };
}

export interface DateExtentRow {
  min_date: string | null;
  max_date: string | null;
}
export function buildDateExtentQuery(): BoundQuery {
  return { sql: 'SELECT min(date) AS min_date, max(date) AS max_date FROM articles', params: [] };
}
