/**
 * The browser path without a browser: the fixture's Parquet decoded by parquet-wasm into Arrow IPC, inserted into
 * DuckDB-WASM (the engine the site ships), every builder run as a prepared statement and converted by the same
 * `arrowToRows` the site uses — and compared with what @duckdb/node-api returns for the same query.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { readParquet } from 'parquet-wasm/node';
import { arrowToRows, type ArrowTable } from '$lib/db/arrow-rows';
import type { BoundQuery } from '$lib/db/types';
import { createPageTable, pageTableName, withPageTable } from '$lib/db/page-table';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters } from '$lib/filters';
import {
  ARTICLE_TEXT,
  ARTICLE_TITLES,
  COLUMNS,
  DERIVED_PARQUET_FILES,
  DERIVED_TABLES,
  PARQUET_FILES,
  PARTIAL_TABLES,
  TABLES,
  type DerivedTableName,
  type TableName
} from '$lib/schema';
import * as Q from '$lib/queries';
import { openFixtureDb } from '../helpers/node-db';
import { openNodeWasm } from '../helpers/wasm';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let wasm: DuckDBBindings;
let conn: ReturnType<DuckDBBindings['connect']>;

beforeAll(async () => {
  env = await openFixtureDb();
  wasm = await openNodeWasm();
  conn = wasm.connect();
  conn.query('SET autoload_known_extensions = false');
  conn.query('SET autoinstall_known_extensions = false');
  // As the site does: `articles` without its text, which `article_text` holds (the text column alone).
  for (const t of Object.keys(TABLES) as TableName[]) {
    const bytes = new Uint8Array(await readFile(join(env.dir, PARQUET_FILES[t])));
    const columns = t === 'articles' ? COLUMNS.articles.filter((c) => c !== 'text') : undefined;
    conn.insertArrowFromIPCStream(readParquet(bytes, { columns }).intoIPCStream(), { name: TABLES[t], create: true });
    if (t === 'articles') conn.insertArrowFromIPCStream(readParquet(bytes, { columns: ['article_id', 'text'] }).intoIPCStream(), { name: ARTICLE_TEXT, create: true });
  }
  for (const t of Object.keys(DERIVED_TABLES) as DerivedTableName[]) {
    const bytes = new Uint8Array(await readFile(join(env.dir, DERIVED_PARQUET_FILES[t])));
    conn.insertArrowFromIPCStream(readParquet(bytes).intoIPCStream(), { name: DERIVED_TABLES[t], create: true });
  }
  // The site's partial tables hold some row groups of their table; here the whole table (browser-db.test.ts checks
  // the partial loads themselves).
  for (const [name, table] of Object.entries(PARTIAL_TABLES)) conn.query(`CREATE VIEW ${name} AS SELECT * FROM ${table}`);
  conn.query(`CREATE VIEW ${ARTICLE_TITLES} AS SELECT article_id, title FROM articles`);
});
afterAll(async () => {
  conn?.close();
  await env?.cleanup();
});

function runWasm(q: BoundQuery): Record<string, unknown>[] {
  if (q.page) {
    // As both Dbs run BoundQuery.page: once, as a temporary table.
    const name = pageTableName();
    runWasm(createPageTable(q.page, name));
    try {
      return runWasm(withPageTable(q, name));
    } finally {
      conn.query(`DROP TABLE IF EXISTS ${name}`);
    }
  }
  if (q.params.length === 0) return arrowToRows(conn.query(q.sql) as unknown as ArrowTable);
  const stmt = conn.prepare(q.sql);
  try {
    return arrowToRows(stmt.query(...q.params) as unknown as ArrowTable);
  } finally {
    stmt.close();
  }
}

/** Floats may differ in the last bits between engines' aggregation order. */
function rounded(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v]))
  );
}

const t = { target_kind: 'entity' as const, target_id: UN_SYSTEM };
const pair = { a: 'IR', b: 'DZ' };
const some: Filters = { ...EMPTY_FILTERS, from: '2024-01-10', countries: ['IR', 'DZ'], topics: ['sanctions', 'un_reform'] };
const cases: [string, BoundQuery][] = [
  ['totals', Q.buildOverviewTotalsQuery(EMPTY_FILTERS)],
  ['totals filtered', Q.buildOverviewTotalsQuery(some)],
  ['by country', Q.buildCountsByCountryQuery(some)],
  ['by lang', Q.buildCountsByLangQuery({ ...EMPTY_FILTERS, sources: ['mehr', 'aps'] })],
  ['per bucket filtered', Q.buildArticlesPerBucketQuery(some, 'month')],
  ['trend by topic, no split', Q.buildTopicTrendQuery({ ...EMPTY_FILTERS, langs: ['fa'] }, { granularity: 'week', measure: 'count', byCountry: false })],
  ['list page', Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 4, offset: 2 })],
  ['country options', Q.buildCountryOptionsQuery()],
  ['source options', Q.buildSourceOptionsQuery()],
  ['lang options', Q.buildLangOptionsQuery()],
  ['by source', Q.buildCountsBySourceQuery(EMPTY_FILTERS)],
  ['per bucket', Q.buildArticlesPerBucketQuery(EMPTY_FILTERS, 'week')],
  ['topic shares', Q.buildTopicSharesQuery(some)],
  ['latest', Q.buildLatestArticlesQuery(EMPTY_FILTERS, 5)],
  ['trend', Q.buildTopicTrendQuery(some, { granularity: 'month', measure: 'share', byCountry: true })],
  ['undated', Q.buildUndatedCountQuery(some)],
  ['trend edges (cut weeks)', Q.buildTopicTrendEdgeQuery({ ...some, from: '2024-01-03', to: '2024-03-15' }, { granularity: 'week', byCountry: true })!],
  ['trend edges (cut months)', Q.buildTopicTrendEdgeQuery({ ...EMPTY_FILTERS, from: '2024-01-10', to: '2024-02-20' }, { granularity: 'quarter', byCountry: false })!],
  ['stance trend', Q.buildStanceTrendQuery(EMPTY_FILTERS, { ...t, granularity: 'month', threshold: 0.4, byCountry: true })],
  ['evidence', Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...t, threshold: 0, limit: 4, offset: 1 })],
  ['targets', Q.buildStanceTargetsQuery(EMPTY_FILTERS)],
  ['co topics', Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 5, measure: 'pmi' })],
  ['co actors', Q.buildCoMentionQuery(some, { rows: 'actors', cols: 'actors', n: 5, measure: 'jaccard', kinds: ['state', 'un_body'] })],
  ['compare topics', Q.buildCompareTopicsQuery(EMPTY_FILTERS, pair)],
  ['compare stance', Q.buildCompareStanceQuery(EMPTY_FILTERS, pair)],
  ['compare actors', Q.buildCompareActorsQuery(EMPTY_FILTERS, { ...pair, n: 3 })],
  ['compare terms', Q.buildCompareTermsQuery(EMPTY_FILTERS, { ...pair, n: 3 })],
  ['list', Q.buildArticleListQuery(some, { q: 'تحریم', limit: 5 })],
  ['list, titles search', Q.buildArticleListQuery(EMPTY_FILTERS, { q: 'ا', search: 'titles', limit: 5 })],
  ['list drill', Q.buildArticleListQuery(EMPTY_FILTERS, { entity: 'us', entity2: 'un_sc', stanceTarget: t, threshold: 0.1 })],
  ['article', Q.buildArticleQuery('a01')],
  ['mentions', Q.buildArticleMentionsQuery('a01')],
  ['topics', Q.buildArticleTopicsQuery('a04')],
  ['stances', Q.buildArticleStancesQuery('a02')],
  ['terms', Q.buildArticleTermsQuery('a01')],
  ['entity options', Q.buildEntityOptionsQuery()],
  ['topic options', Q.buildTopicOptionsQuery()],
  ['extent', Q.buildDateExtentQuery()]
];

it.each(cases)('%s: DuckDB-WASM + arrowToRows returns what node-api returns', async (_, q) => {
  const expected = await env.db.query(q);
  expect(expected.length).toBeGreaterThan(0);
  expect(rounded(runWasm(q))).toEqual(rounded(expected));
});

it('dates come back as YYYY-MM-DD strings and counts as numbers', () => {
  const [row] = runWasm(Q.buildOverviewTotalsQuery(EMPTY_FILTERS));
  expect(row).toMatchObject({ articles: 12, min_date: '2024-01-05' });
  expect(typeof row.articles).toBe('number');
});
