/**
 * Values for the filter controls (and for `parseFilters`' whitelist), over the whole corpus, not the filtered one.
 * They run at start-up, so they read only the small tables: `topic_buckets` (its month rows: `topic_id` NULL rows count
 * every article, undated ones in `bucket` NULL), `entity_articles` and the taxonomy.
 */
import type { BoundQuery } from '$lib/db/types';
import type { EntityKind, Lang } from '$lib/schema';
import { inList } from './sql';

const N = 'CAST(sum(c.articles) AS BIGINT)';
/** Every article once: the month summary rows that count all articles of their group. */
const ALL = "c.step = 'month' AND c.topic_id IS NULL";

export interface CountryOptionRow {
  country: string;
  articles: number;
}
export function buildCountryOptionsQuery(): BoundQuery {
  return {
    sql: `SELECT c.country, ${N} AS articles FROM topic_buckets c WHERE ${ALL} AND c.country IS NOT NULL
      GROUP BY c.country ORDER BY articles DESC, c.country`,
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
    sql: `SELECT c.source_id, coalesce(any_value(c.source_name), c.source_id) AS source_name,
        any_value(c.country) AS country, ${N} AS articles
      FROM topic_buckets c WHERE ${ALL} AND c.source_id IS NOT NULL
      GROUP BY c.source_id ORDER BY articles DESC, c.source_id`,
    params: []
  };
}

export interface LangOptionRow {
  lang: Lang;
  articles: number;
}
export function buildLangOptionsQuery(): BoundQuery {
  return {
    sql: `SELECT c.lang, ${N} AS articles FROM topic_buckets c WHERE ${ALL} GROUP BY c.lang ORDER BY articles DESC, c.lang`,
    params: []
  };
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
    sql: `WITH hits AS (
        SELECT c.topic_id, ${N} AS articles
        FROM topic_buckets c WHERE c.step = 'month' AND c.topic_id IS NOT NULL GROUP BY c.topic_id
      )
      SELECT d.topic_id, d.label_en, d.color, d.core, coalesce(h.articles, 0) AS articles
      FROM topic_defs d LEFT JOIN hits h ON h.topic_id = d.topic_id
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
    sql: `SELECT e.entity_id, e.label_en, e.kind, e.country, CAST(coalesce(ea.articles, 0) AS BIGINT) AS articles
      FROM entities e LEFT JOIN entity_articles ea ON ea.entity_id = e.entity_id
      WHERE ${k.sql}
      ORDER BY articles DESC, e.entity_id`,
    params: k.params
  };
}

export interface DateExtentRow {
  min_date: string | null;
  max_date: string | null;
}
export function buildDateExtentQuery(): BoundQuery {
  return {
    sql: `SELECT min(c.first_date) AS min_date, max(c.last_date) AS max_date FROM topic_buckets c WHERE ${ALL}`,
    params: []
  };
}
