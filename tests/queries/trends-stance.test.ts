/** Topic-trend and stance builders against the fixture (expected numbers from make-fixture.ts's header table). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFixtureDb } from '../helpers/node-db';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';
import { bucketSeriesCtes, factsWhere, TOPIC_BITS_SQL } from '$lib/queries/common';
import { bucketExpr, inList } from '$lib/queries/sql';

let env: Awaited<ReturnType<typeof openFixtureDb>>;
beforeAll(async () => {
  env = await openFixtureDb();
});
afterAll(async () => env?.cleanup());
const run = <T extends object>(q: { sql: string; params: unknown[] }) => env.db.query<T>(q);
const F = (over: Partial<Filters>): Filters => ({ ...EMPTY_FILTERS, ...over });
/** The gap-filling SQL the page ran before the grid moved to `fillTopicTrend`, kept as the reference it must match. */
function referenceGridQuery(f: Filters, opts: Q.TopicTrendOptions): { sql: string; params: unknown[] } {
  const w = factsWhere({ ...f, topics: [] });
  const series = f.topics.length ? inList('topic_id', f.topics) : { sql: 'TRUE', params: [] };
  const country = opts.byCountry ? 'c.country' : 'CAST(NULL AS VARCHAR)';
  const value = opts.measure === 'count' ? 'CAST(articles AS DOUBLE)' : 'share';
  // From article_counts: rows of one bucket/country are summed first (few), then split by topic bit.
  return {
    sql: `WITH fa AS (
        SELECT ${country} AS country, ${bucketExpr(opts.granularity, 'c.date')} AS bucket, c.topic_mask,
          CAST(sum(c.articles) AS BIGINT) AS articles
        FROM article_counts c WHERE c.date IS NOT NULL AND ${w.sql}
        GROUP BY ALL
      ),
      ${bucketSeriesCtes(opts.granularity)},
      countries AS (SELECT DISTINCT country FROM fa),
      tot AS (SELECT bucket, country, CAST(sum(articles) AS BIGINT) AS total FROM fa GROUP BY bucket, country),
      hit AS (
        SELECT fa.bucket, fa.country, tb.topic_id, CAST(sum(fa.articles) AS BIGINT) AS articles
        FROM fa JOIN (${TOPIC_BITS_SQL}) tb ON (fa.topic_mask & tb.mask) <> 0
        GROUP BY fa.bucket, fa.country, tb.topic_id
      ),
      defs AS (SELECT topic_id, label_en, color FROM topic_defs WHERE ${series.sql}),
      grid AS (
        SELECT b.bucket, c.country, d.topic_id, d.label_en, d.color,
          coalesce(h.articles, 0) AS articles, coalesce(tot.total, 0) AS total,
          CASE WHEN coalesce(tot.total, 0) = 0 THEN NULL ELSE coalesce(h.articles, 0) / tot.total END AS share
        FROM buckets b CROSS JOIN countries c CROSS JOIN defs d
        LEFT JOIN tot ON tot.bucket = b.bucket AND tot.country IS NOT DISTINCT FROM c.country
        LEFT JOIN hit h ON h.bucket = b.bucket AND h.country IS NOT DISTINCT FROM c.country AND h.topic_id = d.topic_id
      )
      SELECT bucket, country, topic_id, label_en, color, articles, total, share,
        ${value} AS value
      FROM grid
      ORDER BY bucket, country NULLS LAST, topic_id`,
    params: [...w.params, ...series.params]
  };
}

/** Runs the page's two queries and fills the gaps as the page does. */
const grid = async (f: Filters, o: Q.TopicTrendOptions) =>
  Q.fillTopicTrend(
    await run<Q.TopicTrendHitRow>(Q.buildTopicTrendQuery(f, o)),
    await run<Q.TopicSeriesRow>(Q.buildTopicSeriesQuery(f)),
    o.granularity,
    o.measure
  );
const key = (r: { bucket: string; country: string | null }) => `${r.bucket}|${r.country}`;

describe('buildTopicTrendQuery + fillTopicTrend', () => {
  it('the query returns only non-empty cells, each with its bucket/country total', async () => {
    const cells = await run<Q.TopicTrendHitRow>(
      Q.buildTopicTrendQuery(EMPTY_FILTERS, { granularity: 'month', measure: 'share', byCountry: true })
    );
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThan(3 * 3 * 4);
    for (const c of cells) {
      expect(c.total).toBeGreaterThan(0);
      if (c.topic_id !== null) expect(c.articles).toBeGreaterThan(0);
    }
    expect(cells.find((c) => c.bucket === '2024-01-01' && c.country === 'IR' && c.topic_id === 'climate')).toBeUndefined();
  });

  it('the filled grid equals the SQL grid the page used to run (every granularity, split, topic filter)', async () => {
    for (const granularity of ['week', 'month', 'quarter', 'year'] as const)
      for (const byCountry of [false, true])
        for (const f of [
          EMPTY_FILTERS,
          F({ topics: ['sanctions', 'climate'] }),
          F({ countries: ['DZ'], from: '2024-02-01' }),
          // Ranges that cut weeks, months and quarters: the cut edges come from article_counts, the rest from
          // topic_buckets, and the sum must be what the day-level table alone gives.
          F({ from: '2024-01-10', to: '2024-03-15' }),
          F({ from: '2024-01-20', topics: ['sanctions'] }),
          F({ to: '2024-02-10', langs: ['fa', 'en'] }),
          F({ from: '2024-01-01', to: '2024-02-29', sources: ['mehr', 'aps'] }),
          F({ from: '2024-02-25', to: '2024-02-25' })
        ])
          for (const measure of ['share', 'count'] as const) {
            const want = await run<Q.TopicTrendRow>(referenceGridQuery(f, { granularity, measure, byCountry }));
            expect(await grid(f, { granularity, measure, byCountry }), `${granularity} ${byCountry} ${measure}`).toEqual(want);
          }
  });


  it('month, not split: one row per bucket × topic with share of the bucket', async () => {
    const rows = await grid(EMPTY_FILTERS, { granularity: 'month', measure: 'share', byCountry: false });
    expect(rows).toHaveLength(3 * 4);
    const cell = (b: string, t: string) => rows.find((r) => r.bucket === b && r.topic_id === t)!;
    expect(cell('2024-01-01', 'sanctions')).toMatchObject({ country: null, articles: 2, total: 3, label_en: 'Sanctions' });
    expect(cell('2024-01-01', 'sanctions').share).toBeCloseTo(2 / 3);
    expect(cell('2024-01-01', 'sanctions').value).toBeCloseTo(2 / 3);
    expect(cell('2024-01-01', 'climate')).toMatchObject({ articles: 0, total: 3, share: 0 });
    expect(cell('2024-03-01', 'un_reform')).toMatchObject({ articles: 2, total: 3 });
    expect(cell('2024-03-01', 'nuclear').articles).toBe(0);
    // undated a05 (sanctions) never appears
    expect(rows.filter((r) => r.topic_id === 'sanctions').reduce((s, r) => s + r.articles, 0)).toBe(4);
  });

  it('measure=count puts the article count in value', async () => {
    const rows = await grid(EMPTY_FILTERS, { granularity: 'month', measure: 'count', byCountry: false });
    expect(rows.find((r) => r.bucket === '2024-01-01' && r.topic_id === 'sanctions')!.value).toBe(2);
  });

  it('split by country: shares use each country’s own bucket total', async () => {
    const rows = await grid(EMPTY_FILTERS, { granularity: 'month', measure: 'share', byCountry: true });
    expect(rows).toHaveLength(3 * 3 * 4); // buckets × {IR, DZ, unknown} × topics
    const cell = (b: string, c: string | null, t: string) =>
      rows.find((r) => r.bucket === b && r.country === c && r.topic_id === t)!;
    expect(cell('2024-01-01', 'IR', 'sanctions')).toMatchObject({ articles: 2, total: 2, share: 1 });
    expect(cell('2024-01-01', 'IR', 'nuclear').share).toBe(0.5);
    expect(cell('2024-02-01', 'DZ', 'climate')).toMatchObject({ articles: 1, total: 2, share: 0.5 });
    expect(cell('2024-01-01', null, 'climate')).toMatchObject({ articles: 0, total: 0, share: null });
  });

  it('the topics filter picks series without shrinking the denominator', async () => {
    const rows = await grid(F({ topics: ['sanctions'] }), { granularity: 'month', measure: 'share', byCountry: false });
    expect(rows.map((r) => [r.bucket, r.articles, r.total])).toEqual([
      ['2024-01-01', 2, 3], ['2024-02-01', 1, 3], ['2024-03-01', 1, 3]
    ]);
  });

  it('other filters narrow the denominator', async () => {
    const rows = await grid(F({ countries: ['DZ'], from: '2024-02-01' }), { granularity: 'quarter', measure: 'share', byCountry: false });
    const un = rows.find((r) => r.topic_id === 'un_reform')!;
    expect(un).toMatchObject({ bucket: '2024-01-01', articles: 2, total: 3 }); // a08, a10 of a08 a09 a10
  });

  it('year and week granularities run', async () => {
    for (const granularity of ['year', 'week'] as const) {
      const rows = await grid(EMPTY_FILTERS, { granularity, measure: 'share', byCountry: false });
      expect(rows.filter((r) => r.topic_id === 'sanctions').reduce((s, r) => s + r.articles, 0)).toBe(4);
    }
  });

  it('undated count ignores the date range (which would hide them) but keeps other filters', async () => {
    expect(await run(Q.buildUndatedCountQuery(EMPTY_FILTERS))).toEqual([{ dated: 9, undated: 3 }]);
    expect(await run(Q.buildUndatedCountQuery(F({ countries: ['IR'], from: '2024-03-01' })))).toEqual([{ dated: 4, undated: 2 }]);
  });
});

describe('buildStanceTrendQuery', () => {
  const un = { target_kind: 'entity' as const, target_id: UN_SYSTEM };
  it('all UN bodies, by country, counted per article', async () => {
    const rows = await run<Q.StanceTrendRow>(
      Q.buildStanceTrendQuery(EMPTY_FILTERS, { ...un, granularity: 'month', threshold: 0, byCountry: true })
    );
    const by = Object.fromEntries(rows.map((r) => [key(r), r]));
    expect(rows).toHaveLength(9);
    expect(by['2024-01-01|IR']).toMatchObject({ support: 0, oppose: 2, neutral: 0, articles: 2, total: 2 });
    expect(by['2024-01-01|IR'].mean_score).toBeCloseTo(-0.7);
    expect(by['2024-02-01|DZ']).toMatchObject({ support: 1, oppose: 1, articles: 2 });
    expect(by['2024-02-01|DZ'].mean_score).toBeCloseTo(0.1);
    // a04 supports two bodies: one article, mean of its own scores (0.5, 0.7)
    expect(by['2024-03-01|IR']).toMatchObject({ support: 1, articles: 1 });
    expect(by['2024-03-01|IR'].mean_score).toBeCloseTo(0.6);
    expect(by['2024-01-01|null']).toMatchObject({ articles: 0, total: 0, mean_score: null });
  });

  it('threshold drops low-confidence stances (>= is inclusive)', async () => {
    const rows = await run<Q.StanceTrendRow>(
      Q.buildStanceTrendQuery(EMPTY_FILTERS, { ...un, granularity: 'month', threshold: 0.5, byCountry: true })
    );
    const by = Object.fromEntries(rows.map((r) => [key(r), r]));
    expect(by['2024-02-01|IR']).toMatchObject({ support: 0, articles: 0, total: 1, mean_score: null }); // a03 conf 0.3
    expect(by['2024-02-01|DZ'].oppose).toBe(1); // a09 conf 0.5 kept
    expect(by['2024-03-01|null'].articles).toBe(0); // a12 conf 0.4
  });

  it('single entity, not split', async () => {
    const rows = await run<Q.StanceTrendRow>(
      Q.buildStanceTrendQuery(EMPTY_FILTERS, { target_kind: 'entity', target_id: 'un_ga', granularity: 'month', threshold: 0, byCountry: false })
    );
    expect(rows.map((r) => [r.bucket, r.country, r.support, r.neutral, r.articles, r.total])).toEqual([
      ['2024-01-01', null, 1, 0, 1, 3], ['2024-02-01', null, 1, 0, 1, 3], ['2024-03-01', null, 1, 1, 2, 3]
    ]);
    expect(rows[2].mean_score).toBeCloseTo(0.35);
  });

  it('a topic target is not confused with an entity of the same id', async () => {
    const rows = await run<Q.StanceTrendRow>(
      Q.buildStanceTrendQuery(EMPTY_FILTERS, { target_kind: 'topic', target_id: 'sanctions', granularity: 'month', threshold: 0, byCountry: false })
    );
    expect(rows.map((r) => r.oppose)).toEqual([1, 0, 0]); // a02 only; a05 is undated
    const none = await run<Q.StanceTrendRow>(
      Q.buildStanceTrendQuery(EMPTY_FILTERS, { target_kind: 'entity', target_id: 'sanctions', granularity: 'month', threshold: 0, byCountry: false })
    );
    expect(none.every((r) => r.articles === 0)).toBe(true);
  });
});

describe('stance evidence', () => {
  const un = { target_kind: 'entity' as const, target_id: UN_SYSTEM, threshold: 0 };
  it('newest first, confidence breaks ties, limit/offset bound', async () => {
    const rows = await run<Q.StanceEvidenceRow>(Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, limit: 3 }));
    expect(rows.map((r) => r.stance_id)).toEqual(['a10:s0', 'a12:s0', 'a04:s1']);
    expect(rows[2]).toMatchObject({ target_id: 'un_ga', target_label: 'UN General Assembly', stance: 'support', confidence: 0.8 });
    const next = await run<Q.StanceEvidenceRow>(Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, limit: 3, offset: 3 }));
    expect(next.map((r) => r.stance_id)).toEqual(['a04:s0', 'a09:s0', 'a03:s0']);
    expect(await run(Q.buildStanceEvidenceCountQuery(EMPTY_FILTERS, un))).toEqual([{ n: 10 }]);
  });
  it('sentence and cue offsets point into the article text', async () => {
    const rows = await run<Q.StanceEvidenceRow>(Q.buildStanceEvidenceQuery(EMPTY_FILTERS, { ...un, limit: 100 }));
    for (const r of rows) {
      const [a] = await run<{ text: string }>(Q.buildArticleQuery(r.article_id));
      expect(a.text.slice(r.sentence_start, r.sentence_end)).toBe(r.sentence);
      expect(a.text.slice(r.cue_start, r.cue_end)).toBe(r.cue);
    }
  });
  it('drill-down narrows by label, bucket, country and target', async () => {
    const count = async (o: Partial<Q.StanceEvidenceOptions>, f = EMPTY_FILTERS) =>
      (await run<Q.CountRow>(Q.buildStanceEvidenceCountQuery(f, { ...un, ...o })))[0].n;
    expect(await count({ stance: 'oppose' })).toBe(3);
    expect(await count({ bucketStart: '2024-02-01', bucketEnd: '2024-03-01' })).toBe(3);
    expect(await count({ country: 'DZ' })).toBe(4);
    expect(await count({ threshold: 0.75 })).toBe(4); // a01 .8, a02 .9, a04→un_ga .8, a07 .9
    expect(await count({ target_kind: 'topic', target_id: 'sanctions' })).toBe(2); // undated a05 included
    expect(await count({}, F({ langs: ['fa'] }))).toBe(5);
  });
});

it('stance targets: all-UN row first, then by article count', async () => {
  const rows = await run<Q.StanceTargetRow>(Q.buildStanceTargetsQuery(EMPTY_FILTERS));
  expect(rows.map((r) => [r.target_kind, r.target_id, r.articles, r.support, r.oppose, r.neutral])).toEqual([
    ['entity', '@un_system', 9, 5, 3, 1],
    ['entity', 'un_ga', 4, 3, 0, 1],
    ['entity', 'un_sc', 4, 2, 2, 0],
    ['entity', 'iaea', 2, 1, 1, 0],
    ['topic', 'sanctions', 2, 0, 2, 0]
  ]);
  expect(rows[3]).toMatchObject({ label_en: 'IAEA', entity_kind: 'un_body' });
  const ir = await run<Q.StanceTargetRow>(Q.buildStanceTargetsQuery(F({ countries: ['DZ'], from: '2024-03-01' })));
  expect(ir.map((r) => `${r.target_id}:${r.articles}`)).toEqual(['@un_system:1', 'un_ga:1']);
});
