/**
 * Node implementation of `Db` over @duckdb/node-api, for vitest and benchmarks: the same SQL the browser runs, checked
 * against a real DuckDB. Each table is a view over the pipeline's Parquet file, so nothing is copied.
 */
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  ARTICLE_TEXT,
  ARTICLE_TITLES,
  DERIVED_PARQUET_FILES,
  DERIVED_TABLES,
  PARQUET_FILES,
  PARTIAL_TABLES,
  TABLES,
  type DerivedTableName,
  type TableName
} from '$lib/schema';
import type { BoundQuery, Db, Row } from './types';
import { runWithPage } from './page-table';

/** SQL string literal: the only quoting in the data layer, used for file paths we build ourselves. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Plain JS values, matching what the browser implementation returns. */
function toPlain(v: unknown, typeId?: DuckDBTypeId): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) {
    if (typeId === DuckDBTypeId.DATE) return v.toISOString().slice(0, 10);
    return v.toISOString();
  }
  if (Array.isArray(v)) return v.map((x) => toPlain(x));
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toPlain(x)]));
  }
  return v;
}

export class NodeDb implements Db {
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection
  ) {}

  async query<T extends object = Row>(q: BoundQuery): Promise<T[]> {
    if (q.page) return runWithPage(q, (x) => this.query<T>(x), (sql) => this.conn.run(sql));
    const result = await this.conn.run(q.sql, q.params as DuckDBValue[]);
    const types = result.columnTypes().map((t) => t.typeId);
    const names = result.columnNames();
    const rows = await result.getRowObjectsJS();
    return rows.map((r) => {
      const out: Row = {};
      names.forEach((n, i) => {
        out[n] = toPlain(r[n], types[i]);
      });
      return out as T;
    });
  }

  /** Runs SQL without conversion; for fixture building and setup only, never with user values. */
  async exec(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export async function openNodeDb(dataDir: string, tables: TableName[] = Object.keys(TABLES) as TableName[]): Promise<NodeDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Same switches as the browser: a query must never reach for the network.
  await conn.run('SET autoinstall_known_extensions = false');
  for (const table of tables) {
    const file = join(dataDir, PARQUET_FILES[table]);
    await conn.run(`CREATE VIEW ${TABLES[table]} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
  // Derived tables (schema.ts) when the folder has them; a folder written before they existed still opens.
  for (const table of Object.keys(DERIVED_TABLES) as DerivedTableName[]) {
    const file = join(dataDir, DERIVED_PARQUET_FILES[table]);
    if (existsSync(file)) await conn.run(`CREATE VIEW ${DERIVED_TABLES[table]} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
  // The browser's partial tables (schema.ts PARTIAL_TABLES) and article_titles: here views of the whole table.
  const present = new Set(
    (await (await conn.run('SELECT view_name FROM duckdb_views() WHERE NOT internal')).getRowObjectsJS()).map((r) => String(r.view_name))
  );
  for (const [name, table] of Object.entries(PARTIAL_TABLES)) {
    if (present.has(table)) await conn.run(`CREATE VIEW ${name} AS SELECT * FROM ${table}`);
  }
  if (present.has(TABLES.articles)) {
    await conn.run(`CREATE VIEW ${ARTICLE_TITLES} AS SELECT article_id, title FROM articles`);
    await conn.run(`CREATE VIEW ${ARTICLE_TEXT} AS SELECT article_id, text FROM articles`);
  }
  return new NodeDb(instance, conn);
}
