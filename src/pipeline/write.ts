/**
 * Writes the tables to Parquet with native DuckDB, into a temporary folder that replaces the output folder only
 * once everything is written: a failed run never leaves half-written output behind.
 */
import { mkdirSync, renameSync, rmSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { COLUMNS, PARQUET_FILES, SQL_TYPES, TABLES, type TableName } from '../lib/schema';

/** Sort keys chosen so that DuckDB readers can prune row groups by date/article. */
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

export class TableWriter {
  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly appenders: Map<TableName, DuckDBAppender>,
    private readonly counts: Record<TableName, number>
  ) {}

  static async open(): Promise<TableWriter> {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const appenders = new Map<TableName, DuckDBAppender>();
    const counts = {} as Record<TableName, number>;
    for (const t of Object.keys(TABLES) as TableName[]) {
      const cols = COLUMNS[t].map((c) => `${quoteIdent(c)} ${stagingType(SQL_TYPES[t][c])}`).join(', ');
      await conn.run(`CREATE TABLE ${quoteIdent(t)} (${cols})`);
      appenders.set(t, await conn.createAppender(t));
      counts[t] = 0;
    }
    return new TableWriter(conn, appenders, counts);
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
        `COPY (SELECT ${select} FROM ${quoteIdent(t)} ORDER BY ${ORDER_BY[t]}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`
      );
    }
  }

  close(): void {
    this.conn.closeSync();
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
