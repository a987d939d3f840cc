/** Overview and filter-option builders against the hand-made fixture; expected numbers come from its header table. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFixtureDb } from '../helpers/node-db';
import { EMPTY_FILTERS, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
beforeAll(async () => {
  env = await openFixtureDb();
});
afterAll(async () => env?.cleanup());
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });

describe('overview totals', () => {
  it('counts the whole corpus', async () => {
    expect(await run(Q.buildOverviewTotalsQuery(EMPTY_FILTERS))).toEqual([
      { articles: 12, dated: 9, undated: 3, min_date: '2024-01-05', max_date: '2024-03-30', countries: 2, sources: 3, langs: 3 }
    ]);
  });
  it('narrows to one country', async () => {
    const [r] = await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(F({ countries: ['IR'] })));
    expect(r).toEqual({ articles: 6, dated: 4, undated: 2, min_date: '2024-01-05', max_date: '2024-03-03', countries: 1, sources: 2, langs: 1 });
  });
  it('a date range drops undated articles and is inclusive at both ends', async () => {
    const [r] = await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(F({ from: '2024-02-01', to: '2024-02-25' })));
    expect(r).toMatchObject({ articles: 3, dated: 3, undated: 0, min_date: '2024-02-01', max_date: '2024-02-25' });
  });
  it('a topic filter keeps articles with ANY of the topics', async () => {
    const [r] = await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(F({ topics: ['nuclear', 'climate'] })));
    expect(r.articles).toBe(4); // a01 a03 (nuclear), a08 a12 (climate)
  });
  it('sources and langs filter', async () => {
    expect((await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(F({ sources: ['mehr'] }))))[0].articles).toBe(3);
    expect((await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(F({ langs: ['en', 'ar'] }))))[0].articles).toBe(6);
  });
});

describe('breakdowns', () => {
  it('by country, unknown last', async () => {
    const rows = await run<Q.CountByCountryRow>(Q.buildCountsByCountryQuery(EMPTY_FILTERS));
    expect(rows.map((r) => [r.country, r.articles])).toEqual([['IR', 6], ['DZ', 5], [null, 1]]);
    expect(rows[0].share).toBeCloseTo(0.5);
  });
  it('by lang', async () => {
    const rows = await run<Q.CountByLangRow>(Q.buildCountsByLangQuery(EMPTY_FILTERS));
    expect(rows.map((r) => [r.lang, r.articles])).toEqual([['fa', 6], ['ar', 5], ['en', 1]]);
  });
  it('by source, with English name and country', async () => {
    const rows = await run<Q.CountBySourceRow>(Q.buildCountsBySourceQuery(EMPTY_FILTERS));
    expect(rows.map((r) => [r.source_id, r.source_name, r.country, r.articles])).toEqual([
      ['aps', 'Algérie Presse Service', 'DZ', 5],
      ['irna', 'Islamic Republic News Agency', 'IR', 3],
      ['mehr', 'Mehr News Agency', 'IR', 3],
      [null, null, null, 1]
    ]);
  });
});

describe('articles per bucket', () => {
  it('month × country, empty cells as 0', async () => {
    const rows = await run<Q.ArticlesPerBucketRow>(Q.buildArticlesPerBucketQuery(EMPTY_FILTERS, 'month'));
    expect(rows.map((r) => `${r.bucket} ${r.country} ${r.articles}`)).toEqual([
      '2024-01-01 DZ 1', '2024-01-01 IR 2', '2024-01-01 null 0',
      '2024-02-01 DZ 2', '2024-02-01 IR 1', '2024-02-01 null 0',
      '2024-03-01 DZ 1', '2024-03-01 IR 1', '2024-03-01 null 1'
    ]);
  });
  it('quarter', async () => {
    const rows = await run<Q.ArticlesPerBucketRow>(Q.buildArticlesPerBucketQuery(EMPTY_FILTERS, 'quarter'));
    expect(rows.map((r) => `${r.bucket} ${r.country} ${r.articles}`)).toEqual([
      '2024-01-01 DZ 4', '2024-01-01 IR 4', '2024-01-01 null 1'
    ]);
  });
  it('weeks start on Monday and gaps are filled', async () => {
    const rows = await run<Q.ArticlesPerBucketRow>(Q.buildArticlesPerBucketQuery(F({ countries: ['IR'] }), 'week'));
    // a01 Fri 2024-01-05 → week of Mon 2024-01-01; a04 Sun 2024-03-03 → week of Mon 2024-02-26: 9 weeks.
    expect(rows).toHaveLength(9);
    expect(rows[0]).toEqual({ bucket: '2024-01-01', country: 'IR', articles: 1 });
    expect(rows.at(-1)).toEqual({ bucket: '2024-02-26', country: 'IR', articles: 1 });
    expect(rows.reduce((s, r) => s + r.articles, 0)).toBe(4);
  });
  it('no dated article → no rows', async () => {
    expect(await run(Q.buildArticlesPerBucketQuery(F({ countries: ['FR'] }), 'month'))).toEqual([]);
  });
});

describe('topic shares', () => {
  it('share of all filtered articles, zero topics included', async () => {
    const rows = await run<Q.TopicShareRow>(Q.buildTopicSharesQuery(EMPTY_FILTERS));
    expect(rows.map((r) => [r.topic_id, r.articles, r.total])).toEqual([
      ['sanctions', 5, 12], ['un_reform', 4, 12], ['climate', 2, 12], ['nuclear', 2, 12]
    ]);
    expect(rows[0]).toMatchObject({ label_en: 'Sanctions', color: '#d62728', core: true });
    expect(rows[0].share).toBeCloseTo(5 / 12);
  });
  it('with a topic filter the denominator is the filtered set', async () => {
    const rows = await run<Q.TopicShareRow>(Q.buildTopicSharesQuery(F({ topics: ['nuclear'] })));
    const by = Object.fromEntries(rows.map((r) => [r.topic_id, r]));
    expect(by.nuclear.share).toBe(1);
    expect(by.sanctions.share).toBe(0.5);
    expect(by.climate.articles).toBe(0);
  });
  it('empty selection gives null shares, not a division error', async () => {
    const rows = await run<Q.TopicShareRow>(Q.buildTopicSharesQuery(F({ countries: ['FR'] })));
    expect(rows.every((r) => r.total === 0 && r.share === null)).toBe(true);
  });
});

it('latest articles: newest first, undated last, limit bound', async () => {
  const rows = await run<Q.LatestArticleRow>(Q.buildLatestArticlesQuery(EMPTY_FILTERS, 3));
  expect(rows.map((r) => r.article_id)).toEqual(['a10', 'a12', 'a04']);
  const all = await run<Q.LatestArticleRow>(Q.buildLatestArticlesQuery(EMPTY_FILTERS, 50));
  expect(all.slice(-3).map((r) => r.date)).toEqual([null, null, null]);
});

describe('filter options', () => {
  it('countries, sources, langs', async () => {
    expect(await run(Q.buildCountryOptionsQuery())).toEqual([
      { country: 'IR', articles: 6 },
      { country: 'DZ', articles: 5 }
    ]);
    expect((await run<Q.SourceOptionRow>(Q.buildSourceOptionsQuery())).map((r) => r.source_id)).toEqual(['aps', 'irna', 'mehr']);
    expect((await run<Q.LangOptionRow>(Q.buildLangOptionsQuery())).map((r) => r.lang)).toEqual(['fa', 'ar', 'en']);
  });
  it('topics: core first', async () => {
    const rows = await run<Q.TopicOptionRow>(Q.buildTopicOptionsQuery());
    expect(rows.map((r) => [r.topic_id, r.articles, r.core])).toEqual([
      ['sanctions', 5, true], ['un_reform', 4, true], ['nuclear', 2, true], ['climate', 2, false]
    ]);
  });
  it('entities with article counts (not mention counts), unmentioned ones kept', async () => {
    const rows = await run<Q.EntityOptionRow>(Q.buildEntityOptionsQuery());
    expect(rows.map((r) => `${r.entity_id}:${r.articles}`)).toEqual([
      'un_ga:4', 'un_sc:4', 'us:4', 'au:2', 'dz:2', 'iaea:2', 'ir:2', 'grossi:0'
    ]);
    const un = await run<Q.EntityOptionRow>(Q.buildEntityOptionsQuery(['un_body']));
    expect(un.map((r) => r.entity_id)).toEqual(['un_ga', 'un_sc', 'iaea']);
  });
  it('date extent', async () => {
    expect(await run(Q.buildDateExtentQuery())).toEqual([{ min_date: '2024-01-05', max_date: '2024-03-30' }]);
  });
});
