/** Article list / detail builders, hostile input, and every builder run with every filter against a real DuckDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFixtureDb } from '../helpers/node-db';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters } from '$lib/filters';
import type { BoundQuery } from '$lib/db/types';
import * as Q from '$lib/queries';
import { FIXTURE_ROWS } from '../fixtures/make-fixture';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
beforeAll(async () => {
  env = await openFixtureDb();
});
afterAll(async () => env?.cleanup());
const run = <T extends object>(q: BoundQuery) => env.db.query<T>(q);
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });
const ids = async (o: Q.ArticleListOptions, f = EMPTY_FILTERS) =>
  (await run<Q.ArticleListRow>(Q.buildArticleListQuery(f, { limit: 100, ...o }))).map((r) => r.article_id).sort();
const count = async (o: Q.ArticleListOptions, f = EMPTY_FILTERS) =>
  (await run<Q.ArticleCountRow>(Q.buildArticleCountQuery(f, o)))[0].n;

describe('article list', () => {
  it('newest first, undated last, paged by bound limit/offset', async () => {
    const page = await run<Q.ArticleListRow>(Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 2, offset: 2 }));
    expect(page.map((r) => r.article_id)).toEqual(['a04', 'a09']);
    expect(page[0]).toMatchObject({ source_name: 'Islamic Republic News Agency', country: 'IR', lang: 'fa', date: '2024-03-03' });
    expect(page[0].snippet.startsWith('اصلاح سازمان ملل')).toBe(true);
    expect(await count({})).toBe(12);
  });

  it('search: case-insensitive, in title or text, Persian too', async () => {
    expect(await ids({ q: 'climate TALKS' })).toEqual(['a12']);
    expect(await ids({ q: 'تحریم' })).toEqual(['a01', 'a02', 'a05']);
    expect(await ids({ q: 'snake' })).toEqual(['a11']); // only in the text
  });

  it('drill-downs read article_entities / topic masks, and select exactly the articles the mentions / topics rows give', async () => {
    const ref = async (sql: string, params: unknown[]) =>
      (await run<{ article_id: string }>({ sql: `SELECT a.article_id FROM articles a WHERE ${sql} ORDER BY 1`, params })).map((r) => r.article_id);
    const entities = (await run<{ id: string }>({ sql: 'SELECT DISTINCT entity_id AS id FROM mentions ORDER BY 1', params: [] })).map((r) => r.id);
    const mention = (m: string, id: string) =>
      id === UN_SYSTEM
        ? { sql: `EXISTS (SELECT 1 FROM mentions ${m} WHERE ${m}.article_id = a.article_id AND ${m}.kind = 'un_body')`, params: [] }
        : { sql: `EXISTS (SELECT 1 FROM mentions ${m} WHERE ${m}.article_id = a.article_id AND ${m}.entity_id = ?)`, params: [id] };
    for (const id of [...entities, UN_SYSTEM, 'no_such_entity']) {
      const c = mention('m', id);
      expect(await ids({ entity: id }), id).toEqual(await ref(c.sql, c.params));
      const d = mention('m2', 'us');
      expect(await ids({ entity: id, entity2: 'us' }), `${id} & us`).toEqual(await ref(`${c.sql} AND ${d.sql}`, [...c.params, ...d.params]));
    }
    const topics = (await run<{ id: string }>({ sql: 'SELECT topic_id AS id FROM topic_defs ORDER BY 1', params: [] })).map((r) => r.id);
    for (const t of [...topics, 'no_such_topic']) {
      const want = await ref('EXISTS (SELECT 1 FROM topics t WHERE t.article_id = a.article_id AND t.topic_id = ?)', [t]);
      expect(await ids({ topic: t }), t).toEqual(want);
      expect(await count({ topic: t }), t).toBe(want.length);
    }
  });

  it('search: LIKE wildcards are literal', async () => {
    expect(await ids({ q: '50%' })).toEqual(['a12']);
    expect(await ids({ q: '%' })).toEqual(['a12']);
    expect(await ids({ q: '_' })).toEqual(['a11']);
    expect(await ids({ q: '\\' })).toEqual([]);
    expect(await ids({ q: "cut's" })).toEqual(['a12']);
  });

  it('search: SQL in the query is data, not code', async () => {
    expect(await ids({ q: "'; DROP TABLE articles; --" })).toEqual([]);
    expect(await ids({ q: "x' OR '1'='1" })).toEqual([]);
    expect(await count({})).toBe(12);
  });

  it('drill-downs', async () => {
    expect(await ids({ topic: 'un_reform' })).toEqual(['a04', 'a07', 'a08', 'a10']);
    expect(await ids({ entity: 'us', entity2: 'un_sc' })).toEqual(['a02', 'a09']);
    expect(await count({ entity: UN_SYSTEM })).toBe(9);
    expect(await ids({ bucketStart: '2024-02-01', bucketEnd: '2024-03-01' })).toEqual(['a03', 'a08', 'a09']);
    expect(await ids({ stanceTarget: { target_kind: 'entity', target_id: 'un_ga' }, stanceLabel: 'support' })).toEqual(['a04', 'a07', 'a08']);
    expect(await ids({ stanceTarget: { target_kind: 'entity', target_id: 'un_ga' }, threshold: 0.85 })).toEqual(['a07']);
    expect(await ids({ stanceTarget: { target_kind: 'entity', target_id: UN_SYSTEM }, stanceLabel: 'oppose' })).toEqual(['a01', 'a02', 'a09']);
    expect(await ids({ topic: 'sanctions' }, F({ countries: ['IR'] }))).toEqual(['a01', 'a02', 'a04', 'a05']);
    expect(await count({ topic: 'sanctions', q: 'تحریم' }, F({ countries: ['IR'], from: '2024-01-10' }))).toBe(1); // a02
  });
});

describe('article detail', () => {
  it('full row', async () => {
    const [a] = await run<Record<string, unknown>>(Q.buildArticleQuery('a01'));
    expect(a).toMatchObject({ article_id: 'a01', date: '2024-01-05', source_name: 'Mehr News Agency', chars: (a.text as string).length });
  });
  it('mentions, joined with entity labels, offsets into the text', async () => {
    const [a] = await run<{ text: string }>(Q.buildArticleQuery('a01'));
    const m = await run<Q.ArticleMentionRow>(Q.buildArticleMentionsQuery('a01'));
    expect(m.map((r) => r.entity_id)).toEqual(['iaea', 'us', 'ir', 'iaea']);
    expect(m[0]).toMatchObject({ label_en: 'IAEA', kind: 'un_body', entity_country: null });
    for (const r of m) expect(a.text.slice(r.start, r.end)).toBe(r.surface);
  });
  it('topics, stances, terms', async () => {
    expect((await run<Q.ArticleTopicRow>(Q.buildArticleTopicsQuery('a01'))).map((r) => r.label_en).sort()).toEqual([
      'Nuclear programme', 'Sanctions'
    ]);
    const s = await run<Q.ArticleStanceRow>(Q.buildArticleStancesQuery('a02'));
    expect(s.map((r) => [r.target_label, r.stance])).toEqual([['Sanctions', 'oppose'], ['UN Security Council', 'oppose']]);
    expect(await run(Q.buildArticleTermsQuery('a01'))).toEqual([
      { term: 'تحریم', score: 0.5, rank: 1 },
      { term: 'هسته‌ای', score: 0.4, rank: 2 }
    ]);
  });
  it('a hostile id finds nothing', async () => {
    expect(await run(Q.buildArticleQuery("a01' OR '1'='1"))).toEqual([]);
    expect(await run(Q.buildArticleMentionsQuery("a01' OR '1'='1"))).toEqual([]);
  });
});

/** Every builder, so a syntax or binding error in any of them fails here (string equality would not notice). */
function allBuilders(f: Filters): [string, BoundQuery][] {
  const t = { target_kind: 'entity' as const, target_id: UN_SYSTEM };
  const pair = { a: 'IR', b: 'DZ' };
  const out: [string, BoundQuery][] = [
    ['totals', Q.buildOverviewTotalsQuery(f)],
    ['byCountry', Q.buildCountsByCountryQuery(f)],
    ['byLang', Q.buildCountsByLangQuery(f)],
    ['bySource', Q.buildCountsBySourceQuery(f)],
    ['topicShares', Q.buildTopicSharesQuery(f)],
    ['latest', Q.buildLatestArticlesQuery(f)],
    ['undated', Q.buildUndatedCountQuery(f)],
    ['stanceTargets', Q.buildStanceTargetsQuery(f)],
    ['stanceEvidence', Q.buildStanceEvidenceQuery(f, { ...t, threshold: 0.2, stance: 'support', bucketStart: '2024-01-01', bucketEnd: '2025-01-01', country: 'IR' })],
    ['stanceEvidenceCount', Q.buildStanceEvidenceCountQuery(f, { ...t, threshold: 0.2 })],
    ['compareTotals', Q.buildCompareTotalsQuery(f, pair)],
    ['compareTopics', Q.buildCompareTopicsQuery(f, pair)],
    ['compareStance', Q.buildCompareStanceQuery(f, { ...pair, threshold: 0.3 })],
    ['compareActors', Q.buildCompareActorsQuery(f, { ...pair, n: 5, kinds: ['state', 'un_body'] })],
    ['compareTerms', Q.buildCompareTermsQuery(f, { ...pair, n: 5 })],
    ['list', Q.buildArticleListQuery(f, { q: 'x', topic: 'sanctions', entity: 'us', entity2: UN_SYSTEM, bucketStart: '2024-01-01', bucketEnd: '2024-02-01', stanceTarget: t, stanceLabel: 'oppose', threshold: 0.1, limit: 5, offset: 1 })],
    ['count', Q.buildArticleCountQuery(f, { q: 'x' })]
  ];
  for (const granularity of ['week', 'month', 'quarter', 'year'] as const) {
    out.push([`perBucket:${granularity}`, Q.buildArticlesPerBucketQuery(f, granularity)]);
    for (const byCountry of [false, true]) {
      out.push([`trend:${granularity}:${byCountry}`, Q.buildTopicTrendQuery(f, { granularity, measure: 'count', byCountry })]);
      out.push([`stance:${granularity}:${byCountry}`, Q.buildStanceTrendQuery(f, { ...t, granularity, threshold: 0.5, byCountry })]);
    }
  }
  for (const cols of ['topics', 'actors'] as const)
    for (const measure of ['count', 'jaccard', 'pmi'] as const)
      out.push([`co:${cols}:${measure}`, Q.buildCoMentionQuery(f, { rows: 'actors', cols, n: 4, measure, kinds: ['state', 'un_body'] })]);
  return out;
}

describe('every builder', () => {
  const full = F({ from: '2024-01-01', to: '2024-12-31', countries: ['IR', 'DZ'], sources: ['mehr', 'aps'], langs: ['fa', 'ar'], topics: ['sanctions', 'un_reform'] });
  it.each([
    ['no filters', EMPTY_FILTERS],
    ['every filter', full],
    ['filters matching nothing', F({ countries: ['FR'], from: '1990-01-01', to: '1990-01-02' })]
  ])('runs with %s, one ? per parameter', async (_, f) => {
    for (const [name, q] of allBuilders(f)) {
      expect(q.sql.split('?').length - 1, name).toBe(q.params.length);
      if (q.page) expect(q.page.sql.split('?').length - 1, `${name} (page)`).toBe(q.page.params.length);
      await expect(run(q), name).resolves.toBeInstanceOf(Array);
    }
  });

  it('hostile filter values (bypassing the URL parser) are bound, not executed', async () => {
    const evil = "IR') OR 1=1; DROP TABLE articles; --";
    const f = F({ countries: [evil], sources: [evil], langs: [evil], topics: [evil], from: null });
    for (const [name, q] of allBuilders(f)) {
      expect(q.sql.includes('DROP'), name).toBe(false);
      await run(q);
    }
    expect((await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(f)))[0].articles).toBe(0);
    expect((await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(EMPTY_FILTERS)))[0].articles).toBe(12);
  });

  it.each([
    ['no filters', EMPTY_FILTERS],
    ['date range', F({ from: '2024-01-20', to: '2024-02-25' })],
    ['open-ended from', F({ from: '2024-03-01' })],
    ['country', F({ countries: ['DZ'] })],
    ['source + lang', F({ sources: ['mehr', 'aps'], langs: ['fa'] })],
    ['topics (any)', F({ topics: ['nuclear', 'climate'] })],
    ['everything', full]
  ])('whereClause agrees with a plain-JS filter over the fixture rows (%s)', async (_, f) => {
    const want = FIXTURE_ROWS.articles
      .filter((a) => (!f.from || (a.date !== null && a.date >= f.from)) && (!f.to || (a.date !== null && a.date <= f.to)))
      .filter((a) => !f.countries.length || f.countries.includes(a.country ?? ''))
      .filter((a) => !f.sources.length || f.sources.includes(a.source_id ?? ''))
      .filter((a) => !f.langs.length || f.langs.includes(a.lang))
      .filter((a) => !f.topics.length || FIXTURE_ROWS.topics.some((t) => t.article_id === a.article_id && f.topics.includes(t.topic_id)))
      .map((a) => a.article_id)
      .sort();
    expect(await ids({}, f)).toEqual(want);
    expect((await run<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(f)))[0].articles).toBe(want.length);
  });
});
