/**
 * The stance cube (src/lib/queries/stance-cube.ts) against the SQL it replaces for the stance page's chart
 * (buildStanceTrendQuery): identical rows, in the same order, on the fixture, across filters × targets × thresholds ×
 * time steps × split; and for the compare page's stance table (buildCompareStanceQuery) across filters × pairs ×
 * thresholds. Built from the fixture's Parquet files decoded by parquet-wasm/node through the same Arrow
 * conversion the browser loader uses (stance-arrow.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normRows, openFixtureDb } from '../helpers/node-db';
import { arrowTablesOf } from '../helpers/arrow-files';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters, type StanceTarget } from '$lib/filters';
import * as Q from '$lib/queries';
import { StanceCube } from '$lib/queries/stance-cube';
import { DERIVED_COLUMNS } from '$lib/schema';
import { STANCE_CUBE_COLUMNS, stanceCubeFromTables, type StanceCubeTables } from '$lib/db/stance-arrow';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: StanceCube;
/** The same cube from article_filters' integer codes and filter_codes, as the browser loads it (fetch-data.ts). */
let cubeCodes: StanceCube;
/** entities.label_en by entity_id, for `compare`'s labels. */
let labels: Map<string, string | null>;
const labelOf = (id: string) => labels.get(id) ?? null;
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);

beforeAll(async () => {
  env = await openFixtureDb();
  const t: StanceCubeTables = await arrowTablesOf(env.dir, STANCE_CUBE_COLUMNS);
  cube = stanceCubeFromTables(t);
  const codes = await arrowTablesOf(env.dir, {
    article_filters: DERIVED_COLUMNS.article_filters,
    filter_codes: DERIVED_COLUMNS.filter_codes,
    stance_cube: DERIVED_COLUMNS.stance_cube
  });
  cubeCodes = stanceCubeFromTables({
    ...t,
    stance_facts: null,
    stance_cube: codes.stance_cube,
    article_facts: codes.article_filters,
    filter_codes: codes.filter_codes
  });
  const ents = await run<{ entity_id: string; label_en: string | null }>({ sql: 'SELECT entity_id, label_en FROM entities', params: [] });
  labels = new Map(ents.map((e) => [e.entity_id, e.label_en]));
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
const THRESHOLDS = [0, 0.5, 0.85, Number.NaN, 7];
/** Pairs to compare: both orders, a country with few or no articles (US), one absent from the data (XX), a = b. */
const PAIRS = [
  { a: 'IR', b: 'DZ' },
  { a: 'DZ', b: 'IR' },
  { a: 'IR', b: 'SA' },
  { a: 'IR', b: 'US' },
  { a: 'XX', b: 'DZ' },
  { a: 'SA', b: 'XX' },
  { a: 'IR', b: 'IR' }
];
const norm = normRows;

describe('stance cube = buildStanceTrendQuery', () => {
  for (const granularity of Q.GRANULARITIES) {
    for (const byCountry of [false, true]) {
      it(`${granularity}, ${byCountry ? 'per country' : 'together'}`, async () => {
        let nonEmpty = 0;
        for (const f of FILTERS) {
          for (const target of TARGETS) {
            for (const threshold of THRESHOLDS) {
              const o = { ...target, granularity, threshold, byCountry };
              const want = await run<Q.StanceTrendRow>(Q.buildStanceTrendQuery(f, o));
              expect(norm(cube.trend(f, o)), `${JSON.stringify(f)} ${JSON.stringify(o)}`).toEqual(norm(want));
              expect(norm(cubeCodes.trend(f, o)), `codes: ${JSON.stringify(f)} ${JSON.stringify(o)}`).toEqual(norm(want));
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

describe('stance cube compare = buildCompareStanceQuery', () => {
  it('same rows, same order, for every filter × pair × threshold (the filter\'s countries replaced by the pair)', async () => {
    let nonEmpty = 0;
    let bothSides = 0;
    let perBody = 0;
    for (const f of FILTERS) {
      for (const pair of PAIRS) {
        for (const threshold of [...THRESHOLDS, undefined]) {
          const o = threshold === undefined ? pair : { ...pair, threshold };
          const want = await run<Q.CompareStanceRow>(Q.buildCompareStanceQuery(f, o));
          expect(norm(cube.compare(f, o, labelOf)), `${JSON.stringify(f)} ${JSON.stringify(o)}`).toEqual(norm(want));
          expect(norm(cubeCodes.compare(f, o, labelOf)), `codes: ${JSON.stringify(f)} ${JSON.stringify(o)}`).toEqual(norm(want));
          // With each side's total given (the page passes the co-mention cube's), only the articles with a stance are tested.
          if (pair.a !== pair.b) {
            const totals = await run<Q.CompareTotalsRow>(Q.buildCompareTotalsQuery(f, pair));
            const given = { a: totals.find((r) => r.country === pair.a)?.articles ?? 0, b: totals.find((r) => r.country === pair.b)?.articles ?? 0 };
            expect(norm(cube.compare(f, o, labelOf, given)), `${JSON.stringify(f)} ${JSON.stringify(o)} given totals`).toEqual(norm(want));
          }
          if (want.length > 0) nonEmpty++;
          if (new Set(want.map((r) => r.country)).size === 2) bothSides++;
          if (want.some((r) => r.target_id !== UN_SYSTEM)) perBody++;
        }
      }
    }
    // Real answers were compared: many non-empty, both countries and single UN bodies among them.
    expect(nonEmpty).toBeGreaterThan(100);
    expect(bothSides).toBeGreaterThan(30);
    expect(perBody).toBeGreaterThan(100);
  });
});

describe('stance cube state', () => {
  it('is the same built from stance_cube and article_filters (codes) as from stance_facts and article_facts (strings)', () => {
    const a = cube.state();
    const b = cubeCodes.state();
    for (const k of ['art', 'target', 'label', 'score', 'confidence', 'targetIsUn'] as const) expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
    expect(b.targetKeys).toEqual(a.targetKeys);
    expect(b.art.length).toBeGreaterThan(5);
    const decode = (c: { codes: Int32Array; values: readonly (string | null)[] }) => Array.from(c.codes, (x) => c.values[x]);
    for (const k of ['country', 'source_id', 'lang'] as const) expect(decode(b.facts[k]), k).toEqual(decode(a.facts[k]));
  });

  it('a cube rebuilt from its state (as the page gets it from the worker, structured-cloned) answers the same', () => {
    const clone = new StanceCube({ state: structuredClone(cube.state()) });
    for (const f of FILTERS)
      for (const target of TARGETS) {
        const o = { ...target, granularity: 'month' as const, threshold: 0.3, byCountry: true };
        expect(clone.trend(f, o)).toEqual(cube.trend(f, o));
      }
    for (const f of FILTERS)
      for (const pair of PAIRS) {
        const o = { ...pair, threshold: 0.3 };
        expect(clone.compare(f, o, labelOf)).toEqual(cube.compare(f, o, labelOf));
      }
    // Every typed array is handed over, none copied twice.
    const bufs = StanceCube.transferables(cube.state());
    expect(new Set(bufs).size).toBe(bufs.length);
    expect(bufs.length).toBeGreaterThanOrEqual(8);
  });
});

describe('stance cube targets and evidence count = buildStanceTargetsQuery, buildStanceEvidenceCountQuery', () => {
  it('the target list: same rows, same order, for every filter', async () => {
    const ents = await run<{ entity_id: string; label_en: string | null; kind: string }>({ sql: 'SELECT entity_id, label_en, kind FROM entities', params: [] });
    const topics = await run<{ topic_id: string; label_en: string | null }>({ sql: 'SELECT topic_id, label_en FROM topic_defs', params: [] });
    const byEntity = new Map(ents.map((e) => [e.entity_id, e]));
    const byTopic = new Map(topics.map((t) => [t.topic_id, t]));
    const meta = (kind: string, id: string) => {
      const e = kind === 'entity' ? byEntity.get(id) : undefined;
      return { label: e ? e.label_en : kind === 'topic' ? (byTopic.get(id)?.label_en ?? null) : null, entityKind: (e?.kind ?? null) as never };
    };
    let nonEmpty = 0;
    for (const f of FILTERS) {
      const want = await run<Q.StanceTargetRow>(Q.buildStanceTargetsQuery(f));
      expect(normRows(cube.targets(f, meta)), JSON.stringify(f)).toEqual(normRows(want));
      if (want.length > 2) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(5);
  });

  it('the evidence count: the same, for every filter × target × threshold × label × drill-down', async () => {
    const drills = [{}, { bucketStart: '2024-01-01', bucketEnd: '2024-02-01' }, { bucketStart: '2024-02-01' }, { country: 'IR' }, { country: 'XX' }];
    let compared = 0;
    let positive = 0;
    for (const f of FILTERS) {
      for (const target of TARGETS) {
        for (const threshold of [0, 0.5, Number.NaN]) {
          for (const stance of [null, 'support', 'oppose', 'neutral'] as const) {
            for (const drill of drills) {
              const o = { ...target, threshold, stance, ...drill };
              const [want] = await run<Q.CountRow>(Q.buildStanceEvidenceCountQuery(f, o));
              expect(cube.evidenceCount(f, o), JSON.stringify([f, o])).toBe(Number(want.n));
              compared++;
              if (Number(want.n) > 0) positive++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(positive).toBeGreaterThan(200);
  });
});
