/**
 * Co-mentions: which actors appear in the same articles as which topics / other actors. Counting is per article:
 * an actor mentioned five times in one article counts once, so long articles do not dominate.
 */
import type { BoundQuery } from '$lib/db/types';
import type { CoMentionCols, CoMentionMeasure, Filters } from '$lib/filters';
import type { EntityKind } from '$lib/schema';
import { clampInt, inList } from './sql';
import { factsWhere, TOPIC_BITS_SQL } from './common';

export interface CoMentionOptions {
  rows: 'actors';
  cols: CoMentionCols;
  /** Top-N actors by number of filtered articles mentioning them (ties broken by id, so N is exact). */
  n: number;
  measure: CoMentionMeasure;
  /** Restrict actors to these kinds; empty/undefined = all kinds. */
  kinds?: EntityKind[];
}

export interface CoMentionRow {
  row_id: string;
  row_label: string;
  row_kind: EntityKind;
  /** Articles mentioning the row actor. */
  row_articles: number;
  col_id: string;
  col_label: string;
  /** Articles carrying the column topic / mentioning the column actor. */
  col_articles: number;
  /** Articles with both. */
  articles: number;
  /** |A∩B| / |A∪B| over articles. */
  jaccard: number;
  /** log2(P(A,B) / (P(A)·P(B))) over the filtered articles; null when the pair never co-occurs. */
  pmi: number | null;
  /** The chosen measure (articles for 'count'). */
  value: number | null;
}

/**
 * Full grid: every one of the top-N actors × every column (all topics in topic_defs, or the same top-N actors),
 * zero pairs included. In actors × actors the actor × itself diagonal is left out; in actors × topics nothing is, even
 * where an entity id equals a topic id (the country «syria» and the topic «syria» are different things).
 */
export function buildCoMentionQuery(f: Filters, opts: CoMentionOptions): BoundQuery {
  const w = factsWhere(f, 'a');
  const n = clampInt(opts.n, 1, 200, 15);
  const kinds = opts.kinds?.length ? inList('e.kind', opts.kinds) : { sql: 'TRUE', params: [] };
  const value = { count: 'CAST(articles AS DOUBLE)', jaccard: 'jaccard', pmi: 'pmi' }[opts.measure] ?? 'articles';
  // Articles are keyed by text_row and entities by entity_no (article_entities, two integer columns), topics come from
  // each article's topic_mask: neither `mentions` nor `topics` is read, whatever the corpus size.
  const cols =
    opts.cols === 'topics'
      ? `ca AS (SELECT fa.text_row AS article_key, tb.topic_id AS col_id FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0),
      colset AS (
        SELECT d.topic_id AS col_id, d.label_en AS col_label,
          (SELECT count(*) FROM ca WHERE ca.col_id = d.topic_id) AS col_articles
        FROM topic_defs d
      )`
      : `ca AS (SELECT am.article_key, top.entity_id AS col_id FROM am JOIN top ON top.entity_no = am.entity_no),
      colset AS (SELECT entity_id AS col_id, label_en AS col_label, n AS col_articles FROM top)`;
  return {
    sql: `WITH fa AS (SELECT a.text_row, a.topic_mask FROM article_facts a WHERE ${w.sql}),
      total AS (SELECT count(*) AS n FROM fa),
      ents AS (
        SELECT ea.entity_no, ea.entity_id, e.label_en, e.kind
        FROM entity_articles ea LEFT JOIN entities e ON e.entity_id = ea.entity_id WHERE ${kinds.sql}
      ),
      am AS (
        SELECT ae.text_row AS article_key, ae.entity_no
        FROM article_entities ae JOIN fa ON fa.text_row = ae.text_row
        WHERE ae.entity_no IN (SELECT entity_no FROM ents)
      ),
      top AS (
        SELECT ents.entity_no, ents.entity_id, c.n, ents.label_en, ents.kind
        FROM (SELECT entity_no, count(*) AS n FROM am GROUP BY entity_no) c JOIN ents ON ents.entity_no = c.entity_no
        ORDER BY c.n DESC, ents.entity_id LIMIT ?
      ),
      ${cols},
      pairs AS (
        SELECT top.entity_id AS row_id, ca.col_id, count(*) AS articles
        FROM am r JOIN top ON top.entity_no = r.entity_no JOIN ca ON ca.article_key = r.article_key
        GROUP BY top.entity_id, ca.col_id
      ),
      grid AS (
        SELECT top.entity_id AS row_id, coalesce(top.label_en, top.entity_id) AS row_label, top.kind AS row_kind,
          top.n AS row_articles, c.col_id, coalesce(c.col_label, c.col_id) AS col_label, c.col_articles,
          coalesce(p.articles, 0) AS articles,
          coalesce(p.articles, 0) / (top.n + c.col_articles - coalesce(p.articles, 0)) AS jaccard,
          CASE WHEN coalesce(p.articles, 0) = 0 THEN NULL
            ELSE log2(p.articles * total.n / (top.n * c.col_articles)) END AS pmi
        FROM top CROSS JOIN colset c CROSS JOIN total
        LEFT JOIN pairs p ON p.row_id = top.entity_id AND p.col_id = c.col_id
        ${opts.cols === 'actors' ? 'WHERE top.entity_id <> c.col_id' : ''}
      )
      SELECT *, ${value} AS value FROM grid
      ORDER BY row_articles DESC, row_id, col_articles DESC, col_id`,
    params: [...w.params, ...kinds.params, n]
  };
}
