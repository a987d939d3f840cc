/** URL ⇄ filter state: round trips, and hostile or malformed values dropped rather than passed on. */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  articleListParamsToParams,
  coMentionParamsToParams,
  compareParamsToParams,
  filtersToParams,
  isoDate,
  parseArticleId,
  parseArticleListParams,
  parseCoMentionParams,
  parseCompareParams,
  parseFilters,
  parseStanceParams,
  parseTarget,
  parseTrendParams,
  stanceParamsToParams,
  trendParamsToParams,
  whereClause,
  type Filters
} from '$lib/filters';
import { bucketEnd, bucketLabel, rollingMean } from '$lib/queries/transforms';

const P = (s: string) => new URLSearchParams(s);

describe('parseFilters / filtersToParams', () => {
  const full: Filters = { from: '2024-01-01', to: '2024-03-31', countries: ['IR', 'DZ'], sources: ['mehr'], langs: ['fa', 'ar'], topics: ['sanctions', 'un_reform'] };

  it('round-trips, with a stable key order and empties omitted', () => {
    const s = filtersToParams(full).toString();
    expect(s).toBe('from=2024-01-01&to=2024-03-31&countries=IR%2CDZ&sources=mehr&langs=fa%2Car&topics=sanctions%2Cun_reform');
    expect(parseFilters(P(s))).toEqual(full);
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe('');
    expect(parseFilters(P(''))).toEqual(EMPTY_FILTERS);
  });

  it('accepts repeated keys as well as commas, and dedupes', () => {
    expect(parseFilters(P('countries=IR&countries=DZ,IR')).countries).toEqual(['IR', 'DZ']);
  });

  it.each([
    ['from=2024-02-30', 'from', null, 'impossible date'],
    ['from=2024-1-5', 'from', null, 'not zero-padded'],
    ['from=2024-01-05T00:00', 'from', null, 'not a bare date'],
    ["from=2024-01-01' OR 1=1", 'from', null, 'SQL'],
    ['countries=IR,xx,IRN,D%27Z', 'countries', ['IR', 'XX'], 'lowercase is upper-cased; 3 letters and quotes dropped'],
    ['langs=fa,de,<script>', 'langs', ['fa'], 'only known languages'],
    ["sources=mehr,a'b,%20,x".concat('y'.repeat(100)), 'sources', ['mehr'], 'quote, blank, too long'],
    ['topics=sanctions;DROP', 'topics', [], 'semicolon not in id alphabet']
  ] as [string, keyof Filters, unknown, string][])('%s → %s = %j (%s)', (qs, key, want) => {
    expect(parseFilters(P(qs))[key]).toEqual(want);
  });

  it('swaps a reversed range instead of returning nothing', () => {
    expect(parseFilters(P('from=2024-03-01&to=2024-01-01'))).toMatchObject({ from: '2024-01-01', to: '2024-03-01' });
  });

  it('known values whitelist', () => {
    const f = parseFilters(P('countries=IR,FR&topics=sanctions,made_up&sources=mehr,x&langs=fa,en'), {
      countries: ['IR', 'DZ'], topics: ['sanctions'], sources: ['mehr'], langs: ['fa']
    });
    expect(f).toEqual({ from: null, to: null, countries: ['IR'], sources: ['mehr'], langs: ['fa'], topics: ['sanctions'] });
  });

  it('caps list length', () => {
    const many = Array.from({ length: 80 }, (_, i) => `s${i}`).join(',');
    expect(parseFilters(P(`sources=${many}`)).sources).toHaveLength(50);
  });

  it('isoDate', () => {
    expect(isoDate('2024-02-29')).toBe('2024-02-29');
    expect(isoDate('2023-02-29')).toBeNull();
    expect(isoDate(null)).toBeNull();
  });
});

describe('whereClause', () => {
  it('TRUE when empty, one ? per value otherwise, values only in params', () => {
    expect(whereClause(EMPTY_FILTERS)).toEqual({ sql: 'TRUE', params: [] });
    const w = whereClause({ from: '2024-01-01', to: null, countries: ["I'R", 'DZ'], sources: [], langs: ['fa'], topics: ['t'] }, 'x');
    expect(w.sql).not.toContain("I'R");
    expect(w.sql.split('?').length - 1).toBe(w.params.length);
    expect(w.params).toEqual(['2024-01-01', "I'R", 'DZ', 'fa', 't']);
    expect(w.sql).toContain('x.country IN (?, ?)');
    expect(w.sql).toContain('ft.article_id = x.article_id');
  });
  it('refuses an alias that is not a plain identifier', () => {
    expect(() => whereClause(EMPTY_FILTERS, 'a; DROP')).toThrow();
  });
});

describe('page parameters', () => {
  it('trends: defaults, round trip, junk → defaults', () => {
    expect(parseTrendParams(P(''))).toEqual({ granularity: 'month', measure: 'share', split: 'none', rolling: 0 });
    const t = { granularity: 'week', measure: 'count', split: 'country', rolling: 3 } as const;
    expect(parseTrendParams(trendParamsToParams(t))).toEqual(t);
    expect(parseTrendParams(P('gran=decade&measure=x&split=1&rolling=99'))).toEqual(parseTrendParams(P('')));
    expect(parseTrendParams(P('rolling=-1')).rolling).toBe(0);
    expect(trendParamsToParams(parseTrendParams(P(''))).toString()).toBe('');
  });

  it('stance: target syntax, threshold range', () => {
    expect(parseStanceParams(P('')).target).toEqual({ target_kind: 'entity', target_id: '@un_system' });
    const s = parseStanceParams(P('target=topic:sanctions&threshold=0.6&gran=quarter&split=none'));
    expect(s).toEqual({ target: { target_kind: 'topic', target_id: 'sanctions' }, threshold: 0.6, granularity: 'quarter', split: 'none' });
    expect(parseStanceParams(stanceParamsToParams(s))).toEqual(s);
    expect(parseStanceParams(P('threshold=1.5')).threshold).toBe(0);
    expect(parseStanceParams(P('threshold=NaN')).threshold).toBe(0);
    expect(parseTarget('person:x')).toBeNull();
    expect(parseTarget("entity:x' OR 1")).toBeNull();
    expect(parseTarget('entity:')).toBeNull();
  });

  it('co-mentions', () => {
    const c = parseCoMentionParams(P('cols=actors&n=20&measure=pmi&kinds=un_body,state,alien'));
    expect(c).toEqual({ cols: 'actors', n: 20, measure: 'pmi', kinds: ['un_body', 'state'] });
    expect(parseCoMentionParams(coMentionParamsToParams(c))).toEqual(c);
    expect(parseCoMentionParams(P('n=100000')).n).toBe(15);
    expect(parseCoMentionParams(P('n=2')).n).toBe(15);
  });

  it('compare', () => {
    expect(parseCompareParams(P(''))).toEqual({ a: 'IR', b: 'DZ' });
    expect(parseCompareParams(P('a=eg&b=DZ'))).toEqual({ a: 'EG', b: 'DZ' });
    expect(parseCompareParams(P('a=EG'), ['IR', 'DZ'])).toEqual({ a: 'IR', b: 'DZ' });
    expect(compareParamsToParams({ a: 'EG', b: 'DZ' }).toString()).toBe('a=EG');
  });

  it('article list: q trimmed, bounded, control chars removed; the rest whitelisted', () => {
    const a = parseArticleListParams(P(`q=${encodeURIComponent("  '; DROP TABLE articles; --\u0000 ")}&topic=sanctions&entity=us&entity2=@un_system&start=2024-02-01&end=2024-03-01&target=entity:un_ga&stance=support&threshold=0.5&page=3`));
    expect(a).toEqual({
      q: "'; DROP TABLE articles; --", topic: 'sanctions', entity: 'us', entity2: '@un_system',
      bucketStart: '2024-02-01', bucketEnd: '2024-03-01', stanceTarget: { target_kind: 'entity', target_id: 'un_ga' },
      stanceLabel: 'support', threshold: 0.5, page: 3
    });
    expect(parseArticleListParams(articleListParamsToParams(a))).toEqual(a);
    expect(parseArticleListParams(P(`q=${'x'.repeat(500)}`)).q).toHaveLength(200);
    expect(parseArticleListParams(P('stance=love&page=0&topic=a b&start=yesterday'))).toMatchObject({ stanceLabel: null, page: 1, topic: null, bucketStart: null });
  });

  it('article id', () => {
    expect(parseArticleId(P('id=a01'))).toBe('a01');
    expect(parseArticleId(P('id=3f2a9c:17'))).toBe('3f2a9c:17');
    expect(parseArticleId(P("id=a01' OR '1'='1"))).toBeNull();
    expect(parseArticleId(P(''))).toBeNull();
  });
});

describe('transforms', () => {
  it('rollingMean: trailing, short windows at the start, nulls skipped', () => {
    expect(rollingMean([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
    expect(rollingMean([1, null, 3], 3)).toEqual([1, 1, 2]);
    expect(rollingMean([null, null], 2)).toEqual([null, null]);
    expect(rollingMean([5, 7], 1)).toEqual([5, 7]);
  });
  it('bucketEnd', () => {
    expect(bucketEnd('2024-01-29', 'week')).toBe('2024-02-05');
    expect(bucketEnd('2024-01-01', 'month')).toBe('2024-02-01');
    expect(bucketEnd('2024-12-01', 'month')).toBe('2025-01-01');
    expect(bucketEnd('2024-10-01', 'quarter')).toBe('2025-01-01');
    expect(bucketEnd('2024-01-01', 'year')).toBe('2025-01-01');
  });
  it('bucketLabel', () => {
    expect(bucketLabel('2024-01-01', 'week')).toBe('2024-W01');
    expect(bucketLabel('2024-12-30', 'week')).toBe('2025-W01');
    expect(bucketLabel('2024-04-01', 'quarter')).toBe('2024 Q2');
    expect(bucketLabel('2024-03-01', 'month')).toBe('Mar 2024');
  });
});

it('the all-UN pseudo id survives every parser that takes an entity or target', () => {
  expect(parseArticleListParams(P('entity=@un_system&target=entity:@un_system'))).toMatchObject({
    entity: '@un_system', stanceTarget: { target_kind: 'entity', target_id: '@un_system' }
  });
  expect(parseStanceParams(P('target=entity:@un_system')).target.target_id).toBe('@un_system');
  expect(parseArticleListParams(P('entity=@other')).entity).toBeNull();
});
