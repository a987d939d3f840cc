/**
 * Derived tables (schema.ts DERIVED_TABLES): small summaries the dashboard starts from, computed in SQL from the base
 * tables once every row is staged. Kept apart from write.ts so the staging/ingest path and the summaries evolve
 * separately.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ARTICLE_FILTER_FIELDS,
  DERIVED_PARQUET_FILES,
  FILTER_CODE_COLUMNS,
  MAX_MASK_TOPICS,
  PARQUET_FILES,
  STANCE_CUBE_FIELDS,
  type FilterCodeField
} from '../lib/schema';
import { ORDER_BY, quoteLiteral } from './write';

/**
 * COPY options of the derived tables the dashboard downloads whole or by row group and whose columns are mostly row
 * numbers (text_row, stance_row, row ranges): Parquet's delta encodings (DELTA_BINARY_PACKED for integers), which
 * DuckDB writes only when asked. At 1M articles: article_facts 8.6 → 5.9 MB, stance_facts 7.8 → 4.0 MB,
 * article_rows 30.0 → 20.5 MB, and parquet-wasm decodes them faster (article_facts 264 → 218 ms); article_entities
 * below. DuckDB, Spark 3.3+, Trino and pyarrow read these encodings; the base tables keep the default ones.
 */
const ROW_NUMBER_OPTS = 'COMPRESSION zstd, PARQUET_VERSION V2';

/**
 * The derived tables of schema.ts (DERIVED_TABLES), computed in SQL from the base tables in `conn` (the pipeline's
 * staging database, or a test fixture's). Each is plain Parquet,
 * readable as is by DuckDB, Spark or Trino; docs/data-model.md documents them and README.md their layout.
 */
export async function writeDerivedTables(conn: DuckDBConnection, dir: string, opts: { textRows?: 'file' | 'order' } = {}): Promise<void> {
  const file = (t: keyof typeof DERIVED_PARQUET_FILES) => quoteLiteral(join(dir, DERIVED_PARQUET_FILES[t]));
  // A failure names its statement (an out-of-memory error in a big run then says where).
  const run = async (sql: string) => {
    try {
      await conn.run(sql);
    } catch (e) {
      throw new Error(`${(e as Error).message.split('\n')[0]} [in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 160)}]`, { cause: e });
    }
  };
  const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);

  // Topic bits: the i-th topic_id in byte order (schema.ts MAX_MASK_TOPICS); a topic outside topic_defs would have
  // no bit and silently vanish from topic filters, so it is an error.
  if ((await one('SELECT count(*) FROM topic_defs')) > MAX_MASK_TOPICS) {
    throw new Error(`More than ${MAX_MASK_TOPICS} topics: topic_mask cannot hold them`);
  }
  const orphan = await one('SELECT count(*) FROM topics WHERE topic_id NOT IN (SELECT topic_id FROM topic_defs)');
  if (orphan > 0) throw new Error(`${orphan} topic rows have a topic_id missing from topic_defs`);
  await run(`CREATE OR REPLACE TEMP TABLE d_bits AS
    SELECT topic_id, CAST(row_number() OVER (ORDER BY topic_id) - 1 AS BIGINT) AS bit FROM topic_defs`);
  await run(`CREATE OR REPLACE TEMP TABLE d_masks AS
    SELECT t.article_id, CAST(bit_or(CAST(1 AS BIGINT) << b.bit) AS BIGINT) AS topic_mask
    FROM (SELECT DISTINCT article_id, topic_id FROM topics) t JOIN d_bits b USING (topic_id)
    GROUP BY t.article_id`);

  // text_row: the article's row in articles.parquet, where the dashboard reads its text by row group. Read back from
  // the file (written before this runs), so it holds whatever order the writer chose; or, with textRows 'order', the
  // row number in ORDER_BY.articles order, for a caller that writes articles.parquet in that order (the pipeline,
  // while this runs).
  await run(
    opts.textRows === 'order'
      ? `CREATE OR REPLACE TEMP TABLE d_text_rows AS
          SELECT article_id, CAST(row_number() OVER (ORDER BY ${ORDER_BY.articles}) - 1 AS INTEGER) AS text_row FROM articles`
      : `CREATE OR REPLACE TEMP TABLE d_text_rows AS
          SELECT article_id, CAST(file_row_number AS INTEGER) AS text_row
          FROM read_parquet(${quoteLiteral(join(dir, PARQUET_FILES.articles))}, file_row_number = true)`
  );

  await run(`CREATE OR REPLACE TEMP TABLE d_facts AS
    SELECT a.article_id, CAST(a.date AS DATE) AS date, a.country, a.source_id, a.source_name, a.lang,
      coalesce(m.topic_mask, CAST(0 AS BIGINT)) AS topic_mask, x.text_row
    FROM articles a LEFT JOIN d_masks m USING (article_id) LEFT JOIN d_text_rows x USING (article_id)`);
  await run(`COPY (
      SELECT article_id, date, country, source_id, lang, topic_mask, text_row FROM d_facts
      ORDER BY date NULLS LAST, article_id
    ) TO ${file('article_facts')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  // The same rows for the cubes, without article_id and with country, source_id and lang as integer codes whose
  // values filter_codes lists (schema.ts ArticleFilterRow, FilterCodeRow): parquet-wasm turns every string cell into
  // a string of its own, and the cubes then coded them back to integers (~0.5 s per cube at 1M articles, in Node).
  // Codes per field in the value's order, NULL last; filter_codes is written below, with stance_cube's codes too.
  const codesOf = (fields: readonly FilterCodeField[], from: string) =>
    fields
      .map(
        (f) => `SELECT '${f}' AS field, CAST(row_number() OVER (ORDER BY ${f} NULLS LAST) - 1 AS INTEGER) AS code, ${f} AS value
          FROM (SELECT DISTINCT ${f} FROM ${from})`
      )
      .join(' UNION ALL ');
  const codeOf = (f: FilterCodeField, alias: string) =>
    `(SELECT code FROM d_codes WHERE field = '${f}' AND value IS NOT DISTINCT FROM ${alias}.${f}) AS ${FILTER_CODE_COLUMNS[f]}`;
  await run(`CREATE OR REPLACE TEMP TABLE d_codes AS ${codesOf(ARTICLE_FILTER_FIELDS, 'd_facts')}`);
  await run(`COPY (
      SELECT date, ${ARTICLE_FILTER_FIELDS.map((k) => codeOf(k, 'f')).join(', ')}, topic_mask, text_row
      FROM d_facts f ORDER BY date NULLS LAST, article_id
    ) TO ${file('article_filters')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  // Where each article's rows sit in articles/mentions/terms.parquet (row numbers read back from the written files),
  // so the reader fetches only the row groups holding one article's rows. A [min, max] range per article is right
  // whatever order a file was written in (it may then cover other articles' rows, which readers filter out).
  // One aggregate at a time into a temp table keyed by text_row (an integer): all four at once in one statement, with
  // article_id strings as keys, ran out of the 320 MB staging memory at 1M articles.
  const parquet = (t: 'mentions' | 'terms' | 'topics' | 'stances') =>
    `read_parquet(${quoteLiteral(join(dir, PARQUET_FILES[t]))}, file_row_number = true)`;
  // The text is read from articles.parquet: an article's row there is its text_row.
  await run(`CREATE OR REPLACE TEMP TABLE d_rows_articles AS SELECT text_row, text_row AS article_row FROM d_text_rows`);
  for (const t of ['mentions', 'terms'] as const) {
    await run(`CREATE OR REPLACE TEMP TABLE d_rows_${t} AS
      SELECT x.text_row, CAST(min(r.file_row_number) AS INTEGER) AS lo, CAST(max(r.file_row_number) + 1 AS INTEGER) AS hi
      FROM (SELECT article_id, file_row_number FROM ${parquet(t)}) r JOIN d_text_rows x USING (article_id) GROUP BY x.text_row`);
  }
  // topics/stances are sorted by topic/target first: an article's few rows are scattered, so each is listed.
  for (const t of ['topics', 'stances'] as const) {
    await run(`CREATE OR REPLACE TEMP TABLE d_rows_${t} AS
      SELECT x.text_row, list_sort(list(CAST(r.file_row_number AS INTEGER))) AS rows
      FROM (SELECT article_id, file_row_number FROM ${parquet(t)}) r JOIN d_text_rows x USING (article_id) GROUP BY x.text_row`);
  }
  await run(`COPY (
      SELECT a.text_row, a.article_row, m.lo AS mention_start, m.hi AS mention_end,
        t.lo AS term_start, t.hi AS term_end, tp.rows AS topic_rows, st.rows AS stance_rows
      FROM d_rows_articles a
      LEFT JOIN d_rows_mentions m USING (text_row)
      LEFT JOIN d_rows_terms t USING (text_row)
      LEFT JOIN d_rows_topics tp USING (text_row)
      LEFT JOIN d_rows_stances st USING (text_row)
      ORDER BY a.text_row
    ) TO ${file('article_rows')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 2048)`);
  await run('DROP TABLE d_rows_articles; DROP TABLE d_rows_mentions; DROP TABLE d_rows_terms; DROP TABLE d_rows_topics; DROP TABLE d_rows_stances');
  // The stance rows without their sentences, keyed by integers, in stances.parquet's order (target first, so one
  // target's rows are contiguous): the stance charts count from this and the evidence list fetches only the row
  // groups of stances.parquet holding the rows it shows (stance_row).
  await run(`COPY (
      SELECT CAST(s.file_row_number AS INTEGER) AS stance_row,
        CAST(row_number() OVER (ORDER BY s.stance_id) - 1 AS INTEGER) AS stance_no,
        x.text_row, s.target_kind, s.target_id, s.stance, s.score, s.confidence
      FROM (SELECT article_id, stance_id, target_kind, target_id, stance, score, confidence, file_row_number FROM ${parquet('stances')}) s
      JOIN d_text_rows x USING (article_id)
      ORDER BY stance_row
    ) TO ${file('stance_facts')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  // The same rows for the stance cube (schema.ts StanceCubeRow): in article order (the cube's own), its strings as
  // codes, without the row numbers it does not use.
  const stanceFacts = `read_parquet(${file('stance_facts')})`;
  await run(`INSERT INTO d_codes ${codesOf(STANCE_CUBE_FIELDS, stanceFacts)}`);
  await run(`COPY (
      SELECT text_row, ${STANCE_CUBE_FIELDS.map((k) => codeOf(k, 's')).join(', ')}, score, confidence
      FROM ${stanceFacts} s ORDER BY text_row, stance_row
    ) TO ${file('stance_cube')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  await run(`COPY (SELECT field, code, value FROM d_codes ORDER BY field, code) TO ${file('filter_codes')} (FORMAT parquet, COMPRESSION zstd)`);
  await run(`COPY (
      SELECT date, country, source_id, source_name, lang, topic_mask, CAST(count(*) AS INTEGER) AS articles
      FROM d_facts GROUP BY ALL
      ORDER BY date NULLS LAST, country NULLS LAST, source_id NULLS LAST, source_name NULLS LAST, lang, topic_mask
    ) TO ${file('article_counts')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  // Topic counts per week and per month (quarters and years are sums of months), exploded by topic_id, with a
  // topic_id NULL row per group holding every article (the share's denominator): the trends chart and the filter
  // options read this instead of bit-splitting article_counts. Month rows include undated articles (bucket NULL).
  await run(`COPY (
      SELECT step, bucket, country, source_id, source_name, lang, topic_id, CAST(count(*) AS INTEGER) AS articles,
        min(date) AS first_date, max(date) AS last_date
      FROM (
        SELECT s.step, f.date, f.country, f.source_id, f.source_name, f.lang, x.topic_id,
          CASE s.step WHEN 'week' THEN CAST(date_trunc('week', f.date) AS DATE) ELSE CAST(date_trunc('month', f.date) AS DATE) END AS bucket
        FROM d_facts f
        CROSS JOIN (VALUES ('week'), ('month')) s(step)
        LEFT JOIN (
          SELECT DISTINCT article_id, topic_id FROM topics
          UNION ALL SELECT article_id, CAST(NULL AS VARCHAR) FROM d_facts
        ) x USING (article_id)
        WHERE s.step = 'month' OR f.date IS NOT NULL
      )
      GROUP BY ALL
      ORDER BY step, bucket NULLS LAST, country NULLS LAST, source_id NULLS LAST, source_name NULLS LAST, lang, topic_id NULLS FIRST
    ) TO ${file('topic_buckets')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  // Distinctive terms as integers: term_dict numbers the distinct terms in byte order (so ordering by term_no is
  // ordering by term), term_facts holds every terms row as (text_row, term_no, score). Compare counts these instead of
  // `terms` (article_id and term strings): 10M rows at 1M articles that DuckDB-WASM loads and groups much faster.
  await run(`CREATE OR REPLACE TEMP TABLE d_term_dict AS
    SELECT term, CAST(row_number() OVER (ORDER BY term) - 1 AS INTEGER) AS term_no
    FROM (SELECT DISTINCT term FROM ${parquet('terms')} WHERE term IS NOT NULL)`);
  await run(`COPY (SELECT term_no, term FROM d_term_dict ORDER BY term_no)
    TO ${file('term_dict')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  // One row per (article, term): two counted forms of an article shown with the same word are one row, their scores
  // summed, so readers count articles with count(*) instead of count(DISTINCT).
  await run(`COPY (
      SELECT x.text_row, d.term_no, sum(t.score) AS score
      FROM (SELECT article_id, term, score FROM ${parquet('terms')}) t JOIN d_text_rows x USING (article_id) JOIN d_term_dict d USING (term)
      GROUP BY x.text_row, d.term_no
      ORDER BY x.text_row, d.term_no
    ) TO ${file('term_facts')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, ROW_GROUP_SIZE 122880)`);
  await run('DROP TABLE d_term_dict');
  await run(`CREATE OR REPLACE TEMP TABLE d_entities AS
    SELECT entity_id, CAST(count(DISTINCT article_id) AS INTEGER) AS articles,
      CAST(row_number() OVER (ORDER BY entity_id) - 1 AS INTEGER) AS entity_no
    FROM mentions GROUP BY entity_id`);
  await run(`COPY (SELECT entity_id, articles, entity_no FROM d_entities ORDER BY entity_id)
    TO ${file('entity_articles')} (FORMAT parquet, COMPRESSION zstd)`);
  // (article, entity) pairs as two integers, sorted by article: runs of one text_row compress to almost nothing once
  // delta-encoded. With ~15k distinct text_rows per row group DuckDB would pick a dictionary for it instead (and a
  // dictionary limit that keeps entity_no's is not stable across row groups), so no dictionaries here: at 1M
  // articles 16.9 → 9.6 MB (text_row 7.0 → 0.6 MB), and parquet-wasm decodes it in 136 ms instead of 284 (Node).
  await run(`COPY (
      SELECT DISTINCT x.text_row, e.entity_no
      FROM mentions m JOIN d_text_rows x USING (article_id) JOIN d_entities e USING (entity_id)
      ORDER BY x.text_row, e.entity_no
    ) TO ${file('article_entities')} (FORMAT parquet, ${ROW_NUMBER_OPTS}, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE 122880)`);
  await run('DROP TABLE d_facts; DROP TABLE d_text_rows; DROP TABLE d_masks; DROP TABLE d_bits; DROP TABLE d_entities');
}
