/** Co-mention and two-country comparison builders against the fixture. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityViews, openFixtureDb } from '../helpers/node-db';
import { EMPTY_FILTERS, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';
import { factsWhere } from '$lib/queries/common';
import { inList } from '$lib/queries/sql';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
beforeAll(async () => {
  env = await openFixtureDb();
});
afterAll(async () => env?.cleanup());
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });

describe('buildCoMentionQuery', () => {
  const cell = (rows: Q.CoMentionRow[], r: string, c: string) => rows.find((x) => x.row_id === r && x.col_id === c)!;

  it('actors × topics: top-N by articles (ties by id), full grid, per-article counting', async () => {
    const rows = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 3, measure: 'count' })
    );
    expect([...new Set(rows.map((r) => r.row_id))]).toEqual(['un_ga', 'un_sc', 'us']);
    expect(rows).toHaveLength(3 * 4);
    const us = cell(rows, 'us', 'sanctions');
    expect(us).toMatchObject({ row_label: 'United States', row_kind: 'state', row_articles: 4, col_label: 'Sanctions', col_articles: 5, articles: 4, value: 4 });
    expect(us.jaccard).toBeCloseTo(0.8);
    expect(us.pmi).toBeCloseTo(Math.log2((4 * 12) / (4 * 5)));
    expect(cell(rows, 'un_ga', 'un_reform').jaccard).toBe(1);
    expect(cell(rows, 'un_ga', 'un_reform').pmi).toBeCloseTo(Math.log2(3));
    expect(cell(rows, 'un_sc', 'climate').jaccard).toBeCloseTo(0.2);
    expect(cell(rows, 'us', 'climate')).toMatchObject({ articles: 0, jaccard: 0, pmi: null });
  });

  it('actors × topics keeps an actor whose id equals a topic id (country «climate» × topic climate)', async () => {
    // Entity ids and topic ids share one namespace in the taxonomy («syria» is both); the self-pair rule is for
    // actors × actors only. Here an entity `climate` is mentioned in a08 and a12, both carrying the topic climate.
    const views = entityViews(env.dir);
    await env.db.exec(`CREATE OR REPLACE VIEW entities AS ${views.entities}
      UNION ALL SELECT 'climate', 'state', 'Climateland', NULL, NULL, NULL`);
    await env.db.exec(`CREATE OR REPLACE VIEW entity_articles AS ${views.entity_articles}
      UNION ALL SELECT 'climate', 2, (SELECT max(entity_no) + 1 FROM (${views.entity_articles}))`);
    await env.db.exec(`CREATE OR REPLACE VIEW article_entities AS ${views.article_entities}
      UNION ALL SELECT text_row, (SELECT max(entity_no) + 1 FROM (${views.entity_articles}))
        FROM article_facts WHERE article_id IN ('a08', 'a12')`);
    try {
      const rows = await run<Q.CoMentionRow>(
        Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 10, measure: 'count' })
      );
      expect(cell(rows, 'climate', 'climate')).toMatchObject({ row_articles: 2, col_articles: 2, articles: 2, jaccard: 1 });
      expect(rows.filter((r) => r.row_id === 'climate')).toHaveLength(4);
      const actors = await run<Q.CoMentionRow>(
        Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', n: 10, measure: 'count' })
      );
      expect(actors.some((r) => r.row_id === 'climate' && r.col_id === 'climate')).toBe(false);
    } finally {
      for (const [name, sql] of Object.entries(views)) await env.db.exec(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
    }
  });

  it('a001 mentions iaea twice but counts once', async () => {
    const rows = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 7, measure: 'count' })
    );
    expect(cell(rows, 'iaea', 'nuclear')).toMatchObject({ row_articles: 2, articles: 2 });
  });

  it('actors × actors: symmetric, no diagonal, value follows measure', async () => {
    const rows = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', n: 3, measure: 'jaccard' })
    );
    expect(rows).toHaveLength(6);
    expect(rows.some((r) => r.row_id === r.col_id)).toBe(false);
    expect(cell(rows, 'us', 'un_sc')).toMatchObject({ articles: 2 });
    expect(cell(rows, 'us', 'un_sc').value).toBeCloseTo(1 / 3);
    expect(cell(rows, 'un_sc', 'us').value).toBeCloseTo(1 / 3);
    expect(cell(rows, 'un_ga', 'us').value).toBe(0);
    const pmi = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'actors', n: 3, measure: 'pmi' })
    );
    expect(cell(pmi, 'us', 'un_sc').value).toBeCloseTo(Math.log2(1.5));
    expect(cell(pmi, 'un_ga', 'us').value).toBeNull();
  });

  it('kinds restrict the actors', async () => {
    const rows = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 3, measure: 'count', kinds: ['un_body'] })
    );
    expect([...new Set(rows.map((r) => r.row_id))]).toEqual(['un_ga', 'un_sc', 'iaea']);
  });

  it('filters narrow the article set, including the PMI total', async () => {
    const rows = await run<Q.CoMentionRow>(
      Q.buildCoMentionQuery(F({ countries: ['DZ'] }), { rows: 'actors', cols: 'topics', n: 3, measure: 'pmi' })
    );
    expect([...new Set(rows.map((r) => r.row_id))]).toEqual(['un_ga', 'au', 'dz']);
    const c = cell(rows, 'un_ga', 'un_reform');
    expect(c).toMatchObject({ row_articles: 3, col_articles: 3, articles: 3, jaccard: 1 });
    expect(c.pmi).toBeCloseTo(Math.log2(5 / 3));
  });
});

describe('compare', () => {
  const pair = { a: 'IR', b: 'DZ' };
  it('totals, ignoring the shared countries filter', async () => {
    expect(await run(Q.buildCompareTotalsQuery(F({ countries: ['IR'] }), pair))).toEqual([
      { country: 'IR', articles: 6 },
      { country: 'DZ', articles: 5 }
    ]);
    expect(await run(Q.buildCompareTotalsQuery(EMPTY_FILTERS, { a: 'DZ', b: 'FR' }))).toEqual([
      { country: 'DZ', articles: 5 },
      { country: 'FR', articles: 0 }
    ]);
  });

  it('topic mix normalised by each country’s own count', async () => {
    const rows = await run<Q.CompareTopicRow>(Q.buildCompareTopicsQuery(EMPTY_FILTERS, pair));
    expect(rows).toHaveLength(8);
    expect(rows.slice(0, 4).every((r) => r.country === 'IR' && r.total === 6)).toBe(true);
    const s = Object.fromEntries(rows.map((r) => [`${r.country}:${r.topic_id}`, r.share]));
    expect(s['IR:sanctions']).toBeCloseTo(4 / 6);
    expect(s['IR:nuclear']).toBeCloseTo(2 / 6);
    expect(s['IR:climate']).toBe(0);
    expect(s['DZ:un_reform']).toBeCloseTo(3 / 5);
    expect(s['DZ:nuclear']).toBe(0);
  });

  it('stance toward UN bodies per country, with an all-UN row first', async () => {
    const rows = await run<Q.CompareStanceRow>(Q.buildCompareStanceQuery(EMPTY_FILTERS, pair));
    const by = Object.fromEntries(rows.map((r) => [`${r.country}:${r.target_id}`, r]));
    expect(rows[0]).toMatchObject({ country: 'IR', target_id: '@un_system', label_en: 'All UN bodies', support: 2, oppose: 2, neutral: 0, articles: 4, total: 6 });
    expect(rows[0].mean_score).toBeCloseTo(-0.1);
    expect(by['DZ:@un_system']).toMatchObject({ support: 2, oppose: 1, neutral: 1, articles: 4, total: 5 });
    expect(by['DZ:@un_system'].mean_score).toBeCloseTo(0.25);
    expect(by['IR:un_sc'].mean_score).toBeCloseTo(-0.15);
    expect(by['IR:un_sc'].label_en).toBe('UN Security Council');
    const strict = await run<Q.CompareStanceRow>(Q.buildCompareStanceQuery(EMPTY_FILTERS, { ...pair, threshold: 0.85 }));
    expect(strict.map((r) => `${r.country}:${r.target_id}:${r.articles}`)).toEqual([
      'IR:@un_system:1', 'IR:un_sc:1', 'DZ:@un_system:1', 'DZ:un_ga:1'
    ]);
  });

  it('most-mentioned actors as share of the country’s articles', async () => {
    const rows = await run<Q.CompareActorRow>(Q.buildCompareActorsQuery(EMPTY_FILTERS, { ...pair, n: 2 }));
    expect(rows.map((r) => `${r.country}:${r.entity_id}:${r.articles}`)).toEqual(['IR:us:3', 'IR:iaea:2', 'DZ:un_ga:3', 'DZ:au:2']);
    expect(rows[0].share).toBe(0.5);
    expect(rows[2].share).toBeCloseTo(0.6);
    const states = await run<Q.CompareActorRow>(Q.buildCompareActorsQuery(EMPTY_FILTERS, { ...pair, n: 5, kinds: ['state'] }));
    expect(states.every((r) => r.kind === 'state')).toBe(true);
  });

  it('distinctive terms by smoothed log-odds', async () => {
    const rows = await run<Q.CompareTermRow>(Q.buildCompareTermsQuery(EMPTY_FILTERS, { ...pair, n: 2 }));
    expect(rows.map((r) => `${r.country}:${r.term}`)).toEqual(['IR:تحریم', 'IR:هسته‌ای', 'DZ:إصلاح', 'DZ:عقوبات']);
    expect(rows[0]).toMatchObject({ articles: 4, other_articles: 0, rank: 1 });
    expect(rows[0].score).toBeCloseTo(2.3);
    expect(rows[0].log_odds).toBeCloseTo(Math.log((4.5 / 2.5) / (0.5 / 5.5)));
    expect(rows[2].log_odds).toBeCloseTo(Math.log((3.5 / 2.5) / (0.5 / 6.5)));
  });

  it('distinctive terms from term_facts/term_dict equal the definition over `terms`, for every filter and pair', async () => {
    // The query before term_facts: article_id and term strings straight from `terms`.
    const reference = (f: Filters, o: { a: string; b: string; n: number }) => {
      const q = Q.buildCompareTermsQuery(f, o);
      const sql = q.sql
        .replace('SELECT a.text_row, a.country FROM article_facts a', 'SELECT a.article_id, a.text_row, a.country FROM article_facts a')
        .replace(
          /SELECT fa\.country, t\.term_no, count\(\*\) AS articles, sum\(t\.score\) AS score\s+FROM term_facts t JOIN fa ON fa\.text_row = t\.text_row GROUP BY fa\.country, t\.term_no/,
          'SELECT fa.country, t.term, count(DISTINCT t.article_id) AS articles, sum(t.score) AS score FROM terms t JOIN fa ON fa.article_id = t.article_id GROUP BY fa.country, t.term'
        )
        .replace('SELECT ft.country, ft.term_no,', 'SELECT ft.country, ft.term,')
        .replace('o.term_no = ft.term_no', 'o.term = ft.term')
        .replace('ORDER BY log_odds DESC, score DESC, term_no', 'ORDER BY log_odds DESC, score DESC, term')
        .replace('SELECT r.country, d.term,', 'SELECT r.country, r.term,')
        .replace('FROM ranked r JOIN term_dict d ON d.term_no = r.term_no', 'FROM ranked r');
      expect(sql).not.toContain('term_no');
      return { sql, params: q.params };
    };
    let compared = 0;
    for (const f of [F({}), F({ from: '2024-02-01' }), F({ topics: ['sanctions'] }), F({ langs: ['ar'] }), F({ sources: ['mehr', 'aps'] })]) {
      for (const o of [{ ...pair, n: 3 }, { a: 'DZ', b: 'IR', n: 1 }, { a: 'IR', b: 'US', n: 200 }]) {
        const want = await run<Q.CompareTermRow>(reference(f, o));
        expect(await run<Q.CompareTermRow>(Q.buildCompareTermsQuery(f, o)), JSON.stringify([f, o])).toEqual(want);
        compared += want.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
    // Ties are broken by term_no: the same order as by term only if term_dict numbers the terms in byte order.
    const dict = await run<{ term: string }>({ sql: 'SELECT term FROM term_dict ORDER BY term_no', params: [] });
    const terms = await run<{ term: string }>({ sql: 'SELECT DISTINCT term FROM terms ORDER BY term', params: [] });
    expect(dict).toEqual(terms);
    expect(dict.length).toBeGreaterThan(5);
  });

  it('swapping a and b swaps the order', async () => {
    const rows = await run<Q.CompareTopicRow>(Q.buildCompareTopicsQuery(EMPTY_FILTERS, { a: 'DZ', b: 'IR' }));
    expect(rows[0].country).toBe('DZ');
  });
});

/**
 * The definition the article_entities/topic_mask queries replaced, straight from `mentions` and `topics`: both must
 * give the same rows for every option set.
 */
function referenceCoMentions(f: Filters, o: Q.CoMentionOptions): { sql: string; params: unknown[] } {
  const w = factsWhere(f, 'a');
  const kinds = o.kinds?.length ? inList('m.kind', o.kinds) : { sql: 'TRUE', params: [] };
  const value = { count: 'CAST(articles AS DOUBLE)', jaccard: 'jaccard', pmi: 'pmi' }[o.measure];
  const cols =
    o.cols === 'topics'
      ? `ca AS (SELECT DISTINCT t.article_id, t.topic_id AS col_id FROM topics t JOIN fa ON fa.article_id = t.article_id),
      colset AS (SELECT d.topic_id AS col_id, d.label_en AS col_label, (SELECT count(*) FROM ca WHERE ca.col_id = d.topic_id) AS col_articles FROM topic_defs d)`
      : `ca AS (SELECT article_id, entity_id AS col_id FROM am WHERE entity_id IN (SELECT entity_id FROM top)),
      colset AS (SELECT entity_id AS col_id, label_en AS col_label, n AS col_articles FROM top)`;
  return {
    sql: `WITH fa AS (SELECT a.article_id FROM article_facts a WHERE ${w.sql}),
      total AS (SELECT count(*) AS n FROM fa),
      am AS (SELECT DISTINCT m.article_id, m.entity_id FROM mentions m JOIN fa ON fa.article_id = m.article_id WHERE ${kinds.sql}),
      top AS (SELECT am.entity_id, count(*) AS n, any_value(e.label_en) AS label_en, any_value(e.kind) AS kind
        FROM am LEFT JOIN entities e ON e.entity_id = am.entity_id GROUP BY am.entity_id ORDER BY n DESC, am.entity_id LIMIT ?),
      ${cols},
      pairs AS (SELECT r.entity_id AS row_id, ca.col_id, count(*) AS articles
        FROM am r JOIN top ON top.entity_id = r.entity_id JOIN ca ON ca.article_id = r.article_id GROUP BY r.entity_id, ca.col_id),
      grid AS (SELECT top.entity_id AS row_id, coalesce(top.label_en, top.entity_id) AS row_label, top.kind AS row_kind,
          top.n AS row_articles, c.col_id, coalesce(c.col_label, c.col_id) AS col_label, c.col_articles,
          coalesce(p.articles, 0) AS articles,
          coalesce(p.articles, 0) / (top.n + c.col_articles - coalesce(p.articles, 0)) AS jaccard,
          CASE WHEN coalesce(p.articles, 0) = 0 THEN NULL ELSE log2(p.articles * total.n / (top.n * c.col_articles)) END AS pmi
        FROM top CROSS JOIN colset c CROSS JOIN total LEFT JOIN pairs p ON p.row_id = top.entity_id AND p.col_id = c.col_id
        ${o.cols === 'actors' ? 'WHERE top.entity_id <> c.col_id' : ''})
      SELECT *, ${value} AS value FROM grid ORDER BY row_articles DESC, row_id, col_articles DESC, col_id`,
    params: [...w.params, ...kinds.params, o.n]
  };
}

describe('co-mentions from article_entities and topic masks', () => {
  const filterSets: Partial<Filters>[] = [
    {},
    { countries: ['IR'] },
    { topics: ['sanctions'] },
    { from: '2024-03-01', to: '2024-12-31' },
    { langs: ['ar'], topics: ['un_reform', 'climate'] }
  ];
  const optionSets: Q.CoMentionOptions[] = [];
  for (const cols of ['topics', 'actors'] as const)
    for (const measure of ['count', 'jaccard', 'pmi'] as const)
      for (const kinds of [undefined, ['state'], ['un_body', 'person']] as const) for (const n of [3, 50]) optionSets.push({ rows: 'actors', cols, n, measure, kinds: kinds ? [...kinds] : undefined });

  it('give the rows the mentions/topics definition gives, for every filter and option set', async () => {
    let compared = 0;
    for (const over of filterSets)
      for (const o of optionSets) {
        const got = await run<Q.CoMentionRow>(Q.buildCoMentionQuery(F(over), o));
        const want = await run<Q.CoMentionRow>(referenceCoMentions(F(over), o));
        expect([over, o, got]).toEqual([over, o, want]);
        compared += want.length;
      }
    expect(compared).toBeGreaterThan(500);
  });

  it('compare actors: the same counts as DISTINCT (country, article, entity) over mentions', async () => {
    for (const kinds of [undefined, ['state' as const]]) {
      const got = await run<Q.CompareActorRow>(Q.buildCompareActorsQuery(EMPTY_FILTERS, { a: 'IR', b: 'DZ', n: 50, kinds }));
      const ref = await run<{ country: string; entity_id: string; articles: number }>({
        sql: `SELECT f.country, m.entity_id, count(DISTINCT m.article_id) AS articles
          FROM mentions m JOIN article_facts f USING (article_id) WHERE f.country IN ('IR', 'DZ') ${kinds ? "AND m.kind = 'state'" : ''}
          GROUP BY ALL`,
        params: []
      });
      const key = (r: { country: string; entity_id: string; articles: number }) => `${r.country}:${r.entity_id}:${r.articles}`;
      expect(got.map(key).sort()).toEqual(ref.map(key).sort());
    }
  });
});

describe('compare topics from topic masks', () => {
  it('count each country’s articles per topic as the topics table does', async () => {
    for (const over of [{}, { from: '2024-03-01' }, { langs: ['ar'] }] as Partial<Filters>[]) {
      const got = await run<Q.CompareTopicRow>(Q.buildCompareTopicsQuery(F(over), { a: 'IR', b: 'DZ' }));
      const w = factsWhere({ ...F(over), countries: [] }, 'f');
      const ref = await run<{ country: string; topic_id: string; articles: number }>({
        sql: `SELECT f.country, t.topic_id, count(DISTINCT t.article_id) AS articles
          FROM topics t JOIN article_facts f USING (article_id) WHERE f.country IN ('IR', 'DZ') AND ${w.sql} GROUP BY ALL`,
        params: w.params
      });
      const key = (r: { country: string; topic_id: string; articles: number }) => `${r.country}:${r.topic_id}:${r.articles}`;
      expect(got.filter((r) => r.articles > 0).map(key).sort()).toEqual(ref.map(key).sort());
    }
  });
});
