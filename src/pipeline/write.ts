/**
 * Writes the tables to Parquet with native DuckDB, into a temporary folder that replaces the output folder only
 * once everything is written: a failed run never leaves half-written output behind.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { writeDerivedTables } from './derived';
import { COLUMNS, PARQUET_FILES, SQL_TYPES, TABLES, type TableName } from '../lib/schema';

/**
 * Sort keys chosen so that readers can prune row groups by their min/max statistics: articles by date (date-range
 * filters), per-article tables by article_id (one article's rows sit in one row group), topics/stances by their
 * target first (one topic's or one UN body's rows are contiguous).
 */
export const ORDER_BY: Record<TableName, string> = {
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
export function quoteLiteral(s: string): string {
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
