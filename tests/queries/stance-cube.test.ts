/**
 * The stance cube (src/lib/queries/stance-cube.ts) against the SQL it replaces for the stance page's chart
 * (buildStanceTrendQuery): identical rows, in the same order, on the fixture, across filters × targets × thresholds ×
 * time steps × split. Built from the fixture's Parquet files decoded by parquet-wasm/node through the same Arrow
 * conversion the browser loader uses (stance-arrow.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFixtureDb } from '../helpers/node-db';
import { arrowTablesOf } from '../helpers/arrow-files';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters, type StanceTarget } from '$lib/filters';
import * as Q from '$lib/queries';
import { StanceCube } from '$lib/queries/stance-cube';
import { STANCE_CUBE_COLUMNS, stanceCubeFromTables, type StanceCubeTables } from '$lib/db/stance-arrow';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: StanceCube;
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);

beforeAll(async () => {
  env = await openFixtureDb();
  const t: StanceCubeTables = await arrowTablesOf(env.dir, STANCE_CUBE_COLUMNS);
  cube = stanceCubeFromTables(t);
});
afterAll(async () => env?.cleanup());

const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });
const FILTERS: Filters[] = [
  F({}),
  F({ countries: ['IR'] }),
  F({ countries: ['IR', 'DZ'], langs: ['fa', 'ar'] }),
  F({ sources: ['aps'] }),
  F({ topics: ['sanctions'] }),
  F({ topics: ['un_reform', 'climate'] }),
  F({ from: '2024-01-15', to: '2024-02-29' }),
  F({ from: '2024-02-01', countries: ['DZ'] }),
  F({ to: '2024-01-31' }),
  F({ langs: ['en'] }),
  F({ countries: ['US'] }),
  F({ topics: ['no-such-topic'] })
];
const TARGETS: StanceTarget[] = [
  { target_kind: 'entity', target_id: UN_SYSTEM },
  { target_kind: 'entity', target_id: 'un_sc' },
  { target_kind: 'entity', target_id: 'un_ga' },
  { target_kind: 'topic', target_id: 'sanctions' },
  { target_kind: 'entity', target_id: 'no-such-entity' }
];
const norm = (rows: object[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? Math.round(v * 1e12) / 1e12 : v])));

describe('stance cube = buildStanceTrendQuery', () => {
  for (const granularity of Q.GRANULARITIES) {
    for (const byCountry of [false, true]) {
      it(`${granularity}, ${byCountry ? 'per country' : 'together'}`, async () => {
        let nonEmpty = 0;
        for (const f of FILTERS) {
          for (const target of TARGETS) {
            for (const threshold of [0, 0.5, 0.85, Number.NaN, 7]) {
              const o = { ...target, granularity, threshold, byCountry };
              const want = await run<Q.StanceTrendRow>(Q.buildStanceTrendQuery(f, o));
              expect(norm(cube.trend(f, o)), `${JSON.stringify(f)} ${JSON.stringify(o)}`).toEqual(norm(want));
              if (want.some((r) => r.articles > 0)) nonEmpty++;
            }
          }
        }
        // Real answers were compared, not only empty grids.
        expect(nonEmpty).toBeGreaterThan(40);
      });
    }
  }
});

describe('stance cube state', () => {
  it('a cube rebuilt from its state (as the page gets it from the worker, structured-cloned) answers the same', () => {
    const clone = new StanceCube({ state: structuredClone(cube.state()) });
    for (const f of FILTERS)
      for (const target of TARGETS) {
        const o = { ...target, granularity: 'month' as const, threshold: 0.3, byCountry: true };
        expect(clone.trend(f, o)).toEqual(cube.trend(f, o));
      }
    // Every typed array is handed over, none copied twice.
    const bufs = StanceCube.transferables(cube.state());
    expect(new Set(bufs).size).toBe(bufs.length);
    expect(bufs.length).toBeGreaterThanOrEqual(8);
  });
});
