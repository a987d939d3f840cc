/**
 * The compare page's totals, topics and actors from the co-mention cube (src/lib/queries/compare-cube.ts) against the
 * SQL they replace (buildCompareTotalsQuery, buildCompareTopicsQuery, buildCompareActorsQuery): the same rows in the
 * same order on the fixture, across filters × pairs × top-n × kinds. The cube is decoded from the fixture's Parquet
 * as the browser's loader decodes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normRows, openFixtureDb } from '../helpers/node-db';
import { arrowTablesOf } from '../helpers/arrow-files';
import { EMPTY_FILTERS, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';
import { CoMentionCube, NULL_DAY } from '$lib/queries/comention-cube';
import { compareFromCube } from '$lib/queries/compare-cube';
import { COMENTION_COLUMNS, coMentionCubeFromTables } from '$lib/db/comention-arrow';
import type { EntityKind } from '$lib/schema';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: CoMentionCube;
let byMonth: CoMentionCube;
let defs: { topic_id: string; label_en: string; color: string }[];
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);

beforeAll(async () => {
  env = await openFixtureDb();
  cube = coMentionCubeFromTables(await arrowTablesOf(env.dir, COMENTION_COLUMNS));
  byMonth = new CoMentionCube({ state: cube.state() });
  expect(byMonth.prepareTallies()).toBe('done');
  defs = await run({ sql: 'SELECT topic_id, label_en, color FROM topic_defs', params: [] });
});
afterAll(async () => env?.cleanup());

const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });
const FILTERS: Filters[] = [
  F({}),
  F({ countries: ['SA'] }), // replaced by the pair
  F({ topics: ['sanctions'] }),
  F({ topics: ['un_reform', 'nuclear'] }),
  F({ topics: ['no_such_topic'] }),
  F({ sources: ['mehr', 'aps'] }),
  F({ langs: ['fa', 'en'] }),
  F({ from: '2024-01-01' }),
  F({ to: '2024-02-10' }),
  F({ from: '2024-01-10', to: '2024-03-15', topics: ['climate'] }),
  F({ from: '2025-01-01' })
];
const PAIRS = [
  { a: 'IR', b: 'DZ' },
  { a: 'DZ', b: 'IR' },
  { a: 'IR', b: 'SA' },
  { a: 'IR', b: 'XX' }
];
const norm = normRows;

describe('compare from the co-mention cube = the compare SQL', () => {
  it('totals, topics and actors: same rows, same order, for every filter × pair × top-n × kinds', async () => {
    let actorsSeen = 0;
    let topicsSeen = 0;
    for (const f of FILTERS) {
      for (const pair of PAIRS) {
        for (const [n, kinds] of [[12, undefined], [1, undefined], [3, ['un_body']], [5, ['state', 'person']]] as [number, EntityKind[] | undefined][]) {
          const what = JSON.stringify([f, pair, n, kinds]);
          const totals = await run(Q.buildCompareTotalsQuery(f, pair));
          const topics = await run<Q.CompareTopicRow>(Q.buildCompareTopicsQuery(f, pair));
          const actors = await run<Q.CompareActorRow>(Q.buildCompareActorsQuery(f, { ...pair, n, kinds }));
          // Scanned, and added up from month totals where the filter allows (prepareTallies).
          for (const c of [cube, byMonth]) {
            const js = compareFromCube(c, f, { ...pair, n, kinds }, defs);
            expect(norm(js.totals), what).toEqual(norm(totals));
            expect(norm(js.topics), what).toEqual(norm(topics));
            expect(norm(js.actors), what).toEqual(norm(actors));
          }
          if (actors.length) actorsSeen++;
          if (topics.some((r) => r.articles > 0)) topicsSeen++;
        }
      }
    }
    // Real answers were compared, not only empty ones.
    expect(actorsSeen).toBeGreaterThan(60);
    expect(topicsSeen).toBeGreaterThan(60);
  });
});

describe('a tally from month totals = the same tally scanned', () => {
  it('equal counts for country sets × one topic × date ranges: open, whole months, single days, month edges, inverted', async () => {
    const scanned = new CoMentionCube({ state: cube.state() }, { monthTotals: false });
    const days = (await run<{ d: string }>({ sql: "SELECT DISTINCT strftime(date, '%Y-%m-%d') AS d FROM article_facts WHERE date IS NOT NULL ORDER BY d", params: [] })).map((r) => r.d);
    expect(days.length).toBeGreaterThan(5);
    expect(scanned.prepareTallies()).toBe('unavailable');
    const shift = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    // Every stored day, the days around it, and the first and last day of its month and of the next.
    const edges = new Set<string>();
    for (const d of days) {
      for (const n of [-1, 0, 1]) edges.add(shift(d, n));
      const [y, m] = d.split('-').map(Number);
      edges.add(new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10));
      edges.add(new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10));
      edges.add(new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10));
    }
    const bounds = [null, '1990-01-01', '2100-12-31', ...[...edges].sort()];
    const countrySets = [[], ['IR'], ['IR', 'DZ'], ['SA'], ['XX']];
    let nonEmpty = 0;
    let compared = 0;
    for (let x = 0; x < bounds.length; x += 2) {
      for (let y = 0; y < bounds.length; y += 3) {
        for (const [countries, topics] of countrySets.flatMap((c) => [[], ['sanctions'], ['nuclear'], ['no_such_topic']].map((t) => [c, t]))) {
          const f = F({ countries, topics, from: bounds[x], to: bounds[y] });
          const a = byMonth.tally(f);
          const b = scanned.tally(f);
          expect(a, JSON.stringify(f)).toEqual(b);
          compared++;
          if (a.articles > 0) nonEmpty++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(nonEmpty).toBeGreaterThan(100);
    // Built in slices (a page's idle callbacks): stopped after every check, then resumed, the same totals.
    const sliced = new CoMentionCube({ state: cube.state() });
    let checks = 0;
    let slices = 0;
    while (sliced.prepareTallies(() => checks++ % 2 === 0) === 'pending') slices++;
    expect(slices).toBeGreaterThan(1);
    for (const f of [F({}), F({ countries: ['IR'], from: '2024-01-15' }), F({ topics: ['sanctions'], to: '2024-02-10' })]) expect(sliced.tally(f)).toEqual(scanned.tally(f));
    // A stray date decades away (a text's "1950", "2090"): the months between hold no article and are left out of the
    // totals (only months with articles are kept), with the same answers at every edge around them.
    const state = cube.state();
    const dated = [...state.date.keys()].filter((i) => state.date[i] !== NULL_DAY).sort((a, b) => state.date[a] - state.date[b] || a - b);
    const date = Int32Array.from(state.date);
    date[dated[0]] = Date.UTC(1950, 2, 10) / 86_400_000;
    date[dated[dated.length - 1]] = Date.UTC(2090, 10, 3) / 86_400_000;
    const strayMonths = new CoMentionCube({ state: { ...state, date } });
    const strayScanned = new CoMentionCube({ state: { ...state, date } }, { monthTotals: false });
    expect(strayMonths.prepareTallies()).toBe('done');
    const strayBounds = [null, '1950-03-09', '1950-03-10', '1950-03-31', '1950-04-01', '1999-01-01', days[1], days[days.length - 2], '2090-11-01', '2090-11-03', '2090-11-04', '2090-12-01'];
    for (const from of strayBounds)
      for (const to of strayBounds)
        for (const [countries, topics] of [[[], []], [['IR'], []], [[], ['sanctions']], [['IR', 'DZ', 'SA'], ['nuclear']]]) {
          const f = F({ countries, topics, from, to });
          expect(strayMonths.tally(f), JSON.stringify(f)).toEqual(strayScanned.tally(f));
        }
    // The scan still serves what month totals cannot answer (two topics, sources, languages).
    for (const f of [F({ topics: ['sanctions', 'nuclear'], from: '2024-01-10' }), F({ sources: ['mehr'] }), F({ langs: ['fa'], countries: ['IR'] })])
      expect(byMonth.tally(f)).toEqual(scanned.tally(f));
  });
});
