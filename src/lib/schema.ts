/**
 * The one contract between the preprocessing pipeline (Node) and the dashboard (browser).
 * Table names, column names and row types live here and nowhere else; docs/data-model.md explains them.
 *
 * Offsets (`start`, `end`, `*_start`, `*_end`) are UTF-16 code-unit indices into `articles.text`
 * (JavaScript string indices), half-open [start, end).
 */

export const SCHEMA_VERSION = 1;

export const TABLES = {
  articles: 'articles',
  mentions: 'mentions',
  topics: 'topics',
  stances: 'stances',
  entities: 'entities',
  topic_defs: 'topic_defs',
  terms: 'terms'
} as const;
export type TableName = keyof typeof TABLES;

/** Parquet files written by the pipeline, one per table, in the output folder. */
export const PARQUET_FILES: Record<TableName, string> = {
  articles: 'articles.parquet',
  mentions: 'mentions.parquet',
  topics: 'topics.parquet',
  stances: 'stances.parquet',
  entities: 'entities.parquet',
  topic_defs: 'topic_defs.parquet',
  terms: 'terms.parquet'
};
export const MANIFEST_FILE = 'manifest.json';
export const REJECTS_FILE = 'rejects.json';

export type Lang = 'fa' | 'ar' | 'en' | 'und';
export type DatePrecision = 'day' | 'month' | 'year';
export type DateOrigin = 'metadata' | 'header' | 'text' | 'none';
export type FieldOrigin = 'metadata' | 'byline' | 'none';
export type EntityKind = 'state' | 'un_body' | 'regional' | 'organisation' | 'person' | 'place';
export type StanceLabel = 'support' | 'oppose' | 'neutral';
export type TargetKind = 'topic' | 'entity';

export interface ArticleRow {
  /** Stable id: the input's own id when it has one, else a hash of file name + content. */
  article_id: string;
  /** The id exactly as the input gave it (JSONL/CSV `id`), or null. */
  input_id: string | null;
  /** Input file name (relative to the input root) and, for JSONL/CSV, the 1-based line/record number. */
  input_file: string;
  input_line: number | null;
  url: string | null;
  /** Source / country / lang / date exactly as the input metadata gave them (null when absent). */
  source_input: string | null;
  country_input: string | null;
  lang_input: string | null;
  date_input: string | null;
  /** Derived outlet: stable id and English display name ("Mehr News Agency"); null when unknown. */
  source_id: string | null;
  source_name: string | null;
  source_origin: FieldOrigin;
  /** ISO 3166-1 alpha-2 country of the outlet, or null. */
  country: string | null;
  country_origin: FieldOrigin;
  /** Language detected from the text. */
  lang: Lang;
  title: string;
  /** Display text: cleaned (boilerplate dropped, hard breaks unwrapped), paragraphs separated by "\n\n". */
  text: string;
  /** Publication date estimate (ISO yyyy-mm-dd, first day of the month/year for coarser precision) or null. */
  date: string | null;
  date_precision: DatePrecision | null;
  date_origin: DateOrigin;
  /** The text snippet or metadata value the date came from. */
  date_evidence: string | null;
  chars: number;
  n_sentences: number;
  /** sha256 (hex, first 16) of the normalised text, for duplicate detection. */
  content_hash: string;
}

export interface MentionRow {
  article_id: string;
  /** `${article_id}:m${n}` */
  mention_id: string;
  entity_id: string;
  kind: EntityKind;
  /** The matched text as it appears in `articles.text`. */
  surface: string;
  start: number;
  end: number;
  sentence_index: number;
  sentence_start: number;
  sentence_end: number;
}

export interface TopicRow {
  article_id: string;
  topic_id: string;
  /** Relevance in [0, 1]: grows with the number of distinct hits and their weight, damped by length. */
  score: number;
  hits: number;
  /** Distinct matched terms, "|"-joined, as written in the text. */
  matched_terms: string;
  /** The first hit and its sentence, for evidence. */
  first_start: number;
  first_end: number;
  sentence_start: number;
  sentence_end: number;
}

export interface StanceRow {
  article_id: string;
  /** `${article_id}:s${n}` */
  stance_id: string;
  target_kind: TargetKind;
  /** topic_id for topics, entity_id for entities. */
  target_id: string;
  stance: StanceLabel;
  /** In [-1, 1]: negative = oppose, positive = support. */
  score: number;
  /** In [0, 1]. */
  confidence: number;
  /** The cue phrase as written in the text, and where. */
  cue: string;
  cue_start: number;
  cue_end: number;
  /** The evidence sentence, copied, and where it sits in `articles.text`. */
  sentence: string;
  sentence_start: number;
  sentence_end: number;
  /** How many sentences backed this stance for this article and target. */
  n_evidence: number;
}

export interface EntityRow {
  entity_id: string;
  kind: EntityKind;
  label_en: string;
  label_fa: string | null;
  label_ar: string | null;
  /** ISO country code for states and for people/bodies tied to one state, else null. */
  country: string | null;
}

export interface TopicDefRow {
  topic_id: string;
  label_en: string;
  color: string;
  /** Whether this is one of the four topics the product is built around. */
  core: boolean;
}

export interface TermRow {
  article_id: string;
  term: string;
  score: number;
  rank: number;
}

export interface RejectRow {
  /** Input file, and line/record for JSONL/CSV. */
  input_file: string;
  input_line: number | null;
  input_id: string | null;
  reason: 'empty' | 'undecodable' | 'duplicate' | 'too_large' | 'malformed' | 'unsupported' | 'error';
  detail: string;
}

export interface Manifest {
  schema_version: number;
  taxonomy_version: string;
  generated_at: string;
  input: string;
  input_hash: string;
  run_ms: number;
  rows: Record<TableName, number>;
  rejects: number;
  rejects_by_reason: Record<string, number>;
  files: Record<TableName, string>;
  /**
   * Compressed bytes of the article text (the `text` column of articles.parquet). The article list searches the full
   * text only while this is small enough to load in a browser (filters.ts FULL_TEXT_SEARCH_MAX_BYTES). Absent in
   * folders written before it existed: the dashboard then reads it from the file's footer.
   */
  text_bytes?: number;
}

/** Column order per table, used by the writer and by tests. */
export const COLUMNS = {
  articles: [
    'article_id', 'input_id', 'input_file', 'input_line', 'url', 'source_input', 'country_input', 'lang_input',
    'date_input', 'source_id', 'source_name', 'source_origin', 'country', 'country_origin', 'lang', 'title', 'text',
    'date', 'date_precision', 'date_origin', 'date_evidence', 'chars', 'n_sentences', 'content_hash'
  ],
  mentions: [
    'article_id', 'mention_id', 'entity_id', 'kind', 'surface', 'start', 'end', 'sentence_index', 'sentence_start',
    'sentence_end'
  ],
  topics: [
    'article_id', 'topic_id', 'score', 'hits', 'matched_terms', 'first_start', 'first_end', 'sentence_start',
    'sentence_end'
  ],
  stances: [
    'article_id', 'stance_id', 'target_kind', 'target_id', 'stance', 'score', 'confidence', 'cue', 'cue_start',
    'cue_end', 'sentence', 'sentence_start', 'sentence_end', 'n_evidence'
  ],
  entities: ['entity_id', 'kind', 'label_en', 'label_fa', 'label_ar', 'country'],
  topic_defs: ['topic_id', 'label_en', 'color', 'core'],
  terms: ['article_id', 'term', 'score', 'rank']
} as const satisfies Record<TableName, readonly string[]>;

/** DuckDB column types per table (the writer creates tables with these). */
export const SQL_TYPES: Record<TableName, Record<string, string>> = {
  articles: {
    article_id: 'VARCHAR', input_id: 'VARCHAR', input_file: 'VARCHAR', input_line: 'INTEGER', url: 'VARCHAR',
    source_input: 'VARCHAR', country_input: 'VARCHAR', lang_input: 'VARCHAR', date_input: 'VARCHAR',
    source_id: 'VARCHAR', source_name: 'VARCHAR', source_origin: 'VARCHAR', country: 'VARCHAR',
    country_origin: 'VARCHAR', lang: 'VARCHAR', title: 'VARCHAR', text: 'VARCHAR', date: 'DATE',
    date_precision: 'VARCHAR', date_origin: 'VARCHAR', date_evidence: 'VARCHAR', chars: 'INTEGER',
    n_sentences: 'INTEGER', content_hash: 'VARCHAR'
  },
  mentions: {
    article_id: 'VARCHAR', mention_id: 'VARCHAR', entity_id: 'VARCHAR', kind: 'VARCHAR', surface: 'VARCHAR',
    start: 'INTEGER', end: 'INTEGER', sentence_index: 'INTEGER', sentence_start: 'INTEGER', sentence_end: 'INTEGER'
  },
  topics: {
    article_id: 'VARCHAR', topic_id: 'VARCHAR', score: 'DOUBLE', hits: 'INTEGER', matched_terms: 'VARCHAR',
    first_start: 'INTEGER', first_end: 'INTEGER', sentence_start: 'INTEGER', sentence_end: 'INTEGER'
  },
  stances: {
    article_id: 'VARCHAR', stance_id: 'VARCHAR', target_kind: 'VARCHAR', target_id: 'VARCHAR', stance: 'VARCHAR',
    score: 'DOUBLE', confidence: 'DOUBLE', cue: 'VARCHAR', cue_start: 'INTEGER', cue_end: 'INTEGER',
    sentence: 'VARCHAR', sentence_start: 'INTEGER', sentence_end: 'INTEGER', n_evidence: 'INTEGER'
  },
  entities: {
    entity_id: 'VARCHAR', kind: 'VARCHAR', label_en: 'VARCHAR', label_fa: 'VARCHAR', label_ar: 'VARCHAR',
    country: 'VARCHAR'
  },
  topic_defs: { topic_id: 'VARCHAR', label_en: 'VARCHAR', color: 'VARCHAR', core: 'BOOLEAN' },
  terms: { article_id: 'VARCHAR', term: 'VARCHAR', score: 'DOUBLE', rank: 'INTEGER' }
};

export type RowOf = {
  articles: ArticleRow;
  mentions: MentionRow;
  topics: TopicRow;
  stances: StanceRow;
  entities: EntityRow;
  topic_defs: TopicDefRow;
  terms: TermRow;
};

// ---------------------------------------------------------------------------------------------------------------
// Derived tables: written by the pipeline after every row is staged (src/pipeline/write.ts), computed with SQL from
// the tables above. They make the dashboard fast at scale: the browser starts from `topic_buckets` (weekly/monthly
// counts, well under 1 MB at 1M articles), loads `article_counts` on first use, and reads the big tables only when a view needs them; article text is read by HTTP range, one row group
// at a time. Every value here can be recomputed from the base tables, so they carry no new facts.

export const DERIVED_TABLES = {
  article_rows: 'article_rows',
  article_facts: 'article_facts',
  article_filters: 'article_filters',
  filter_codes: 'filter_codes',
  stance_cube: 'stance_cube',
  article_counts: 'article_counts',
  entity_articles: 'entity_articles',
  article_entities: 'article_entities',
  topic_buckets: 'topic_buckets',
  stance_facts: 'stance_facts',
  term_facts: 'term_facts',
  term_dict: 'term_dict'
} as const;
export type DerivedTableName = keyof typeof DERIVED_TABLES;

export const DERIVED_PARQUET_FILES: Record<DerivedTableName, string> = {
  article_rows: 'article_rows.parquet',
  article_facts: 'article_facts.parquet',
  article_filters: 'article_filters.parquet',
  filter_codes: 'filter_codes.parquet',
  stance_cube: 'stance_cube.parquet',
  article_counts: 'article_counts.parquet',
  entity_articles: 'entity_articles.parquet',
  article_entities: 'article_entities.parquet',
  topic_buckets: 'topic_buckets.parquet',
  stance_facts: 'stance_facts.parquet',
  term_facts: 'term_facts.parquet',
  term_dict: 'term_dict.parquet'
};

/**
 * Bit `i` of a `topic_mask` stands for the i-th topic_id of `topic_defs` in byte order (0-based), so a mask is only
 * meaningful next to the topic_defs of the same run. At most 63 topics (the pipeline refuses more).
 */
export const MAX_MASK_TOPICS = 63;

/** One row per article: the filter-bar columns, the topics as a bit mask, and where its text sits. */
export interface ArticleFactRow {
  article_id: string;
  date: string | null;
  country: string | null;
  source_id: string | null;
  lang: Lang;
  /** Topics present (see MAX_MASK_TOPICS for the bit order). */
  topic_mask: number;
  /** 0-based row number of the article in articles.parquet (where its text is read from). */
  text_row: number;
}

/**
 * The string columns that article_filters (of article_facts) and stance_cube (of stance_facts) store as integer codes,
 * whose values filter_codes lists, and the code column of each.
 */
export const FILTER_CODE_FIELDS = ['country', 'source_id', 'lang', 'target_kind', 'target_id', 'stance'] as const;
export type FilterCodeField = (typeof FILTER_CODE_FIELDS)[number];
export const FILTER_CODE_COLUMNS: Record<FilterCodeField, string> = {
  country: 'country_code',
  source_id: 'source_code',
  lang: 'lang_code',
  target_kind: 'target_kind_code',
  target_id: 'target_id_code',
  stance: 'stance_code'
};
/** The coded fields of each table. */
export const ARTICLE_FILTER_FIELDS = ['country', 'source_id', 'lang'] as const satisfies readonly FilterCodeField[];
export const STANCE_CUBE_FIELDS = ['target_kind', 'target_id', 'stance'] as const satisfies readonly FilterCodeField[];

/**
 * article_facts for the cubes (stance, co-mentions, Compare), which key articles by text_row: the same rows in the
 * same order, without article_id, and with country, source_id and lang as integer codes (filter_codes gives their
 * values). parquet-wasm decodes every column of a file, and every string cell into a string of its own: at 1M articles
 * this file is 2.1 MB (article_facts 5.9) and decodes in ~50 ms in Node (article_facts ~220 ms, and its three string
 * columns then took ~240 ms more to turn back into codes).
 */
export interface ArticleFilterRow {
  date: string | null;
  /** filter_codes.code of field 'country' (NULL countries have a code too). */
  country_code: number;
  source_code: number;
  lang_code: number;
  topic_mask: number;
  text_row: number;
}

/**
 * stance_facts for the stance cube: the same rows, in article order (text_row, then stance_row), without stance_row
 * and stance_no, and with target_kind, target_id and stance as integer codes (filter_codes). At 1M articles 2.0 MB
 * against 4.0, decoded by parquet-wasm in ~50 ms against ~290 ms cold (Node), with no string to code again.
 */
export interface StanceCubeRow {
  text_row: number;
  target_kind_code: number;
  target_id_code: number;
  stance_code: number;
  score: number;
  confidence: number;
}

/**
 * The values behind the codes of article_filters and stance_cube: one row per (field, code), codes 0, 1, 2, … per
 * field in the value's order, NULL last. `SELECT … FROM article_filters f JOIN filter_codes c ON c.field = 'country'
 * AND c.code = f.country_code` gives back article_facts' country.
 */
export interface FilterCodeRow {
  field: FilterCodeField;
  code: number;
  value: string | null;
}

/**
 * Where one article's rows sit in the per-article Parquet files, so the dashboard reads only the row groups holding
 * them (by HTTP range) instead of whole tables: one row per article, sorted by `text_row`, small row groups. Ranges
 * are 0-based file row numbers, half-open `[start, end)`, read back from the written files; a range may also hold
 * other articles' rows (readers filter by article_id), never miss one of this article's. NULL: the article has no
 * such rows.
 */
export interface ArticleRowsRow {
  /** article_facts.text_row: the article's row in articles.parquet (the key of this table). */
  text_row: number;
  /** The article's row in articles.parquet. */
  article_row: number;
  mention_start: number | null;
  mention_end: number | null;
  term_start: number | null;
  term_end: number | null;
  /** The article's rows in topics.parquet / stances.parquet (sorted by topic / target first, so scattered), ascending. */
  topic_rows: number[] | null;
  stance_rows: number[] | null;
}

/**
 * Tables the browser holds only in part, named `<table>__rows`: the row groups of `<table>`'s file that hold the rows
 * a query declares (BoundQuery.parts). Only per-article queries that declare their rows may read them; a query over a
 * whole table reads the whole table under its own name, never one of these. On Node they are plain views of the
 * whole table (the same SQL gives the same answer, since declared rows are all the query can see).
 */
export const PARTIAL_TABLES = {
  articles__rows: 'articles',
  mentions__rows: 'mentions',
  terms__rows: 'terms',
  topics__rows: 'topics',
  stances__rows: 'stances',
  article_rows__rows: 'article_rows'
} as const satisfies Record<string, TableName | DerivedTableName>;
export type PartialTableName = keyof typeof PARTIAL_TABLES;

/**
 * `article_titles`: `article_id, title` of every article (the `title` column of articles.parquet alone), for the
 * titles-only search of a corpus whose text is too big to load whole in the browser.
 */
export const ARTICLE_TITLES = 'article_titles';

/**
 * `article_text`: `article_id, text` of the articles (the `text` column of articles.parquet, whose row groups hold
 * 2,048 articles): the browser fetches the row groups holding the rows a query declares (BoundQuery.text), so it never
 * loads the whole text but for a full-text search. The text is stored once, in articles.parquet.
 */
export const ARTICLE_TEXT = 'article_text';

/**
 * Article counts per distinct (date, country, source, lang, topic set): every shared filter (date range, countries,
 * sources, languages, topics) and every per-article count of the overview, trends and option lists is a sum over it.
 */
export interface ArticleCountRow {
  date: string | null;
  country: string | null;
  source_id: string | null;
  /** The outlet's display name (one per source_id). */
  source_name: string | null;
  lang: Lang;
  topic_mask: number;
  articles: number;
}

/** Articles mentioning each entity, over the whole run (the entity option list). */
export interface EntityArticlesRow {
  entity_id: string;
  articles: number;
  /** The entity's number in `article_entities`: 0-based position among the mentioned entities in entity_id order. */
  entity_no: number;
}

/**
 * Which entities each article mentions: one row per (article, entity) pair, however often the article names it, with
 * both sides as small integers (the article's text_row, the entity's entity_no from entity_articles). Co-mention
 * matrices and per-country actor counts read this instead of `mentions` (~8M pairs vs ~13M mention rows with their
 * strings at 1M articles, which DuckDB-WASM could not hold).
 */
export interface ArticleEntityRow {
  text_row: number;
  entity_no: number;
}

/**
 * The stance rows without their text: what the stance charts count (target, label, score, confidence) keyed by
 * integers, so the stance page and Compare never load the evidence sentences or join on article_id strings. One row
 * per row of stances.parquet, in its order (target first).
 */
export interface StanceFactRow {
  /** The row's 0-based row in stances.parquet: the evidence list reads only the row groups holding its rows. */
  stance_row: number;
  /** Rank of the row's stance_id in byte order (0-based): the evidence list's last tie-break, as an integer. */
  stance_no: number;
  /** The article's text_row (as in article_facts). */
  text_row: number;
  target_kind: TargetKind;
  target_id: string;
  stance: StanceLabel;
  score: number;
  confidence: number;
}

/**
 * One row per (article, term) of `terms`, as integers: the article's text_row, the term's number in term_dict, and
 * the score (summed in the rare case of two counted forms shown with the same word).
 */
export interface TermFactRow {
  text_row: number;
  term_no: number;
  score: number;
}
/** The distinct terms of `terms`, numbered in byte order (0-based): ordering by term_no is ordering by term. */
export interface TermDictRow {
  term_no: number;
  term: string;
}

/**
 * Articles per week and per month (quarters and years are sums of months) × country × source × lang × topic: the
 * trends chart and the filter options at start-up read this instead of splitting `article_counts` by topic bit.
 * `topic_id` NULL rows count every article of the group (the share's denominator); month rows with `bucket` NULL
 * count the undated articles. A date range that cuts a week or month is completed from `article_counts`.
 */
export interface TopicBucketRow {
  step: 'week' | 'month';
  /** First day of the week (Monday, ISO) or month; NULL for undated articles (month rows only). */
  bucket: string | null;
  country: string | null;
  source_id: string | null;
  source_name: string | null;
  lang: Lang;
  /** NULL: every article of the group, whatever its topics. */
  topic_id: string | null;
  articles: number;
  /** Earliest and latest article date in the group (the date-range bounds of the filter bar). */
  first_date: string | null;
  last_date: string | null;
}

export const DERIVED_COLUMNS = {
  article_rows: ['text_row', 'article_row', 'mention_start', 'mention_end', 'term_start', 'term_end', 'topic_rows', 'stance_rows'],
  article_facts: ['article_id', 'date', 'country', 'source_id', 'lang', 'topic_mask', 'text_row'],
  article_filters: ['date', 'country_code', 'source_code', 'lang_code', 'topic_mask', 'text_row'],
  filter_codes: ['field', 'code', 'value'],
  stance_cube: ['text_row', 'target_kind_code', 'target_id_code', 'stance_code', 'score', 'confidence'],
  article_counts: ['date', 'country', 'source_id', 'source_name', 'lang', 'topic_mask', 'articles'],
  entity_articles: ['entity_id', 'articles', 'entity_no'],
  article_entities: ['text_row', 'entity_no'],
  topic_buckets: ['step', 'bucket', 'country', 'source_id', 'source_name', 'lang', 'topic_id', 'articles', 'first_date', 'last_date'],
  stance_facts: ['stance_row', 'stance_no', 'text_row', 'target_kind', 'target_id', 'stance', 'score', 'confidence'],
  term_facts: ['text_row', 'term_no', 'score'],
  term_dict: ['term_no', 'term']
} as const satisfies Record<DerivedTableName, readonly string[]>;

export type DerivedRowOf = {
  article_rows: ArticleRowsRow;
  article_facts: ArticleFactRow;
  article_filters: ArticleFilterRow;
  filter_codes: FilterCodeRow;
  stance_cube: StanceCubeRow;
  article_counts: ArticleCountRow;
  entity_articles: EntityArticlesRow;
  article_entities: ArticleEntityRow;
  topic_buckets: TopicBucketRow;
  stance_facts: StanceFactRow;
  term_facts: TermFactRow;
  term_dict: TermDictRow;
};
