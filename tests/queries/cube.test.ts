/**
 * The in-memory topic cube (src/lib/queries/cube.ts) against the SQL it replaces on the trends page and in the filter
 * options: identical rows on the fixture, across time steps, split, filters and date ranges (whole and cut buckets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normRows, openFixtureDb } from '../helpers/node-db';
import { EMPTY_FILTERS, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';
import { DayCounts, TopicCube } from '$lib/queries/cube';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
let cube: TopicCube;
let days: DayCounts;
beforeAll(async () => {
  env = await openFixtureDb();
  cube = TopicCube.fromRows(await env.db.query({ sql: 'SELECT * FROM topic_buckets', params: [] }));
  const ids = (await env.db.query<{ topic_id: string }>({ sql: 'SELECT topic_id FROM topic_defs', params: [] })).map((r) => r.topic_id);
  days = DayCounts.fromRows(await env.db.query({ sql: 'SELECT * FROM article_counts', params: [] }), cube, ids);
});
afterAll(async () => env?.cleanup());
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });

const FILTERS: Filters[] = [
  F({}),
  F({ topics: ['sanctions'] }),
  F({ topics: ['sanctions', 'climate'] }),
  F({ countries: ['DZ'] }),
  F({ countries: ['IR', 'DZ'], langs: ['fa'] }),
  F({ sources: ['mehr', 'aps'] }),
  F({ langs: ['en'] }),
  F({ countries: ['DZ'], from: '2024-02-01' }),
  F({ from: '2024-01-01', to: '2024-03-31' }),
  F({ from: '2024-01-01', to: '2024-02-29', sources: ['mehr', 'aps'] }),
  F({ from: '2024-01-10', to: '2024-03-15' }),
  F({ from: '2024-01-20', topics: ['sanctions'] }),
  F({ to: '2024-02-10', langs: ['fa', 'en'] }),
  F({ from: '2024-02-25', to: '2024-02-25' }),
  F({ from: '2024-01-15', to: '2024-01-21' }),
  F({ from: '2024-01-08', to: '2024-02-04', countries: ['IR'] }),
  F({ from: '2025-01-01' }),
  F({ countries: ['US'] })
];

/** The cube's answer, with the edge rows from DuckDB when the range cuts a stored bucket (as the page does). */
async function cubeTrend(f: Filters, o: { granularity: Q.Granularity; byCountry: boolean }) {
  const eq = TopicCube.cutsBuckets(f, o.granularity) ? Q.buildTopicTrendEdgeQuery(f, o) : null;
  const edges = eq ? await run<Q.TrendEdgeRow>(eq) : [];
  // The page computes the edges in JS from article_counts (DayCounts); they must be the SQL's, up to order.
  const key = (r: Q.TrendEdgeRow) => `${r.bucket}|${r.country}|${r.topic_id}`;
  const sort = (rows: Q.TrendEdgeRow[]) => rows.map((r) => ({ ...r, articles: Number(r.articles) })).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  expect(sort(days.edges(f, o)), `edges ${JSON.stringify(f)} ${o.granularity}`).toEqual(sort(edges));
  return cube.trend(f, o, days.edges(f, o));
}

describe('topic cube = buildTopicTrendQuery', () => {
  for (const granularity of Q.GRANULARITIES) {
    for (const byCountry of [false, true]) {
      for (const measure of ['share', 'count'] as const) {
        it(`${granularity}, ${byCountry ? 'per country' : 'together'}, ${measure}`, async () => {
          for (const f of FILTERS) {
            const o = { granularity, byCountry, measure };
            const sql = await run<Q.TopicTrendHitRow>(Q.buildTopicTrendQuery(f, o));
            const js = await cubeTrend(f, o);
            expect(js, JSON.stringify(f)).toEqual(sql);
            // And what the chart and CSV get from it.
            const series = await run<Q.TopicSeriesRow>(Q.buildTopicSeriesQuery(f));
            expect(Q.fillTopicTrend(js, series, granularity, measure)).toEqual(Q.fillTopicTrend(sql, series, granularity, measure));
          }
        });
      }
    }
  }

  it('knows when a range cuts a stored bucket', () => {
    expect(TopicCube.cutsBuckets(F({ from: '2024-01-01', to: '2024-03-31' }), 'month')).toBe(false);
    expect(TopicCube.cutsBuckets(F({ from: '2024-01-01', to: '2024-03-30' }), 'quarter')).toBe(true);
    expect(TopicCube.cutsBuckets(F({ from: '2024-01-02' }), 'year')).toBe(true);
    // 2024-01-01 is a Monday; 2024-01-07 a Sunday.
    expect(TopicCube.cutsBuckets(F({ from: '2024-01-01', to: '2024-01-07' }), 'week')).toBe(false);
    expect(TopicCube.cutsBuckets(F({ from: '2024-01-01', to: '2024-01-31' }), 'week')).toBe(true);
    expect(TopicCube.cutsBuckets(F({}), 'week')).toBe(false);
  });

  it('without the edge rows a cut range differs (the edges matter)', async () => {
    const f = F({ from: '2024-01-10', to: '2024-03-15' });
    const o = { granularity: 'month' as const, byCountry: false, measure: 'count' as const };
    expect(cube.trend(f, o)).not.toEqual(await run(Q.buildTopicTrendQuery(f, o)));
  });
});

describe('topic cube = undated count and filter options', () => {
  it('undated count without a topics filter', async () => {
    for (const f of FILTERS.filter((x) => !x.topics.length)) {
      expect([cube.undated(f)], JSON.stringify(f)).toEqual(await run(Q.buildUndatedCountQuery(f)));
    }
  });

  it('filter options', async () => {
    const defs = await run<{ topic_id: string; label_en: string; color: string; core: boolean }>({ sql: 'SELECT * FROM topic_defs', params: [] });
    const ents = await run<{ entity_id: string; label_en: string; kind: never; country: string | null }>({ sql: 'SELECT * FROM entities', params: [] });
    const ea = await run<{ entity_id: string; articles: number }>({ sql: 'SELECT * FROM entity_articles', params: [] });
    const o = cube.options(defs, ents, ea);
    expect(o.countries).toEqual(await run(Q.buildCountryOptionsQuery()));
    expect(o.sources).toEqual(await run(Q.buildSourceOptionsQuery()));
    expect(o.langs).toEqual(await run(Q.buildLangOptionsQuery()));
    expect(o.topics).toEqual(await run(Q.buildTopicOptionsQuery()));
    expect(o.entities).toEqual(await run(Q.buildEntityOptionsQuery()));
    expect([o.extent]).toEqual(await run(Q.buildDateExtentQuery()));
  });
});

describe('overview from article_counts in JS = the overview SQL', () => {
  const norm = normRows;
  for (const f of [...FILTERS, F({ topics: ['no-such-topic'] }), F({ countries: ['IR'], topics: ['nuclear', 'climate'], from: '2024-01-06' })]) {
    it(JSON.stringify(Object.fromEntries(Object.entries(f).filter(([, v]) => (Array.isArray(v) ? v.length : v)))), async () => {
      const defs = await run<{ topic_id: string; label_en: string; color: string; core: boolean }>({ sql: 'SELECT topic_id, label_en, color, core FROM topic_defs', params: [] });
      const fromCube = cube.overview(f, defs);
      // The cube answers exactly when there is no topics filter and the range is whole months, and only then.
      expect(fromCube === null).toBe(f.topics.length > 0 || TopicCube.cutsBuckets(f, 'month'));
      for (const [how, js] of [['article_counts', Q.overviewFromDayCounts(days, f, defs)], ['cube', fromCube]] as const) {
        if (!js) continue;
        expect(norm(js.totals), `${how}: totals`).toEqual(norm(await run(Q.buildOverviewTotalsQuery(f))));
        expect(norm(js.byCountry), `${how}: by country`).toEqual(norm(await run(Q.buildCountsByCountryQuery(f))));
        expect(norm(js.byLang), `${how}: by lang`).toEqual(norm(await run(Q.buildCountsByLangQuery(f))));
        expect(norm(js.bySource), `${how}: by source`).toEqual(norm(await run(Q.buildCountsBySourceQuery(f))));
        expect(norm(js.coverage), `${how}: coverage`).toEqual(norm(await run(Q.buildArticlesPerBucketQuery(f, 'month'))));
        expect(norm(js.topicShares), `${how}: topic shares`).toEqual(norm(await run(Q.buildTopicSharesQuery(f))));
      }
    });
  }
  it('the cube path covers unfiltered, country/source/lang and whole-month views', async () => {
    const defs = await run<{ topic_id: string; label_en: string; color: string; core: boolean }>({ sql: 'SELECT topic_id, label_en, color, core FROM topic_defs', params: [] });
    const answered = FILTERS.filter((f) => cube.overview(f, defs) !== null);
    expect(answered.length).toBeGreaterThanOrEqual(6);
    expect(answered.some((f) => f.from && f.to)).toBe(true);
  });
  it('the fixture exercises it: several countries, sources, undated articles and months', () => {
    const all = Q.overviewFromDayCounts(days, EMPTY_FILTERS, []);
    expect(all.byCountry.length).toBeGreaterThan(2);
    expect(all.bySource.length).toBeGreaterThan(2);
    expect(all.totals[0].undated).toBeGreaterThan(0);
    expect(new Set(all.coverage.map((r) => r.bucket)).size).toBeGreaterThan(2);
  });
});
