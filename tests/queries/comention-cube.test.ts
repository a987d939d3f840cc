/**
 * The co-mention cube (src/lib/queries/comention-cube.ts) against the SQL it replaces on the co-mentions page
 * (buildCoMentionQuery): identical rows, in the same order, on the fixture, across filters × columns × measures ×
 * top-N × actor kinds. The cube is built twice: from the fixture's Parquet files decoded by parquet-wasm/node through
 * the same Arrow conversion the browser loader uses (comention-arrow.ts), and from DuckDB rows (fromRows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityViews, openFixtureDb } from '../helpers/node-db';
import { arrowTablesOf } from '../helpers/arrow-files';
import { EMPTY_FILTERS, ENTITY_KINDS, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';
import { CoMentionCube, cmpBytes, type CoMentionCubeTuning } from '$lib/queries/comention-cube';
import { COMENTION_COLUMNS, coMentionCubeFromTables, factsColumns, filterCodeValues, type CoMentionTables } from '$lib/db/comention-arrow';
import { DateDay, Table, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { DERIVED_COLUMNS, type EntityKind } from '$lib/schema';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: CoMentionCube;
let cubeRows: CoMentionCube;
let cubeScan: CoMentionCube;
let cubeBytes: CoMentionCube;
/** With month totals built (prepareTallies): actors × topics by countries and dates come from them. */
let cubeMonths: CoMentionCube;
/** The same, reading every selection it can through the month totals' row lists (#indexedSelection), however large. */
let cubeIndexed: CoMentionCube;
/** From article_filters' integer codes and filter_codes, as the browser loads it (fetch-data.ts readArticleFilters). */
let cubeCodes: CoMentionCube;
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);
const all = (table: string) => run<Record<string, unknown>>({ sql: `SELECT * FROM ${table}`, params: [] });

function arrowTables(dir: string): Promise<CoMentionTables> {
  return arrowTablesOf(dir, COMENTION_COLUMNS);
}

/** `tuning` with zeros: the other algorithms (no per-mask entity counts; every pair of every article visited). */
async function cubeFromDb(tuning?: CoMentionCubeTuning): Promise<CoMentionCube> {
  return CoMentionCube.fromRows({
    facts: await all('article_facts'),
    pairs: await all('article_entities'),
    entityArticles: await all('entity_articles'),
    entities: await all('entities'),
    topicDefs: await all('topic_defs')
  }, tuning);
}

beforeAll(async () => {
  env = await openFixtureDb();
  const tables = await arrowTables(env.dir);
  cube = coMentionCubeFromTables(tables);
  const codes = await arrowTablesOf(env.dir, { article_filters: DERIVED_COLUMNS.article_filters, filter_codes: DERIVED_COLUMNS.filter_codes });
  cubeCodes = coMentionCubeFromTables({ ...tables, article_facts: codes.article_filters, filter_codes: codes.filter_codes });
  cubeRows = await cubeFromDb();
  cubeScan = await cubeFromDb({ maxMaskCells: 0, maxByteActors: 0 });
  cubeBytes = await cubeFromDb({ maxGlobalActors: 3 });
  cubeMonths = await cubeFromDb();
  expect(cubeMonths.prepareTallies()).toBe('done');
  cubeIndexed = await cubeFromDb({ indexedShare: 1 });
  expect(cubeIndexed.prepareTallies()).toBe('done');
});
afterAll(async () => env?.cleanup());
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });

const FILTERS: Filters[] = [
  F({}),
  F({ topics: ['sanctions'] }),
  F({ topics: ['sanctions', 'climate'] }),
  F({ topics: ['un_reform', 'nuclear'] }),
  F({ topics: ['no_such_topic'] }),
  F({ topics: ['no_such_topic', 'climate'] }),
  F({ countries: ['DZ'] }),
  F({ countries: ['IR', 'DZ'], langs: ['fa'] }),
  F({ countries: ['US'] }),
  F({ sources: ['mehr', 'aps'] }),
  F({ sources: ['irna'], topics: ['nuclear'] }),
  F({ langs: ['en'] }),
  F({ langs: ['ar', 'en'], topics: ['climate'] }),
  F({ from: '2024-01-01' }),
  F({ to: '2024-02-10' }),
  F({ from: '2024-02-10', to: '2024-02-10' }),
  F({ from: '2024-01-01', to: '2024-03-31' }),
  F({ from: '2024-01-10', to: '2024-03-15', countries: ['IR'] }),
  F({ from: '2024-01-20', topics: ['sanctions'] }),
  F({ to: '2024-02-10', langs: ['fa', 'en'], sources: ['mehr', 'irna'] }),
  F({ from: '2025-01-01' }),
  // A reversed range selects nothing (the SQL does not swap it; parseFilters does, before).
  F({ from: '2024-03-01', to: '2024-01-01' })
];

const OPTIONS: Q.CoMentionOptions[] = [];
const MEASURES = ['count', 'jaccard', 'pmi'] as const;
for (const cols of ['topics', 'actors'] as const) {
  for (const measure of MEASURES) for (const n of [1, 3, 15, 50]) OPTIONS.push({ rows: 'actors', cols, measure, n });
  const kindSets: EntityKind[][] = [['un_body'], ['state', 'regional'], ['person'], [...ENTITY_KINDS], []];
  kindSets.forEach((kinds, i) => OPTIONS.push({ rows: 'actors', cols, measure: MEASURES[i % 3], n: 3, kinds }));
}

/**
 * Exact equality, except for PMI: log2 comes from two math libraries (V8's and the C library DuckDB links), which may
 * differ in the last bit. Everything else, including the order and jaccard's division, must be identical.
 */
function expectSame(js: Q.CoMentionRow[], sql: Q.CoMentionRow[], what: string) {
  const strip = (rows: Q.CoMentionRow[], measure: string) =>
    rows.map((r) => ({ ...r, pmi: r.pmi === null ? null : 0, value: measure === 'pmi' && r.value !== null ? 0 : r.value }));
  const measure = what.includes('"pmi"') ? 'pmi' : '';
  expect(strip(js, measure), what).toEqual(strip(sql, measure));
  for (let i = 0; i < sql.length; i++) {
    for (const k of ['pmi', 'value'] as const) {
      const a = js[i][k];
      const b = sql[i][k];
      if (a === null || b === null) expect(a, what).toBe(b);
      else expect(Math.abs(a - b), `${what} row ${i} ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    }
  }
}

describe('co-mention cube = buildCoMentionQuery', () => {
  it('same rows on every filter × option set (cube from parquet-wasm + Arrow, from DuckDB rows, with the other algorithms)', async () => {
    let nonEmpty = 0;
    for (const f of FILTERS) {
      for (const o of OPTIONS) {
        const what = JSON.stringify([f, o]);
        const sql = await run<Q.CoMentionRow>(Q.buildCoMentionQuery(f, o));
        if (sql.length) nonEmpty++;
        expectSame(cube.query(f, o), sql, what);
        expectSame(cubeRows.query(f, o), sql, what);
        expectSame(cubeScan.query(f, o), sql, what);
        expectSame(cubeBytes.query(f, o), sql, what);
        expectSame(cubeMonths.query(f, o), sql, what);
        expectSame(cubeIndexed.query(f, o), sql, what);
        expectSame(cubeCodes.query(f, o), sql, `codes: ${what}`);
      }
    }
    // The combinations must exercise real grids, not only empty answers.
    expect(nonEmpty).toBeGreaterThan(FILTERS.length * OPTIONS.length * 0.6);
  });

  it('same rows whatever the order of calls (the per-filter and per-grid caches)', async () => {
    const fresh = await cubeFromDb();
    const seq: [Filters, Q.CoMentionOptions][] = [
      [FILTERS[0], { rows: 'actors', cols: 'topics', measure: 'count', n: 15 }],
      [FILTERS[0], { rows: 'actors', cols: 'topics', measure: 'pmi', n: 15 }],
      [FILTERS[0], { rows: 'actors', cols: 'actors', measure: 'pmi', n: 15 }],
      [FILTERS[6], { rows: 'actors', cols: 'actors', measure: 'pmi', n: 15 }],
      [FILTERS[6], { rows: 'actors', cols: 'actors', measure: 'jaccard', n: 3 }],
      [FILTERS[6], { rows: 'actors', cols: 'actors', measure: 'jaccard', n: 3, kinds: ['state'] }],
      [FILTERS[0], { rows: 'actors', cols: 'topics', measure: 'count', n: 15 }]
    ];
    for (const [f, o] of seq) expectSame(fresh.query(f, o), await run<Q.CoMentionRow>(Q.buildCoMentionQuery(f, o)), JSON.stringify([f, o]));
  });

  it('a cube rebuilt from its state (as the browser gets it from the worker, structured-cloned) answers the same', async () => {
    const state = cube.state();
    const copy = new CoMentionCube({ state: structuredClone(state) });
    // Transferred: every typed array moves (the source's buffers are detached), none is left behind or listed twice.
    const clone = structuredClone(state);
    const moved = new CoMentionCube({ state: structuredClone(clone, { transfer: CoMentionCube.transferables(clone) }) });
    expect(clone.ent.length).toBe(0);
    expect(clone.start.length).toBe(0);
    for (const f of FILTERS.slice(0, 8)) {
      for (const o of OPTIONS.filter((_, i) => i % 3 === 0)) {
        const sql = await run<Q.CoMentionRow>(Q.buildCoMentionQuery(f, o));
        expectSame(copy.query(f, o), sql, JSON.stringify([f, o]));
        expectSame(moved.query(f, o), sql, JSON.stringify([f, o]));
      }
    }
  });

  it('the known cells of the fixture (as comentions-compare.test.ts)', () => {
    const rows = cube.query(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 3, measure: 'count' });
    expect([...new Set(rows.map((r) => r.row_id))]).toEqual(['un_ga', 'un_sc', 'us']);
    expect(rows.find((r) => r.row_id === 'us' && r.col_id === 'sanctions')).toMatchObject({ row_articles: 4, col_articles: 5, articles: 4, value: 4 });
    const actors = cube.query(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', n: 3, measure: 'pmi' });
    expect(actors).toHaveLength(6);
    expect(actors.find((r) => r.row_id === 'un_ga' && r.col_id === 'us')?.value).toBeNull();
  });

  it('an entity id equal to a topic id, an entity missing from `entities`, unmatched and repeated rows', async () => {
    // `climate` is an actor too (a08, a12), `ghost` has no `entities` row (a01, a02), one pair names an entity_no
    // entity_articles lacks, one a text_row article_facts lacks: the SQL drops those two.
    const facts = await all('article_facts');
    const row = (id: string) => Number(facts.find((r) => r.article_id === id)!.text_row);
    const ea = await all('entity_articles');
    const next = Math.max(...ea.map((r) => Number(r.entity_no))) + 1;
    const extra = {
      entities: [{ entity_id: 'climate', kind: 'state', label_en: 'Climateland', label_fa: null, label_ar: null, country: null }],
      entity_articles: [
        { entity_id: 'climate', articles: 2, entity_no: next },
        { entity_id: 'ghost', articles: 2, entity_no: next + 1 }
      ],
      article_entities: [
        { text_row: row('a08'), entity_no: next },
        { text_row: row('a12'), entity_no: next },
        { text_row: row('a01'), entity_no: next + 1 },
        { text_row: row('a02'), entity_no: next + 1 },
        { text_row: row('a03'), entity_no: next + 7 },
        { text_row: 9999, entity_no: 0 },
        // A repeated (article, entity) row: the SQL counts it twice, in row_articles and in every pair.
        { text_row: row('a02'), entity_no: Number(ea.find((r) => r.entity_id === 'un_sc')!.entity_no) }
      ]
    };
    const views: Record<string, string> = entityViews(env.dir);
    const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`);
    try {
      for (const [name, rows] of Object.entries(extra)) {
        const union = rows.map((r) => `SELECT ${Object.values(r).map(lit).join(', ')}`).join(' UNION ALL ');
        await env.db.exec(`CREATE OR REPLACE VIEW ${name} AS ${views[name]} UNION ALL ${union}`);
      }
      const odd = await cubeFromDb();
      const oddScan = await cubeFromDb({ maxMaskCells: 0, maxGlobalActors: 3 });
      for (const f of [FILTERS[0], FILTERS[2], FILTERS[7]]) {
        for (const o of OPTIONS) {
          const sql = await run<Q.CoMentionRow>(Q.buildCoMentionQuery(f, o));
          expectSame(odd.query(f, o), sql, JSON.stringify([f, o]));
          expectSame(oddScan.query(f, o), sql, JSON.stringify([f, o]));
        }
      }
      const un_sc = odd.query(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', n: 50, measure: 'count' }).find((r) => r.row_id === 'un_sc' && r.col_id === 'us');
      expect(un_sc).toMatchObject({ row_articles: 5, articles: 3 }); // 4 articles + the repeat; 2 with us + the repeat
      const grid = odd.query(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 50, measure: 'count' });
      expect(grid.find((r) => r.row_id === 'climate' && r.col_id === 'climate')).toMatchObject({ articles: 2, jaccard: 1 });
      expect(grid.find((r) => r.row_id === 'ghost')).toMatchObject({ row_label: 'ghost', row_kind: null, row_articles: 2 });
    } finally {
      for (const [name, sql] of Object.entries(views)) await env.db.exec(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
    }
  });

  it('more than 32 actors (top actors past the first 32 bits, and past 8 bits a byte)', async () => {
    const views: Record<string, string> = entityViews(env.dir);
    // 60 more actors x00..x59 of two kinds, each in a pseudo-random third or so of the articles.
    const base = `(SELECT max(entity_no) + 1 FROM (${views.entity_articles}))`;
    const extra = `SELECT 'x' || lpad(CAST(k AS VARCHAR), 2, '0') AS entity_id, k FROM range(60) t(k)`;
    try {
      await env.db.exec(`CREATE OR REPLACE VIEW entities AS ${views.entities}
        UNION ALL SELECT entity_id, CASE WHEN k % 2 = 0 THEN 'state' ELSE 'person' END, 'Actor ' || entity_id, NULL, NULL, NULL FROM (${extra})`);
      await env.db.exec(`CREATE OR REPLACE VIEW entity_articles AS ${views.entity_articles}
        UNION ALL SELECT entity_id, 0, ${base} + k FROM (${extra})`);
      await env.db.exec(`CREATE OR REPLACE VIEW article_entities AS ${views.article_entities}
        UNION ALL SELECT f.text_row, ${base} + x.k FROM (${extra}) x, article_facts f WHERE (x.k * 7 + f.text_row * 13 + x.k * f.text_row) % 5 < 2`);
      const tunings: (CoMentionCubeTuning | undefined)[] = [undefined, { maxGlobalActors: 40 }, { maxGlobalActors: 0 }, { maxByteActors: 0 }];
      const cubes = await Promise.all(tunings.map((t) => cubeFromDb(t)));
      for (const f of [FILTERS[0], FILTERS[2], FILTERS[7], FILTERS[13]]) {
        for (const n of [15, 33, 50]) {
          for (const kinds of [[], ['person']] as EntityKind[][]) {
            const o: Q.CoMentionOptions = { rows: 'actors', cols: 'actors', measure: 'jaccard', n, kinds };
            const sql = await run<Q.CoMentionRow>(Q.buildCoMentionQuery(f, o));
            for (const c of cubes) expectSame(c.query(f, o), sql, JSON.stringify([f, o]));
          }
        }
      }
      expect(new Set(cubes[0].query(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', measure: 'count', n: 50 }).map((r) => r.row_id)).size).toBe(50);
    } finally {
      for (const [name, sql] of Object.entries(views)) await env.db.exec(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
    }
  });

  it('orders ids as DuckDB does (UTF-8 bytes)', () => {
    const ids = ['b', 'a_b', 'aB', 'a', 'A', 'é', 'z', '\u{1F600}', '\uFF01', 'a-b'];
    expect([...ids].sort(cmpBytes)).toEqual([...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
  });
});

describe('article_filters codes (factsColumns, filterCodeValues)', () => {
  const codesTable = (rows: [string, number, string | null][]) =>
    tableFromArrays({ field: rows.map((r) => r[0]), code: Int32Array.from(rows.map((r) => r[1])), value: rows.map((r) => r[2]) });
  const filtersTable = (country: number[]) =>
    new Table({
      date: vectorFromArray(country.map(() => new Date(Date.UTC(2024, 0, 1))), new DateDay()),
      country_code: makeVector(Int32Array.from(country)),
      source_code: makeVector(Int32Array.from(country.map(() => 0))),
      lang_code: makeVector(Int32Array.from(country.map(() => 0))),
      topic_mask: makeVector(BigInt64Array.from(country.map(() => 0n))),
      text_row: makeVector(Int32Array.from(country.map((_, i) => i)))
    } as never);
  const good: [string, number, string | null][] = [['country', 1, null], ['country', 0, 'IR'], ['source_id', 0, 'mehr'], ['lang', 0, 'fa']];

  it('decodes each row to the value of its code, NULL included', () => {
    const f = factsColumns(filtersTable([0, 1, 0]), codesTable(good));
    expect(Array.from(f.country.codes, (c) => f.country.values[c])).toEqual(['IR', null, 'IR']);
    expect(Array.from(f.source_id.codes, (c) => f.source_id.values[c])).toEqual(['mehr', 'mehr', 'mehr']);
    expect(filterCodeValues(codesTable(good))).toEqual({ country: ['IR', null], source_id: ['mehr'], lang: ['fa'], target_kind: [], target_id: [], stance: [] });
  });

  it('refuses codes that would decode to a wrong or missing value', () => {
    expect(() => filterCodeValues(codesTable([...good, ['country', 3, 'SA']]))).toThrow(/gaps/);
    expect(() => filterCodeValues(codesTable([...good, ['country', 0, 'SA']]))).toThrow(/bad row/);
    expect(() => filterCodeValues(codesTable([...good, ['planet', 0, 'Mars']]))).toThrow(/bad row/);
    expect(() => factsColumns(filtersTable([0, 2]), codesTable(good))).toThrow(/country_code: code 2 \(row 1\)/);
  });
});
