/**
 * The site's BrowserDb (src/lib/db/browser-db.ts) on DuckDB-WASM, over the fixture's Parquet rewritten in row groups of
 * 2 rows, so "load only the row groups holding an article's rows" is a real selection: every per-article query and the
 * list page must return exactly what node-api returns over the whole tables; a partial table must never answer a query
 * that did not declare its rows; a whole-table query after partial loads still sees the whole table; a failed range read
 * fails the query (the page then shows an error, not an empty box).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { ParquetFile, readParquet, writeParquet, Table, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { BrowserDb, LAZY_FILES, type DuckConn, type ParquetSource } from '$lib/db/browser-db';
import { sqlString } from '$lib/db/node';
import { EMPTY_FILTERS, UN_SYSTEM } from '$lib/filters';
import {
  DERIVED_PARQUET_FILES,
  PARQUET_FILES,
  type Manifest
} from '$lib/schema';
import * as Q from '$lib/queries';
import { openFixtureDb } from '../helpers/node-db';
import { openNodeWasm } from '../helpers/wasm';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
/** Row groups read per file, by the sources below. */
const reads = new Map<string, number[]>();
/** Files whose reads fail (a server error, a dropped connection). */
const failing = new Set<string>();
/** Files the server does not have (a data folder written before they existed). */
const missing = new Set<string>();

/** Rewritten in row groups of 2 rows (same rows, same order: row numbers stay valid). */
const SMALL_GROUPS = [
  PARQUET_FILES.articles,
  PARQUET_FILES.mentions,
  PARQUET_FILES.topics,
  PARQUET_FILES.stances,
  PARQUET_FILES.terms,
  DERIVED_PARQUET_FILES.article_rows
];

function source(file: string): ParquetSource {
  const path = join(env.dir, file);
  return {
    async read(opts = {}) {
      if (failing.has(file)) throw new Error(`${file}: HTTP 503`);
      if (missing.has(file)) throw new Error(`/data/${file}: HTTP 404`);
      if (opts.rowGroups) reads.set(file, [...(reads.get(file) ?? []), ...opts.rowGroups]);
      // As the site reads by range: a ParquetFile honours row groups and columns (readParquet ignores both).
      const f = await ParquetFile.fromFile(new Blob([await readFile(path)]));
      return (await f.read(opts)).intoIPCStream();
    },
    async rowGroupStarts() {
      if (failing.has(file)) throw new Error(`${file}: HTTP 503`);
      if (missing.has(file)) throw new Error(`/data/${file}: HTTP 404`);
      const rows = await env.db.query<{ n: number }>({
        sql: `SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata(${sqlString(path)}) GROUP BY ALL ORDER BY row_group_id`,
        params: []
      });
      const starts = [0];
      for (const r of rows) starts.push(starts[starts.length - 1] + r.n);
      return starts;
    },
    async bytes() {
      return (await readFile(path)).length;
    },
    async columnBytes(column) {
      const [r] = await env.db.query<{ n: number | null }>({
        sql: `SELECT sum(total_compressed_size)::BIGINT AS n FROM parquet_metadata(${sqlString(path)}) WHERE path_in_schema = ?`,
        params: [column]
      });
      return r.n;
    }
  };
}

/** The connection of the last Db opened (to look at its catalog). */
let sqlConn: ReturnType<DuckDBBindings['connect']>;

/** A fresh DuckDB-WASM database per Db: partial tables start empty. */
async function openDb(manifest: Partial<Manifest> = {}, onSql: (sql: string) => void = () => {}): Promise<BrowserDb> {
  const wasm = await openNodeWasm();
  const c = wasm.connect();
  sqlConn = c;
  c.query('SET autoload_known_extensions = false');
  c.query('CREATE TABLE article_text (article_id VARCHAR, text VARCHAR)');
  const conn: DuckConn = {
    query: async (sql) => (onSql(sql), c.query(sql)),
    prepare: async (sql) => {
      onSql(sql);
      const stmt = c.prepare(sql);
      return { query: async (...params: unknown[]) => stmt.query(...params), close: async () => stmt.close() };
    },
    insertArrowFromIPCStream: async (buf, opts) => c.insertArrowFromIPCStream(buf, opts),
    close: async () => c.close()
  };
  return new BrowserDb(conn, source, { files: {}, ...manifest } as unknown as Manifest, LAZY_FILES);
}

beforeAll(async () => {
  env = await openFixtureDb();
  for (const file of SMALL_GROUPS) {
    const path = join(env.dir, file);
    const table = Table.fromIPCStream(readParquet(new Uint8Array(await readFile(path))).intoIPCStream());
    await writeFile(path, writeParquet(table, new WriterPropertiesBuilder().setMaxRowGroupSize(2).build()));
  }
});
afterAll(async () => {
  await env?.cleanup();
});


const round = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v])));

describe('BrowserDb partial tables (row groups of 2 rows)', () => {
  it('every per-article query returns what the whole tables give, reading only some row groups', async () => {
    const ids = (await env.db.query<{ article_id: string }>({ sql: 'SELECT article_id FROM articles ORDER BY article_id', params: [] })).map(
      (r) => r.article_id
    );
    expect(ids.length).toBeGreaterThan(5);
    reads.clear();
    // One Db per article: each starts with empty partial tables, so a missing row group cannot hide behind another
    // article's earlier load.
    for (const id of [...ids, 'no-such-article']) {
      const db = await openDb();
      for (const build of [Q.buildArticleQuery, Q.buildArticleMentionsQuery, Q.buildArticleTopicsQuery, Q.buildArticleStancesQuery, Q.buildArticleTermsQuery]) {
        const q = build(id);
        expect(round(await db.query(q)), `${build.name}(${id})`).toEqual(round(await env.db.query(q)));
      }
    }
    // Every file was read in part: a row group of 2 rows never holds a whole table.
    const total = await env.db.query<{ n: number }>({ sql: 'SELECT count(*) AS n FROM mentions', params: [] });
    expect(total[0].n).toBeGreaterThan(4);
    expect(reads.get(PARQUET_FILES.mentions)?.length).toBeGreaterThan(0);
    expect(reads.get(PARQUET_FILES.articles)?.length).toBeGreaterThan(0);
  });

  it('one article reads only the row groups holding its rows', async () => {
    reads.clear();
    const db = await openDb();
    await db.query(Q.buildArticleMentionsQuery('a01'));
    const groups = reads.get(PARQUET_FILES.mentions) ?? [];
    const [{ n }] = await env.db.query<{ n: number }>({ sql: "SELECT count(*) AS n FROM mentions WHERE article_id = 'a01'", params: [] });
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.length).toBeLessThanOrEqual(Math.ceil(n / 2) + 1);
  });

  it('list pages (with drill-downs and a titles-only search) and the latest articles equal node-api', async () => {
    const db = await openDb();
    const cases = [
      Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 4, offset: 0 }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 4, offset: 4 }),
      Q.buildArticleListQuery({ ...EMPTY_FILTERS, countries: ['IR'], topics: ['sanctions'] }, { limit: 3 }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { entity: 'us', limit: 5 }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { entity: UN_SYSTEM, entity2: 'us', topic: 'sanctions' }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { stanceTarget: { target_kind: 'entity', target_id: UN_SYSTEM }, threshold: 0.1 }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { q: 'تحریم', search: 'titles' }),
      Q.buildArticleCountQuery(EMPTY_FILTERS, { q: 'تحریم', search: 'titles' }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { q: 'تحریم' }),
      Q.buildLatestArticlesQuery(EMPTY_FILTERS, 5),
      Q.buildLatestArticlesQuery({ ...EMPTY_FILTERS, countries: ['IR'], topics: ['sanctions'] }, 3)
    ];
    for (const q of cases) expect(round(await db.query(q))).toEqual(round(await env.db.query(q)));
  });

  it("a page of a list is sorted once per query, in a temporary table of that query's own, dropped after", async () => {
    const sqls: string[] = [];
    const db = await openDb({}, (sql) => sqls.push(sql));
    const un = { target_kind: 'entity' as const, target_id: UN_SYSTEM };
    const lists = [
      Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 4, offset: 0 }),
      Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 4, offset: 4 }),
      Q.buildArticleListQuery({ ...EMPTY_FILTERS, countries: ['IR'] }, { limit: 3 }),
      Q.buildLatestArticlesQuery(EMPTY_FILTERS, 5),
      Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, threshold: 0, limit: 3, offset: 1 })
    ];
    // All at once, as a page's list, count and latest articles are asked: each keeps its own page.
    const got = await Promise.all(lists.map((q) => db.query(q)));
    for (const [i, q] of lists.entries()) expect(round(got[i]), `list ${i}`).toEqual(round(await env.db.query(q)));
    expect(got[0].length).toBe(4);
    expect(got[1].length).toBeGreaterThan(0);
    expect(got[1]).not.toEqual(got[0]);
    // The sort (ORDER BY … LIMIT) ran once per list: only in the statement making its page table.
    const sorts = sqls.filter((s) => /ORDER BY[^)]*LIMIT \?/.test(s));
    expect(sorts).toHaveLength(lists.length);
    for (const s of sorts) expect(s).toMatch(/^CREATE TEMP TABLE page_\d+ AS /);
    // An article's reader: its five queries each look the article up once.
    sqls.length = 0;
    const reader = [Q.buildArticleQuery, Q.buildArticleMentionsQuery, Q.buildArticleTopicsQuery, Q.buildArticleStancesQuery, Q.buildArticleTermsQuery];
    const rows = await Promise.all(reader.map((build) => db.query(build('a01'))));
    for (const [i, build] of reader.entries()) expect(round(rows[i]), build.name).toEqual(round(await env.db.query(build('a01'))));
    expect(rows[0]).toHaveLength(1);
    const lookups = sqls.filter((s) => s.includes('FROM article_facts WHERE article_id = ?'));
    expect(lookups).toHaveLength(reader.length);
    for (const s of lookups) expect(s).toMatch(/^CREATE TEMP TABLE page_\d+ AS /);
    const left = sqlConn.query("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE temporary AND table_name LIKE 'page_%'");
    expect(Number(left.getChildAt(0)?.get(0))).toBe(0);
  });

  it('stance evidence pages equal node-api, reading only the row groups of stances.parquet holding them', async () => {
    const un = { target_kind: 'entity' as const, target_id: UN_SYSTEM };
    const [{ n }] = await env.db.query<{ n: number }>({ sql: 'SELECT count(*) AS n FROM stances', params: [] });
    expect(n).toBeGreaterThan(6);
    const cases = [
      Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, threshold: 0, limit: 3 }),
      Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, threshold: 0, limit: 3, offset: 3 }),
      Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, threshold: 0.2, stance: 'oppose', limit: 50 }),
      Q.buildStanceEvidenceQuery({ ...EMPTY_FILTERS, countries: ['IR'], topics: ['sanctions'] }, { ...un, threshold: 0, limit: 5 }),
      Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { target_kind: 'topic', target_id: 'sanctions', threshold: 0, limit: 4, bucketStart: '2024-01-01', bucketEnd: '2026-01-01' })
    ];
    for (const q of cases) {
      // A fresh Db each time: every page's rows come from row groups it read itself.
      reads.clear();
      const db = await openDb();
      const rows = await db.query(q);
      expect(round(rows)).toEqual(round(await env.db.query(q)));
      if (rows.length) expect(new Set(reads.get(PARQUET_FILES.stances)).size).toBeLessThanOrEqual(rows.length);
    }
    expect((await env.db.query(cases[0])).length).toBe(3);
  });

  it('a query naming a partial table without declaring its rows fails', async () => {
    const db = await openDb();
    await db.query(Q.buildArticleMentionsQuery('a01')); // some rows of mentions__rows are loaded
    await expect(db.query({ sql: 'SELECT count(*) AS n FROM mentions__rows', params: [] })).rejects.toThrow(/loaded in part only/);
  });

  it('whole-table queries after partial loads still see every row', async () => {
    const db = await openDb();
    await db.query(Q.buildArticleMentionsQuery('a01'));
    await db.query(Q.buildArticleStancesQuery('a02'));
    for (const sql of ['SELECT count(*) AS n FROM mentions', 'SELECT count(*) AS n FROM stances', 'SELECT count(*) AS n FROM articles']) {
      expect(await db.query({ sql, params: [] })).toEqual(await env.db.query({ sql, params: [] }));
    }
    const co = Q.buildStanceTargetsQuery(EMPTY_FILTERS);
    expect(round(await db.query(co))).toEqual(round(await env.db.query(co)));
  });

  it('a failed range read fails the query instead of returning no rows', async () => {
    const db = await openDb();
    failing.add(PARQUET_FILES.mentions);
    try {
      await expect(db.query(Q.buildArticleMentionsQuery('a01'))).rejects.toThrow(/503/);
    } finally {
      failing.delete(PARQUET_FILES.mentions);
    }
    // and a later try loads it
    expect((await db.query(Q.buildArticleMentionsQuery('a01'))).length).toBeGreaterThan(0);
  });

  it('a data folder without article_rows.parquet says how to get it', async () => {
    const db = await openDb();
    missing.add(DERIVED_PARQUET_FILES.article_rows);
    try {
      await expect(db.query(Q.buildArticleMentionsQuery('a01'))).rejects.toThrow(/predates article_rows.parquet; run npm run preprocess again/);
    } finally {
      missing.delete(DERIVED_PARQUET_FILES.article_rows);
    }
  });

  it('a data folder without stance_facts.parquet says how to get it, and reads it once it is there', async () => {
    const db = await openDb();
    const q = Q.buildStanceTargetsQuery(EMPTY_FILTERS);
    missing.add(DERIVED_PARQUET_FILES.stance_facts);
    try {
      await expect(db.query(q)).rejects.toThrow(/predates stance_facts.parquet; run npm run preprocess again/);
    } finally {
      missing.delete(DERIVED_PARQUET_FILES.stance_facts);
    }
    expect(round(await db.query(q))).toEqual(round(await env.db.query(q)));
  });

  it('textBytes gives the compressed size of the text column of articles.parquet', async () => {
    const db = await openDb();
    const [{ n }] = await env.db.query<{ n: number }>({
      sql: `SELECT sum(total_compressed_size)::BIGINT AS n FROM parquet_metadata(${sqlString(join(env.dir, PARQUET_FILES.articles))}) WHERE path_in_schema = 'text'`,
      params: []
    });
    expect(n).toBeGreaterThan(0);
    expect(await db.textBytes()).toBe(n);
    // far less than the whole file (which holds every other column too)
    expect(n).toBeLessThan((await readFile(join(env.dir, PARQUET_FILES.articles))).length);
    // A pipeline run writes it into manifest.json: then the footer is not read.
    expect(await (await openDb({ text_bytes: 1_036_000_000 })).textBytes()).toBe(1_036_000_000);
  });
});
