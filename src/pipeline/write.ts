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

/** Tables written by the workers as newline-delimited JSON (worker.ts RowSink), read here in bulk. */
const STAGED_TABLES = ['articles', 'mentions', 'topics', 'stances'] as const;

function jsonColumns(t: TableName, extra: Record<string, string> = {}, without: string[] = []): string {
  const cols = { _o: 'BIGINT', ...Object.fromEntries(COLUMNS[t].filter((c) => !without.includes(c)).map((c) => [c, stagingType(SQL_TYPES[t][c])])), ...extra };
  return `{${Object.entries(cols).map(([c, ty]) => `${quoteLiteral(c)}: ${quoteLiteral(ty)}`).join(', ')}}`;
}
function fileList(files: string[]): string {
  return `[${files.map(quoteLiteral).join(', ')}]`;
}
/** An article line holds at most MAX_ARTICLE_CHARS of text (≤ 3 MB in UTF-8) plus metadata; DuckDB reserves twice this per reader buffer. */
const JSON_OPTS = "format = 'newline_delimited', maximum_object_size = 16777216";

export class TableWriter {
  /** Set by loadStaged: the staged files and the filter that drops duplicates' rows. */
  private staged: { files: (name: StagedName) => string[]; keep: string } | null = null;
  private termsSql: string | null = null;

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
  private async run(sql: string): Promise<number> {
    try {
      const r = await this.conn.runAndReadAll(sql);
      // COPY answers the number of rows written.
      return /^\s*COPY\b/.test(sql) ? Number(r.getRows()[0]?.[0] ?? 0) : 0;
    } catch (e) {
      const what = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
      throw new Error(`${(e as Error).message.split('\n')[0]} [in: ${what}]`, { cause: e });
    }
  }

  private async count(t: string): Promise<number> {
    return Number((await this.conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdent(t)}`)).getRows()[0][0]);
  }

  /**
   * Prepares the rows that `nSinks` RowSinks wrote to the staging folder, without the articles whose ordinal is in
   * `dupOrds` (duplicates found by the main thread). Only the articles' metadata is loaded into a table (`articles`,
   * text NULL, with `_o` and where each whole row sits in the staged files); the other tables are read from their
   * staged files once, by the COPY that writes them (writeParquet), and never stored in the database.
   */
  async loadStaged(nSinks: number, dupOrds: number[]): Promise<void> {
    const files = (name: StagedName | 'df') => Array.from({ length: nSinks }, (_, i) => stagedFile(this.stageDir, name, i));
    await this.run('CREATE TABLE dups (o BIGINT)');
    const d = await this.conn.createAppender('dups');
    for (const o of dupOrds) {
      d.appendBigInt(BigInt(o));
      d.endRow();
    }
    d.closeSync();
    const keep = 'WHERE _o NOT IN (SELECT o FROM dups)';
    this.staged = { files, keep };
    const cols = COLUMNS.articles.map((c) => (c === 'text' ? 'CAST(NULL AS VARCHAR) AS text' : quoteIdent(c)));
    const metaCols = jsonColumns('articles', { _off: 'BIGINT', _len: 'BIGINT' }, ['text']);
    const meta = files('articles_meta')
      .map((f, i) => `SELECT ${i} AS _w, * FROM read_json(${quoteLiteral(f)}, ${JSON_OPTS}, columns = ${metaCols})`)
      .join(' UNION ALL ');
    await this.run(`CREATE TABLE articles AS SELECT ${cols.join(', ')}, _o, _w, _off, _len FROM (${meta}) ${keep}`);
    this.counts.articles = await this.count('articles');
    for (const f of files('articles_meta')) rmSync(f, { force: true });
    await this.run(`CREATE TABLE term_df AS SELECT key, CAST(sum(df) AS INTEGER) AS df
      FROM read_csv(${fileList(files('df'))}, header = false, auto_detect = false, delim = ',', columns = {'key': 'VARCHAR', 'df': 'INTEGER'})
      GROUP BY key`);
    for (const f of files('df')) rmSync(f, { force: true });
  }

  /**
   * TF-IDF over the whole run: tf = count / article length, idf = ln((1 + N) / (1 + df) + 1); words in more than half
   * of the articles are not distinctive. Keeps the top `perArticle` per article. Computed by writeParquet's COPY,
   * straight from the staged candidates.
   */
  async finishTerms(nArticles: number, perArticle: number): Promise<void> {
    const { files, keep } = this.staged!;
    const n = Math.max(0, Math.floor(nArticles));
    const maxDf = n < 4 ? Number.MAX_SAFE_INTEGER : Math.max(2, n * 0.5);
    this.termsSql = `
      SELECT article_id, s AS term, round(score, 5) AS score, CAST(rank AS INTEGER) AS rank FROM (
        SELECT c.article_id, c.s, (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) AS score,
               row_number() OVER (PARTITION BY c._o ORDER BY (c.n::DOUBLE / c.len) * ln((1 + ${n}) / (1 + d.df) + 1) DESC, c.k) AS rank
        FROM (SELECT _o, article_id, len, unnest(c, recursive := true) FROM read_json(${fileList(files('term_cands'))}, ${JSON_OPTS},
          columns = {'_o': 'BIGINT', 'article_id': 'VARCHAR', 'len': 'INTEGER', 'c': 'STRUCT(k VARCHAR, n INTEGER, s VARCHAR)[]'}) ${keep}) c
        JOIN term_df d ON c.k = d.key
        WHERE d.df < ${maxDf}
      ) WHERE rank <= ${Math.floor(perArticle)}`;
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
      const res = await this.conn.stream(`SELECT _w, _off, _len FROM articles ORDER BY ${ORDER_BY.articles}`);
      let buf = Buffer.allocUnsafe(16 * 1024 * 1024);
      let used = 0;
      for await (const rows of res.yieldRows()) {
        for (const [w, off, len] of rows as [number, bigint, bigint][]) {
          const n = Number(len);
          const at = Number(off);
          if (used + n > buf.length) {
            writeSync(outFd, buf, 0, used);
            used = 0;
            if (n > buf.length) buf = Buffer.allocUnsafe(n);
          }
          let got = 0;
          while (got < n) got += readSync(fds[w], buf, used + got, n - got, at + got);
          used += n;
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

  /**
   * Flushes, writes one Parquet file per table into `dir`: the text-less tables straight from their staged rows, then
   * articles and article_text from the article lines put in order, then the derived tables. One statement at a time:
   * two at once cost ~20% more CPU at 100k articles (they share two threads and the staging memory) for no gain on a
   * loaded machine.
   */
  async writeParquet(dir: string, nSinks: number, mark: (phase: string) => void = () => {}): Promise<void> {
    for (const a of this.appenders.values()) a.closeSync();
    this.appenders.clear();
    const { files, keep } = this.staged!;
    const sorted = await this.sortedArticles(nSinks);
    const selectOf = (t: TableName) =>
      COLUMNS[t].map((c) => (SQL_TYPES[t][c] === 'DATE' ? `CAST(${quoteIdent(c)} AS DATE) AS ${quoteIdent(c)}` : quoteIdent(c))).join(', ');
    const opts = (t: TableName) => `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS[t]}, ROW_GROUP_SIZE_BYTES '32MB')`;
    const to = (t: TableName) => quoteLiteral(join(dir, PARQUET_FILES[t]));
    for (const t of ['mentions', 'topics', 'stances'] as const) {
      mark(`copy ${t}`);
      this.counts[t] = await this.run(`COPY (SELECT ${selectOf(t)} FROM read_json(${fileList(files(t))}, ${JSON_OPTS}, columns = ${jsonColumns(t)}) ${keep}
        ORDER BY ${ORDER_BY[t]}) TO ${to(t)} ${opts(t)}`);
      for (const f of files(t)) rmSync(f, { force: true });
    }
    mark('copy terms');
    this.counts.terms = await this.run(`COPY (SELECT ${selectOf('terms')} FROM (${this.termsSql}) ORDER BY ${ORDER_BY.terms}) TO ${to('terms')} ${opts('terms')}`);
    for (const f of files('term_cands')) rmSync(f, { force: true });
    await this.run('DROP TABLE term_df');
    for (const t of ['entities', 'topic_defs'] as const) await this.run(`COPY (SELECT ${selectOf(t)} FROM ${quoteIdent(t)} ORDER BY ${ORDER_BY[t]}) TO ${to(t)} ${opts(t)}`);
    mark('copy articles');
    // The lines are in order: the scan must keep it. DuckDB refuses ROW_GROUP_SIZE_BYTES while preserving order: the
    // row cap alone bounds the writer's buffer.
    await this.run('SET preserve_insertion_order = true');
    await this.run(`COPY (SELECT ${selectOf('articles')} FROM read_json(${quoteLiteral(sorted)}, ${JSON_OPTS}, columns = ${jsonColumns('articles')}))
      TO ${to('articles')} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ARTICLE_ROW_GROUP_ROWS})`);
    await this.run('SET preserve_insertion_order = false');
    mark('derived');
    // The derived tables read the text-less tables back from their Parquet files.
    for (const t of ['mentions', 'topics'] as const) await this.run(`CREATE VIEW ${quoteIdent(t)} AS SELECT * FROM read_parquet(${to(t)})`);
    await writeDerivedTables(this.conn, dir, { articleText: false });
    mark('article_text');
    // article_text: the same rows as articles, in the same order (derived.ts's text_row is the row number), in small
    // row groups (2,048 rows: DuckDB rounds smaller sizes up to its vector size), so the dashboard reads one article's
    // text by HTTP range.
    await this.run('SET preserve_insertion_order = true');
    await this.run(`COPY (SELECT article_id, text FROM read_json(${quoteLiteral(sorted)}, ${JSON_OPTS}, columns = {'article_id': 'VARCHAR', 'text': 'VARCHAR'}))
      TO ${quoteLiteral(join(dir, DERIVED_PARQUET_FILES.article_text))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`);
    await this.run('SET preserve_insertion_order = false');
    rmSync(sorted, { force: true });
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
