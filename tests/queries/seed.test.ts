/**
 * Every builder on the real pipeline's output for the five seed articles: catches drift between schema.ts, the
 * pipeline's Parquet and the SQL (column types, names, empty tables) that a hand-made fixture cannot.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '$lib/db/node';
import { EMPTY_FILTERS, UN_SYSTEM, type Filters } from '$lib/filters';
import * as Q from '$lib/queries';

const hasPipeline = existsSync('scripts/preprocess.ts') && existsSync('seeds');

describe.skipIf(!hasPipeline)('queries on the seed articles', () => {
  let dir = '';
  let db: NodeDb;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'em-seed-'));
    execFileSync('npx', ['tsx', 'scripts/preprocess.ts', '--input', 'seeds', '--out', dir, '--quiet'], {
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
      stdio: 'pipe'
    });
    db = await openNodeDb(dir);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('five articles: four Iranian, one Algerian', async () => {
    const [t] = await db.query<Q.OverviewTotalsRow>(Q.buildOverviewTotalsQuery(EMPTY_FILTERS));
    expect(t.articles).toBe(5);
    const byCountry = await db.query<Q.CountByCountryRow>(Q.buildCountsByCountryQuery(EMPTY_FILTERS));
    expect(Object.fromEntries(byCountry.map((r) => [r.country, r.articles]))).toEqual({ IR: 4, DZ: 1 });
    const langs = await db.query<Q.CountByLangRow>(Q.buildCountsByLangQuery(EMPTY_FILTERS));
    expect(Object.fromEntries(langs.map((r) => [r.lang, r.articles]))).toEqual({ fa: 4, ar: 1 });
  });

  it('every builder runs, with and without filters', async () => {
    const [opt] = await db.query<Q.SourceOptionRow>(Q.buildSourceOptionsQuery());
    const topics = await db.query<Q.TopicOptionRow>(Q.buildTopicOptionsQuery());
    const [target] = await db.query<Q.StanceTargetRow>(Q.buildStanceTargetsQuery(EMPTY_FILTERS));
    const [article] = await db.query<Q.LatestArticleRow>(Q.buildLatestArticlesQuery(EMPTY_FILTERS, 1));
    const some: Filters = { ...EMPTY_FILTERS, countries: ['IR'], sources: opt ? [opt.source_id] : [], topics: topics.slice(0, 2).map((t) => t.topic_id) };
    const t = target ?? { target_kind: 'entity' as const, target_id: UN_SYSTEM };
    for (const f of [EMPTY_FILTERS, some]) {
      const qs: BoundQueryList = [
        Q.buildOverviewTotalsQuery(f), Q.buildCountsBySourceQuery(f), Q.buildTopicSharesQuery(f),
        Q.buildArticlesPerBucketQuery(f, 'month'), Q.buildUndatedCountQuery(f),
        Q.buildTopicTrendQuery(f, { granularity: 'month', measure: 'share', byCountry: true }),
        Q.buildStanceTrendQuery(f, { ...t, granularity: 'quarter', threshold: 0, byCountry: true }),
        Q.buildStanceEvidenceQuery(f, { ...t, threshold: 0 }), Q.buildStanceTargetsQuery(f),
        Q.buildCoMentionQuery(f, { rows: 'actors', cols: 'topics', n: 10, measure: 'pmi' }),
        Q.buildCoMentionQuery(f, { rows: 'actors', cols: 'actors', n: 10, measure: 'jaccard' }),
        Q.buildCompareTopicsQuery(f, { a: 'IR', b: 'DZ' }), Q.buildCompareStanceQuery(f, { a: 'IR', b: 'DZ' }),
        Q.buildCompareActorsQuery(f, { a: 'IR', b: 'DZ' }), Q.buildCompareTermsQuery(f, { a: 'IR', b: 'DZ' }),
        Q.buildArticleListQuery(f, { q: 'سازمان' }), Q.buildArticleCountQuery(f, { q: 'سازمان' }),
        Q.buildEntityOptionsQuery(), Q.buildCountryOptionsQuery(), Q.buildLangOptionsQuery(), Q.buildDateExtentQuery()
      ];
      for (const q of qs) await expect(db.query(q)).resolves.toBeInstanceOf(Array);
    }
    const id = article.article_id;
    for (const q of [Q.buildArticleQuery(id), Q.buildArticleMentionsQuery(id), Q.buildArticleTopicsQuery(id), Q.buildArticleStancesQuery(id), Q.buildArticleTermsQuery(id)]) {
      await expect(db.query(q)).resolves.toBeInstanceOf(Array);
    }
  });

  it('mention and stance offsets point into the article text', async () => {
    const list = await db.query<Q.ArticleListRow>(Q.buildArticleListQuery(EMPTY_FILTERS, { limit: 10 }));
    for (const { article_id } of list) {
      const [a] = await db.query<{ text: string }>(Q.buildArticleQuery(article_id));
      for (const m of await db.query<Q.ArticleMentionRow>(Q.buildArticleMentionsQuery(article_id))) {
        expect(a.text.slice(m.start, m.end)).toBe(m.surface);
      }
      for (const s of await db.query<Q.ArticleStanceRow>(Q.buildArticleStancesQuery(article_id))) {
        expect(a.text.slice(s.sentence_start, s.sentence_end)).toBe(s.sentence);
      }
    }
  });

  it('topic shares are real fractions and the co-mention grid is consistent', async () => {
    for (const r of await db.query<Q.TopicShareRow>(Q.buildTopicSharesQuery(EMPTY_FILTERS))) {
      expect(r.share).toBeGreaterThanOrEqual(0);
      expect(r.share).toBeLessThanOrEqual(1);
    }
    for (const r of await db.query<Q.CoMentionRow>(Q.buildCoMentionQuery(EMPTY_FILTERS, { rows: 'actors', cols: 'topics', n: 10, measure: 'count' }))) {
      expect(r.articles).toBeLessThanOrEqual(Math.min(r.row_articles, r.col_articles));
      expect(r.jaccard).toBeLessThanOrEqual(1);
    }
  });
});

type BoundQueryList = { sql: string; params: unknown[] }[];
