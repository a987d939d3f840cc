/**
 * Writes the tables to Parquet with native DuckDB, into a temporary folder that replaces the output folder only
 * once everything is written: a failed run never leaves half-written output behind.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, existsSync, writeFileSync, writeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { writeDerivedTables } from './derived';
import { COLUMNS, PARQUET_FILES, SQL_TYPES, TABLES, type TableName } from '../lib/schema';
import { STAGED_CSV_OPTS, termsCsvSource } from './term-rank';
import { stagedFile, type SinkFile } from './worker';

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

/** Compressed bytes of one column of a Parquet file (manifest.json `text_bytes` is the text column of articles). */
export async function columnBytesOf(conn: DuckDBConnection, file: string, column: string): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT coalesce(sum(total_compressed_size), 0)::BIGINT FROM parquet_metadata(${quoteLiteral(file)}) WHERE path_in_schema = ${quoteLiteral(column)}`
  );
  return Number(r.getRows()[0][0]);
}

/** DATE columns are staged as VARCHAR (ISO) and cast on export; the appender's date type needs day numbers. */
function stagingType(t: string): string {
  return t === 'DATE' ? 'VARCHAR' : t;
}

/**
 * Row groups of articles.parquet: 2,048 articles (DuckDB rounds smaller sizes up to its vector size), ~8 MB of text.
 * The dashboard reads an article's text (or a list page's) by fetching the text column of one row group by HTTP
 * range, so the text is stored once, here. Written in order without a sort (order preserved), where DuckDB allows no
 * byte cap: the row cap alone bounds the writer's buffer.
 */
export const ARTICLE_ROW_GROUP_ROWS = 2048;

/**
 * The Parquet writer holds a whole row group in memory: 100,000 articles with their text are ~350 MB, which broke
 * the 512 MB staging limit at 100k articles. Row groups are capped by rows (and, but for articles, by bytes).
 */
export const ROW_GROUP_ROWS: Record<TableName, number> = {
  articles: ARTICLE_ROW_GROUP_ROWS,
  mentions: 122880,
  topics: 122880,
  stances: 61440,
  entities: 122880,
  topic_defs: 122880,
  terms: 122880
};

/** Rows are staged in a disk-backed DuckDB database with this memory limit: big runs spill, RSS stays flat. */
const STAGING_MEMORY = process.env.EM_STAGING_MEMORY ?? '320MB';
const STAGING_THREADS = process.env.EM_STAGING_THREADS ?? '2';
/** The memory limit of copyArticles' own DuckDB instance (it reads and writes in order: no sort, no join). */
const ARTICLES_MEMORY = process.env.EM_ARTICLES_MEMORY ?? '128MB';

/** Tables the workers write (worker.ts RowSink: articles as newline-delimited JSON, the others as CSV), read here in bulk. */
const STAGED_TABLES = ['articles', 'mentions', 'topics', 'stances'] as const;

function jsonColumns(t: TableName, extra: Record<string, string> = {}, without: string[] = []): string {
  const cols = { _o: 'BIGINT', ...Object.fromEntries(COLUMNS[t].filter((c) => !without.includes(c)).map((c) => [c, stagingType(SQL_TYPES[t][c])])), ...extra };
  return `{${Object.entries(cols).map(([c, ty]) => `${quoteLiteral(c)}: ${quoteLiteral(ty)}`).join(', ')}}`;
}
/**
 * How DuckDB reads a table the workers staged as CSV (worker.ts csvRow): `_o`, then the table's columns, every one
 * typed; quotes doubled; an empty field NULL and `""` the empty string; lines as long as a stance's evidence sentence
 * can make them (MAX_ARTICLE_CHARS: ≤ 3 MB of UTF-8, ≤ 6 MB with its quotes doubled).
 */
export function rowsCsvSource(t: TableName, files: string[]): string {
  return `read_csv(${fileList(files)}, ${STAGED_CSV_OPTS}, allow_quoted_nulls = false, columns = ${jsonColumns(t)})`;
}
function fileList(files: string[]): string {
  return `[${files.map(quoteLiteral).join(', ')}]`;
}
/** An article line holds at most MAX_ARTICLE_CHARS of text (≤ 3 MB in UTF-8) plus metadata; DuckDB reserves twice this per reader buffer. */
const JSON_OPTS = "format = 'newline_delimited', maximum_object_size = 16777216";

export class TableWriter {
  /** Set by loadStaged: the staged files and the filter that drops duplicates' rows. */
  private staged: { files: (name: SinkFile) => string[]; keep: string } | null = null;
  /** Compressed bytes of articles.parquet's text column (manifest.json `text_bytes`), once written. */
  textBytes = 0;

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
  private async run(sql: string, conn: DuckDBConnection = this.conn): Promise<number> {
    try {
      const r = await conn.runAndReadAll(sql);
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
    const files = (name: SinkFile) => Array.from({ length: nSinks }, (_, i) => stagedFile(this.stageDir, name, i));
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
  }

  /**
   * The run's document frequencies, summed over the `nSinks` sinks' df files (RowSink.finish), handed back per sink:
   * element i holds, for each of sink i's key ids, the key's frequency in the whole run (RowSink.rank ranks with it).
   */
  async termDocFreqs(nSinks: number): Promise<Int32Array[]> {
    const files = Array.from({ length: nSinks }, (_, i) => stagedFile(this.stageDir, 'df', i));
    const csv = (f: string) =>
      `read_csv(${quoteLiteral(f)}, header = false, auto_detect = false, delim = ',', quote = '', escape = '', columns = {'id': 'INTEGER', 'key': 'VARCHAR', 'df': 'INTEGER'})`;
    await this.run(`CREATE TEMP TABLE term_df AS SELECT key, CAST(sum(df) AS INTEGER) AS df FROM (${files.map((f) => `SELECT key, df FROM ${csv(f)}`).join(' UNION ALL ')}) GROUP BY key`);
    const out: Int32Array[] = [];
    for (const f of files) {
      const size = Number((await this.conn.runAndReadAll(`SELECT coalesce(max(id) + 1, 0)::BIGINT FROM ${csv(f)}`)).getRows()[0][0]);
      const df = new Int32Array(size);
      const res = await this.conn.stream(`SELECT l.id, g.df FROM ${csv(f)} l JOIN term_df g USING (key)`);
      for await (const rows of res.yieldRows()) for (const [id, n] of rows as [number, number][]) df[id] = n;
      out.push(df);
      rmSync(f, { force: true });
    }
    await this.run('DROP TABLE term_df');
    return out;
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
  private async sortedArticles(nSinks: number, conn: DuckDBConnection): Promise<string> {
    const path = join(this.stageDir, 'articles.sorted.jsonl');
    const outFd = openSync(path, 'w');
    const fds = Array.from({ length: nSinks }, (_, i) => openSync(stagedFile(this.stageDir, 'articles', i), 'r'));
    try {
      const res = await conn.stream(`SELECT _w, _off, _len FROM articles ORDER BY ${ORDER_BY.articles}`);
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
   * Writes articles.parquet from the ordered article lines, in a DuckDB instance of its own: one thread and
   * insertion order kept (both global settings, which the staging database's other statements must not have), and a
   * small memory limit of its own, since the lines are only read and written in order.
   */
  private async copyArticles(lines: string, file: string, selectOf: string): Promise<void> {
    const db = await DuckDBInstance.create(':memory:', {
      memory_limit: ARTICLES_MEMORY,
      threads: '1',
      temp_directory: join(this.stageDir, 'spill-articles'),
      preserve_insertion_order: 'true'
    });
    try {
      const conn = await db.connect();
      try {
        // DuckDB refuses ROW_GROUP_SIZE_BYTES while keeping insertion order: the row cap alone bounds the writer's buffer.
        await this.run(
          `COPY (SELECT ${selectOf} FROM read_json(${quoteLiteral(lines)}, ${JSON_OPTS}, columns = ${jsonColumns('articles')}))
            TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ARTICLE_ROW_GROUP_ROWS})`,
          conn
        );
        this.textBytes = await columnBytesOf(conn, file, 'text');
      } finally {
        conn.closeSync();
      }
    } finally {
      db.closeSync();
    }
  }

  /**
   * Flushes, then writes one Parquet file per table into `dir`, and the derived tables, as two chains side by side
   * (each alone leaves a core idle):
   *   - the article lines put in order (in this thread; only their sort keys go through DuckDB), then copied in that
   *     order to articles.parquet (copyArticles: one DuckDB thread, in an instance of its own);
   *   - the text-less tables straight from their staged rows, then the derived tables, which take each article's row
   *     in articles.parquet from the same order (text_row), not from the file.
   * At 100k articles, 8.5 s one after the other → 6.4 s; at 1M, the whole run 383 → 323 s.
   */
  async writeParquet(dir: string, nSinks: number, mark: (phase: string) => void = () => {}): Promise<void> {
    for (const a of this.appenders.values()) a.closeSync();
    this.appenders.clear();
    const { files, keep } = this.staged!;
    const selectOf = (t: TableName) =>
      COLUMNS[t].map((c) => (SQL_TYPES[t][c] === 'DATE' ? `CAST(${quoteIdent(c)} AS DATE) AS ${quoteIdent(c)}` : quoteIdent(c))).join(', ');
    const opts = (t: TableName) => `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS[t]}, ROW_GROUP_SIZE_BYTES '32MB')`;
    const to = (t: TableName) => quoteLiteral(join(dir, PARQUET_FILES[t]));
    const timing = (what: string) => process.env.EM_TIMING && console.error(`[timing] ${what} at ${Math.round(performance.now() - t0)} ms`);
    const t0 = performance.now();
    mark('write tables ∥ articles');
    const side = await this.db.connect();
    const articles = (async () => {
      let lines: string;
      try {
        lines = await this.sortedArticles(nSinks, side);
      } finally {
        side.closeSync();
      }
      timing('articles sorted');
      await this.copyArticles(lines, join(dir, PARQUET_FILES.articles), selectOf('articles'));
      rmSync(lines, { force: true });
      timing('articles written');
    })();
    const tables = (async () => {
      for (const t of ['mentions', 'topics', 'stances'] as const) {
        this.counts[t] = await this.run(`COPY (SELECT ${selectOf(t)} FROM ${rowsCsvSource(t, files(t))} ${keep}
          ORDER BY ${ORDER_BY[t]}) TO ${to(t)} ${opts(t)}`);
        for (const f of files(t)) rmSync(f, { force: true });
        timing(`${t} written`);
      }
      // Ranked by the sinks (RowSink.rank), sorted here.
      this.counts.terms = await this.run(`COPY (SELECT ${selectOf('terms')} FROM ${termsCsvSource(files('terms').map(quoteLiteral))}
          ORDER BY ${ORDER_BY.terms}) TO ${to('terms')} ${opts('terms')}`);
      for (const f of files('terms')) rmSync(f, { force: true });
      for (const t of ['entities', 'topic_defs'] as const) await this.run(`COPY (SELECT ${selectOf(t)} FROM ${quoteIdent(t)} ORDER BY ${ORDER_BY[t]}) TO ${to(t)} ${opts(t)}`);
      timing('tables written');
      // The derived tables read the text-less tables back from their Parquet files.
      for (const t of ['mentions', 'topics'] as const) await this.run(`CREATE VIEW ${quoteIdent(t)} AS SELECT * FROM read_parquet(${to(t)})`);
      await writeDerivedTables(this.conn, dir, { textRows: 'order' });
      timing('derived tables written');
    })();
    // Both settle before anything else runs (or the staging folder is removed under one of them).
    const [a, b] = await Promise.allSettled([articles, tables]);
    for (const r of [b, a]) if (r.status === 'rejected') throw r.reason;
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
