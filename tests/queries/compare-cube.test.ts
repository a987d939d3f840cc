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
import type { CoMentionCube } from '$lib/queries/comention-cube';
import { compareFromCube } from '$lib/queries/compare-cube';
import { COMENTION_COLUMNS, coMentionCubeFromTables } from '$lib/db/comention-arrow';
import type { EntityKind } from '$lib/schema';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: CoMentionCube;
let defs: { topic_id: string; label_en: string; color: string }[];
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);

beforeAll(async () => {
  env = await openFixtureDb();
  cube = coMentionCubeFromTables(await arrowTablesOf(env.dir, COMENTION_COLUMNS));
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
          const js = compareFromCube(cube, f, { ...pair, n, kinds }, defs);
          expect(norm(js.totals), what).toEqual(norm(await run(Q.buildCompareTotalsQuery(f, pair))));
          const topics = await run<Q.CompareTopicRow>(Q.buildCompareTopicsQuery(f, pair));
          expect(norm(js.topics), what).toEqual(norm(topics));
          const actors = await run<Q.CompareActorRow>(Q.buildCompareActorsQuery(f, { ...pair, n, kinds }));
          expect(norm(js.actors), what).toEqual(norm(actors));
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
