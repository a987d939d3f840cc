/**
 * Writes the tables to Parquet with native DuckDB, into a temporary folder that replaces the output folder only
 * once everything is written: a failed run never leaves half-written output behind.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, existsSync, writeFileSync, writeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { writeDerivedTables } from './derived';
import { COLUMNS, DERIVED_PARQUET_FILES, PARQUET_FILES, SQL_TYPES, TABLES, type TableName } from '../lib/schema';
import { stagedFile, type StagedName } from './worker';

/**
 * Sort keys chosen so that readers can prune row groups by their min/max statistics: articles by date (date-range
 * filters), per-article tables by article_id (one article's rows sit in one row group), topics/stances by their
 * target first (one topic's or one UN body's rows are contiguous).
 */
export const ORDER_BY: Record<TableName, string> = {
  articles: 'date NULLS LAST, article_id',
  mentions: 'article_id, start, mention_id',
  topics: 'topic_id, article_id',
  stances: 'target_id, article_id, stance_id',
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

/**
 * articles.parquet is written in order without a sort (order preserved), where DuckDB allows no byte cap: 4,096
 * articles of ~4 KB are ~16 MB per row group.
 */
const ARTICLE_ROW_GROUP_ROWS = 4096;

/** Rows are staged in a disk-backed DuckDB database with this memory limit: big runs spill, RSS stays flat. */
const STAGING_MEMORY = process.env.EM_STAGING_MEMORY ?? '320MB';
const STAGING_THREADS = process.env.EM_STAGING_THREADS ?? '2';

/** Tables written by the workers as newline-delimited JSON (worker.ts RowSink), ingested here in bulk. */
const STAGED_TABLES = ['articles', 'mentions', 'topics', 'stances'] as const;

function jsonColumns(t: TableName, extra: Record<string, string> = {}): string {
  const cols = { _o: 'BIGINT', ...Object.fromEntries(COLUMNS[t].map((c) => [c, stagingType(SQL_TYPES[t][c])])), ...extra };
  return `{${Object.entries(cols).map(([c, ty]) => `${quoteLiteral(c)}: ${quoteLiteral(ty)}`).join(', ')}}`;
}
function fileList(files: string[]): string {
  return `[${files.map(quoteLiteral).join(', ')}]`;
}
/** An article line holds at most MAX_ARTICLE_CHARS of text (≤ 3 MB in UTF-8) plus metadata; DuckDB reserves twice this per reader buffer. */
const JSON_OPTS = "format = 'newline_delimited', maximum_object_size = 16777216";

export class TableWriter {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly appenders: Map<TableName, DuckDBAppender>,
    private readonly counts: Record<TableName, number>,
    readonly stageDir: string
  ) {}

  static async open(): Promise<TableWriter> {
    const stageDir = mkdtempSync(join(tmpdir(), 'em-stage-'));
    const db = await DuckDBInstance.create(join(stageDir, 'stage.duckdb'), {
      memory_limit: STAGING_MEMORY,
      threads: STAGING_THREADS,
      temp_directory: join(stageDir, 'spill'),
      preserve_insertion_order: 'false'
    });
    const conn = await db.connect();
    const appenders = new Map<TableName, DuckDBAppender>();
    const counts = {} as Record<TableName, number>;
    for (const t of Object.keys(TABLES) as TableName[]) {
      counts[t] = 0;
      if ((STAGED_TABLES as readonly string[]).includes(t) || t === 'terms') continue;
      const cols = COLUMNS[t].map((c) => `${quoteIdent(c)} ${stagingType(SQL_TYPES[t][c])}`).join(', ');
      await conn.run(`CREATE TABLE ${quoteIdent(t)} (${cols})`);
      appenders.set(t, await conn.createAppender(t));
    }
    return new TableWriter(db, conn, appenders, counts, stageDir);
  }

  /** Runs a statement; a failure names the statement, so an out-of-memory error in a big run says where. */
  private async run(sql: string): Promise<void> {
    try {
      await this.conn.run(sql);
    } catch (e) {
      const what = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
      throw new Error(`${(e as Error).message.split('\n')[0]} [in: ${what}]`, { cause: e });
    }
  }

  private async count(t: string): Promise<number> {
    return Number((await this.conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdent(t)}`)).getRows()[0][0]);
  }

  /**
   * Ingests the rows that `nSinks` RowSinks wrote to the staging folder, without the articles whose ordinal is in
   * `dupOrds` (duplicates found by the main thread). `articles` is staged without its text (`_o` kept): the text is
   * written straight from the staged JSON in sorted order (writeParquet), so no sort ever carries it.
   */
  async loadStaged(nSinks: number, dupOrds: number[]): Promise<void> {
    const files = (name: StagedName | 'articles_idx' | 'df') => Array.from({ length: nSinks }, (_, i) => stagedFile(this.stageDir, name, i));
    await this.run('CREATE TABLE dups (o BIGINT)');
    const d = await this.conn.createAppender('dups');
    for (const o of dupOrds) {
      d.appendBigInt(BigInt(o));
      d.endRow();
    }
    d.closeSync();
    const keep = 'WHERE _o NOT IN (SELECT o FROM dups)';
    for (const t of STAGED_TABLES) {
      const cols = COLUMNS[t].map((c) => (t === 'articles' && c === 'text' ? 'CAST(NULL AS VARCHAR) AS text' : quoteIdent(c)));
      const extra = t === 'articles' ? ['_o'] : [];
      const jsonCols = t === 'articles' ? jsonColumns(t, { text: 'VARCHAR' }) : jsonColumns(t);
      await this.run(`CREATE TABLE ${quoteIdent(t)} AS SELECT ${[...cols, ...extra].join(', ')}
        FROM read_json(${fileList(files(t))}, ${JSON_OPTS}, columns = ${jsonCols}) ${keep}`);
      this.counts[t] = await this.count(t);
    }
    const idx = files('articles_idx')
      .map((f, i) => `SELECT ${i} AS w, * FROM read_csv(${quoteLiteral(f)}, header = false, auto_detect = false, delim = ',', columns = {'o': 'BIGINT', 'off': 'DOUBLE', 'len': 'INTEGER'})`)
      .join(' UNION ALL ');
    await this.run(`CREATE TABLE articles_idx AS SELECT * FROM (${idx}) WHERE o NOT IN (SELECT o FROM dups)`);
    await this.run(`CREATE TABLE term_cands AS SELECT article_id, len, unnest(c, recursive := true)
      FROM read_json(${fileList(files('term_cands'))}, ${JSON_OPTS},
        columns = {'_o': 'BIGINT', 'article_id': 'VARCHAR', 'len': 'INTEGER', 'c': 'STRUCT(k VARCHAR, n INTEGER, s VARCHAR)[]'}) ${keep}`);
    await this.run(`CREATE TABLE term_df AS SELECT key, CAST(sum(df) AS INTEGER) AS df
      FROM read_csv(${fileList(files('df'))}, header = false, auto_detect = false, delim = ',', columns = {'key': 'VARCHAR', 'df': 'INTEGER'})
      GROUP BY key`);
    for (const name of ['mentions', 'topics', 'stances', 'term_cands', 'df'] as const) for (const f of files(name)) rmSync(f, { force: true });
  }

  /**
   * TF-IDF over the whole run: tf = count / article length, idf = ln((1 + N) / (1 + df) + 1); words in more than half
   * of the articles are not distinctive. Keeps the top `perArticle` per article.
   */
  async finishTerms(nArticles: number, perArticle: number): Promise<void> {
    const n = Math.max(0, Math.floor(nArticles));
    const maxDf = n < 4 ? Number.MAX_SAFE_INTEGER : Math.max(2, n * 0.5);
    await this.run(`
      CREATE TABLE terms AS
      SELECT article_id, s AS term, round(score, 5) AS score, CAST(rank AS INTEGER) AS rank FROM (
        SELECT c.article_id, c.s, (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) AS score,
               row_number() OVER (PARTITION BY c.article_id ORDER BY (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) DESC, c.k) AS rank
        FROM term_cands c JOIN term_df d ON c.k = d.key
        WHERE d.df < ${maxDf}
      ) WHERE rank <= ${Math.floor(perArticle)}`);
    this.counts.terms = await this.count('terms');
    await this.run('DROP TABLE term_cands; DROP TABLE term_df');
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

  /**
   * Copies the staged article lines into one file in the articles' order (ORDER BY.articles): only the sort keys are
   * sorted; each line is then read back by its offset. The big text never goes through a DuckDB sort.
   */
  private async sortedArticles(nSinks: number): Promise<string> {
    const path = join(this.stageDir, 'articles.sorted.jsonl');
    const outFd = openSync(path, 'w');
    const fds = Array.from({ length: nSinks }, (_, i) => openSync(stagedFile(this.stageDir, 'articles', i), 'r'));
    try {
      const res = await this.conn.stream(`SELECT i.w, i.off, i.len FROM articles a JOIN articles_idx i ON a._o = i.o ORDER BY ${ORDER_BY.articles}`);
      let buf = Buffer.allocUnsafe(16 * 1024 * 1024);
      let used = 0;
      for await (const rows of res.yieldRows()) {
        for (const [w, off, len] of rows as [number, number, number][]) {
          if (used + len > buf.length) {
            writeSync(outFd, buf, 0, used);
            used = 0;
            if (len > buf.length) buf = Buffer.allocUnsafe(len);
          }
          let got = 0;
          while (got < len) got += readSync(fds[w], buf, used + got, len - got, off + got);
          used += len;
        }
      }
      if (used) writeSync(outFd, buf, 0, used);
    } finally {
      closeSync(outFd);
      for (const fd of fds) closeSync(fd);
    }
    for (let i = 0; i < nSinks; i++) rmSync(stagedFile(this.stageDir, 'articles', i), { force: true });
    return path;
  }

  /** Flushes, writes one Parquet file per table into `dir`. */
  async writeParquet(dir: string, nSinks: number, mark: (phase: string) => void = () => {}): Promise<void> {
    for (const a of this.appenders.values()) a.closeSync();
    this.appenders.clear();
    const sorted = await this.sortedArticles(nSinks);
    mark('copy tables');
    const selectOf = (t: TableName) =>
      COLUMNS[t].map((c) => (SQL_TYPES[t][c] === 'DATE' ? `CAST(${quoteIdent(c)} AS DATE) AS ${quoteIdent(c)}` : quoteIdent(c))).join(', ');
    for (const t of Object.keys(TABLES) as TableName[]) {
      const file = join(dir, PARQUET_FILES[t]);
      const opts = `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS[t]}, ROW_GROUP_SIZE_BYTES '32MB')`;
      if (t === 'articles') {
        // DuckDB refuses ROW_GROUP_SIZE_BYTES while preserving order: the row cap alone bounds the writer's buffer.
        // Already in order: the scan must keep it.
        await this.run('SET preserve_insertion_order = true');
        await this.run(`COPY (SELECT ${selectOf(t)} FROM read_json(${quoteLiteral(sorted)}, ${JSON_OPTS}, columns = ${jsonColumns(t)}))
          TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ARTICLE_ROW_GROUP_ROWS})`);
        await this.run('SET preserve_insertion_order = false');
      } else await this.run(`COPY (SELECT ${selectOf(t)} FROM ${quoteIdent(t)} ORDER BY ${ORDER_BY[t]}) TO ${quoteLiteral(file)} ${opts}`);
    }
    mark('derived');
    await this.writeDerived(dir);
    mark('article_text');
    // derived.ts wrote article_text from the text-less staging table, in the articles' order: write the same rows
    // with their text, in that same order and row-group size, so text_row (its file row numbers) stays valid.
    await this.run('SET preserve_insertion_order = true');
    await this.run(`COPY (SELECT article_id, text FROM read_json(${quoteLiteral(sorted)}, ${JSON_OPTS}, columns = {'article_id': 'VARCHAR', 'text': 'VARCHAR'}))
      TO ${quoteLiteral(join(dir, DERIVED_PARQUET_FILES.article_text))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`);
    await this.run('SET preserve_insertion_order = false');
    rmSync(sorted, { force: true });
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
