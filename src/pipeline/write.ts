/**
 * Writes the tables to Parquet with native DuckDB, into a temporary folder that replaces the output folder only
 * once everything is written: a failed run never leaves half-written output behind.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { COLUMNS, DERIVED_PARQUET_FILES, MAX_MASK_TOPICS, PARQUET_FILES, SQL_TYPES, TABLES, type TableName } from '../lib/schema';

/**
 * Sort keys chosen so that readers can prune row groups by their min/max statistics: articles by date (date-range
 * filters), per-article tables by article_id (one article's rows sit in one row group), topics/stances by their
 * target first (one topic's or one UN body's rows are contiguous).
 */
const ORDER_BY: Record<TableName, string> = {
  articles: 'date NULLS LAST, article_id',
  mentions: 'article_id, start',
  topics: 'topic_id, article_id',
  stances: 'target_id, article_id',
  entities: 'entity_id',
  topic_defs: 'topic_id',
  terms: 'article_id, rank'
};

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** DATE columns are staged as VARCHAR (ISO) and cast on export; the appender's date type needs day numbers. */
function stagingType(t: string): string {
  return t === 'DATE' ? 'VARCHAR' : t;
}

/**
 * The Parquet writer holds a whole row group in memory: 100,000 articles with their text are ~350 MB, which broke
 * the 512 MB staging limit at 100k articles. Row groups are capped by rows and by bytes.
 */
const ROW_GROUP_ROWS: Record<TableName, number> = {
  articles: 16384,
  mentions: 122880,
  topics: 122880,
  stances: 61440,
  entities: 122880,
  topic_defs: 122880,
  terms: 122880
};

/** Rows are staged in a disk-backed DuckDB database with this memory limit: big runs spill, RSS stays flat. */
const STAGING_MEMORY = process.env.EM_STAGING_MEMORY ?? '512MB';

export class TableWriter {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly appenders: Map<TableName | 'term_cands', DuckDBAppender>,
    private readonly counts: Record<TableName, number>,
    private readonly stageDir: string
  ) {}

  static async open(): Promise<TableWriter> {
    const stageDir = mkdtempSync(join(tmpdir(), 'em-stage-'));
    const db = await DuckDBInstance.create(join(stageDir, 'stage.duckdb'), {
      memory_limit: STAGING_MEMORY,
      temp_directory: join(stageDir, 'spill'),
      preserve_insertion_order: 'false'
    });
    const conn = await db.connect();
    const appenders = new Map<TableName | 'term_cands', DuckDBAppender>();
    const counts = {} as Record<TableName, number>;
    for (const t of Object.keys(TABLES) as TableName[]) {
      const cols = COLUMNS[t].map((c) => `${quoteIdent(c)} ${stagingType(SQL_TYPES[t][c])}`).join(', ');
      await conn.run(`CREATE TABLE ${quoteIdent(t)} (${cols})`);
      if (t !== 'terms') appenders.set(t, await conn.createAppender(t));
      counts[t] = 0;
    }
    await conn.run('CREATE TABLE term_cands (article_id VARCHAR, key VARCHAR, n INTEGER, surface VARCHAR, len INTEGER)');
    appenders.set('term_cands', await conn.createAppender('term_cands'));
    return new TableWriter(db, conn, appenders, counts, stageDir);
  }

  /** One candidate word of an article for the distinctive-terms table (scored at the end, when df is known). */
  appendTermCandidate(articleId: string, key: string, n: number, surface: string, len: number): void {
    const a = this.appenders.get('term_cands')!;
    a.appendVarchar(articleId);
    a.appendVarchar(key);
    a.appendInteger(n);
    a.appendVarchar(surface);
    a.appendInteger(len);
    a.endRow();
  }

  /**
   * TF-IDF over the whole run: tf = count / article length, idf = ln((1 + N) / (1 + df) + 1); words in more than half
   * of the articles are not distinctive. Keeps the top `perArticle` per article.
   */
  async finishTerms(df: Map<string, number>, nArticles: number, perArticle: number): Promise<void> {
    this.appenders.get('term_cands')!.closeSync();
    this.appenders.delete('term_cands');
    await this.conn.run('CREATE TABLE term_df (key VARCHAR, df INTEGER)');
    const a = await this.conn.createAppender('term_df');
    for (const [k, v] of df) {
      a.appendVarchar(k);
      a.appendInteger(v);
      a.endRow();
    }
    a.closeSync();
    const n = Math.max(0, Math.floor(nArticles));
    const maxDf = n < 4 ? Number.MAX_SAFE_INTEGER : Math.max(2, n * 0.5);
    await this.conn.run(`
      INSERT INTO terms
      SELECT article_id, surface AS term, round(score, 5) AS score, rank FROM (
        SELECT c.article_id, c.surface, (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) AS score,
               row_number() OVER (PARTITION BY c.article_id ORDER BY (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) DESC, c.key) AS rank
        FROM term_cands c JOIN term_df d USING (key)
        WHERE d.df < ${maxDf}
      ) WHERE rank <= ${Math.floor(perArticle)}`);
    const r = await this.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM terms');
    this.counts.terms = Number(r.getRows()[0][0]);
    await this.conn.run('DROP TABLE term_cands; DROP TABLE term_df');
  }

  append<T extends TableName>(table: T, row: object): void {
    const a = this.appenders.get(table)!;
    const r = row as Record<string, unknown>;
    for (const c of COLUMNS[table]) {
      const v = r[c];
      const type = SQL_TYPES[table][c];
      if (v === null || v === undefined) a.appendNull();
      else if (type === 'INTEGER') a.appendInteger(v as number);
      else if (type === 'DOUBLE') a.appendDouble(v as number);
      else if (type === 'BOOLEAN') a.appendBoolean(Boolean(v));
      else a.appendVarchar(String(v));
    }
    a.endRow();
    this.counts[table]++;
  }

  get rowCounts(): Record<TableName, number> {
    return { ...this.counts };
  }

  /** Flushes, writes one Parquet file per table into `dir`. */
  async writeParquet(dir: string): Promise<void> {
    for (const a of this.appenders.values()) a.closeSync();
    for (const t of Object.keys(TABLES) as TableName[]) {
      const select = COLUMNS[t]
        .map((c) => (SQL_TYPES[t][c] === 'DATE' ? `CAST(${quoteIdent(c)} AS DATE) AS ${quoteIdent(c)}` : quoteIdent(c)))
        .join(', ');
      const file = join(dir, PARQUET_FILES[t]);
      await this.conn.run(
        `COPY (SELECT ${select} FROM ${quoteIdent(t)} ORDER BY ${ORDER_BY[t]}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS[t]}, ROW_GROUP_SIZE_BYTES '32MB')`
      );
    }
    await this.writeDerived(dir);
  }

  /** The derived tables (schema.ts DERIVED_TABLES), once every row is staged. */
  async writeDerived(dir: string): Promise<void> {
    await writeDerivedTables(this.conn, dir);
  }

  close(): void {
    try {
      this.conn.closeSync();
      this.db.closeSync();
    } finally {
      rmSync(this.stageDir, { recursive: true, force: true });
    }
  }
}

/**
 * The derived tables of schema.ts (DERIVED_TABLES), computed in SQL from the base tables in `conn` (the pipeline's
 * staging database, or a test fixture's). Each is plain Parquet,
 * readable as is by DuckDB, Spark or Trino; docs/data-model.md documents them and README.md their layout.
 */
export async function writeDerivedTables(conn: DuckDBConnection, dir: string): Promise<void> {
  const file = (t: keyof typeof DERIVED_PARQUET_FILES) => quoteLiteral(join(dir, DERIVED_PARQUET_FILES[t]));
  const run = (sql: string) => conn.run(sql);
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

  // Text alone, in the articles' order, in small row groups (2,048 rows: DuckDB rounds smaller sizes up to its
  // vector size): the dashboard reads one row group by HTTP range to show an article or a list page.
  await run(`COPY (SELECT article_id, text FROM articles ORDER BY ${ORDER_BY.articles})
    TO ${file('article_text')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`);
  // Row numbers read back from the file itself, so they hold whatever order or row groups the writer chose.
  await run(`CREATE OR REPLACE TEMP TABLE d_text_rows AS
    SELECT article_id, CAST(file_row_number AS INTEGER) AS text_row
    FROM read_parquet(${file('article_text')}, file_row_number = true)`);

  await run(`CREATE OR REPLACE TEMP TABLE d_facts AS
    SELECT a.article_id, CAST(a.date AS DATE) AS date, a.country, a.source_id, a.source_name, a.lang,
      coalesce(m.topic_mask, CAST(0 AS BIGINT)) AS topic_mask, x.text_row
    FROM articles a LEFT JOIN d_masks m USING (article_id) LEFT JOIN d_text_rows x USING (article_id)`);
  await run(`COPY (
      SELECT article_id, date, country, source_id, lang, topic_mask, text_row FROM d_facts
      ORDER BY date NULLS LAST, article_id
    ) TO ${file('article_facts')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  await run(`COPY (
      SELECT date, country, source_id, source_name, lang, topic_mask, CAST(count(*) AS INTEGER) AS articles
      FROM d_facts GROUP BY ALL
      ORDER BY date NULLS LAST, country NULLS LAST, source_id NULLS LAST, source_name NULLS LAST, lang, topic_mask
    ) TO ${file('article_counts')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  await run(`COPY (
      SELECT entity_id, CAST(count(DISTINCT article_id) AS INTEGER) AS articles FROM mentions
      GROUP BY entity_id ORDER BY entity_id
    ) TO ${file('entity_articles')} (FORMAT parquet, COMPRESSION zstd)`);
  await run('DROP TABLE d_facts; DROP TABLE d_text_rows; DROP TABLE d_masks; DROP TABLE d_bits');
}


/** A sibling temp folder for the output; `commit` swaps it into place, `abort` removes it. */
export class AtomicDir {
  readonly tmp: string;
  constructor(readonly target: string) {
    const abs = resolve(target);
    mkdirSync(dirname(abs), { recursive: true });
    this.tmp = join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}-${Date.now()}`);
    mkdirSync(this.tmp, { recursive: true });
  }

  writeFile(name: string, data: string): void {
    writeFileSync(join(this.tmp, name), data);
  }

  commit(): void {
    const abs = resolve(this.target);
    let old: string | null = null;
    if (existsSync(abs)) {
      if (!statSync(abs).isDirectory()) throw new Error(`Output ${abs} exists and is not a folder`);
      old = `${abs}.old-${process.pid}-${Date.now()}`;
      renameSync(abs, old);
    }
    renameSync(this.tmp, abs);
    if (old) rmSync(old, { recursive: true, force: true });
  }

  abort(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
