import { describe, expect, it } from 'vitest';
import {
  barOption,
  addBuckets,
  bucketEnd,
  bucketEnds,
  bucketSequence,
  compareBarsOption,
  coverageOption,
  drillOf,
  heatmapOption,
  optionIsEmpty,
  rollingMean,
  seriesDrill,
  stanceDivergingOption,
  topicTrendOption,
  type TrendInputRow
} from '../../src/lib/charts';
import { drawnSeriesCount } from '../../src/lib/charts/empty';

type AnySeries = { id: string; name: string; data: { value: unknown; drill: Record<string, string>; n?: number }[]; xAxisIndex?: number; lineStyle?: { type: string } };
const seriesOf = (o: unknown) => (o as { series: AnySeries[] }).series;

describe('time buckets', () => {
  it.each(['week', 'month', 'quarter', 'year'] as const)('bucketEnds: each %s bucket ends where the next starts, the last one bucket later', (g) => {
    const buckets = bucketSequence('2023-11-27', '2025-03-03', g);
    expect(buckets.length).toBeGreaterThan(1);
    expect(bucketEnds(buckets, g)).toEqual(buckets.map((b) => addBuckets(b, g, 1)));
    expect(bucketEnds([], g)).toEqual([]);
  });
  it.each([
    ['2025-02-01', 'month', '2025-02-28', 'February in a non-leap year'],
    ['2024-02-01', 'month', '2024-02-29', 'leap year'],
    ['2025-01-01', 'quarter', '2025-03-31', 'Q1'],
    ['2024-12-30', 'week', '2025-01-05', 'ISO week crossing the year'],
    ['2025-01-01', 'year', '2025-12-31', 'year']
  ] as const)('bucketEnd(%s, %s) = %s (%s)', (start, g, end, _why) => {
    expect(bucketEnd(start, g)).toBe(end);
  });

  it('fills gaps so a silent month is not bridged', () => {
    expect(bucketSequence('2025-01-01', '2025-04-01', 'month')).toEqual([
      '2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'
    ]);
  });

  it('rolling mean skips nulls and keeps all-null windows null', () => {
    expect(rollingMean([1, 3, null, 5], 2)).toEqual([1, 2, 3, 5]);
    expect(rollingMean([null, null, 4], 2)).toEqual([null, null, 4]);
    expect(rollingMean([1, 2], 1)).toEqual([1, 2]);
  });
  it.each(['month', 'quarter', 'year', 'week'] as const)('bucketSequence by %s equals stepping one bucket at a time with addBuckets', (g) => {
    const stepped = (first: string, last: string, max = 5000) => {
      const out: string[] = [];
      for (let cur = first; cur <= last && out.length < max; cur = addBuckets(cur, g, 1)) out.push(cur);
      return out;
    };
    for (const [first, last] of [
      ['1903-06-01', '2026-01-31'],
      ['2024-11-01', '2025-03-01'],
      ['0999-12-01', '1001-02-01'],
      ['2025-01-01', '2025-01-01'],
      ['2025-02-01', '2025-01-01']
    ]) {
      expect(bucketSequence(first, last, g), `${first}–${last}`).toEqual(stepped(first, last));
      expect(bucketSequence(first, last, g, 3)).toEqual(stepped(first, last, 3));
    }
    // A first day that is not a bucket start takes the Date path, as before.
    expect(bucketSequence('2025-01-31', '2026-04-30', g)).toEqual(stepped('2025-01-31', '2026-04-30'));
  });
});

describe('coverageOption', () => {
  it('stacks countries per month, zeros in the gaps, and drills to the country and month of a bar', () => {
    const o = coverageOption(
      [
        { bucket: '2025-03-01', country: 'IR', articles: 4 },
        { bucket: '2025-01-01', country: 'DZ', articles: 2 },
        { bucket: '2025-01-01', country: 'IR', articles: 1 },
        { bucket: '2025-03-01', country: null, articles: 5 }
      ],
      'month'
    ) as { xAxis: { data: string[] }; series: { id: string; stack: string; large: boolean; data: number[]; drillAt(i: number): unknown }[] };
    expect(o.xAxis.data).toEqual(['2025-01', '2025-02', '2025-03']);
    const by = Object.fromEntries(o.series.map((s) => [s.id, s]));
    expect(Object.keys(by)).toEqual(['coverage|DZ', 'coverage|IR', 'coverage|']);
    expect(by['coverage|IR'].data).toEqual([1, 0, 4]);
    expect(by['coverage|DZ'].data).toEqual([2, 0, 0]);
    expect(by['coverage|'].data).toEqual([0, 0, 5]);
    expect(o.series.every((s) => s.stack === 'all' && s.large)).toBe(true);
    expect(seriesDrill(o, { seriesIndex: 1, dataIndex: 2 })).toEqual({ country: 'IR', bucketStart: '2025-03-01', bucketEnd: '2025-04-01' });
    // Unknown country: the bar narrows by period only.
    expect(seriesDrill(o, { seriesIndex: 2, dataIndex: 2 })).toEqual({ bucketStart: '2025-03-01', bucketEnd: '2025-04-01' });
    expect(optionIsEmpty(coverageOption([], 'month'))).toBe(true);
  });
});

const trendRows: TrendInputRow[] = [
  { bucket: '2025-01-01', topic_id: 'sanctions', country: 'IR', n: 2, total: 4 },
  { bucket: '2025-03-01', topic_id: 'sanctions', country: 'IR', n: 1, total: 2 },
  { bucket: '2025-01-01', topic_id: 'un', country: 'DZ', n: 3, total: 3 },
  // DZ has articles in March but none on 'un': share must be 0, not a gap
  { bucket: '2025-03-01', topic_id: 'un', country: 'DZ', n: 0, total: 5 }
];
const topics = { sanctions: { label: 'Sanctions', color: '#f00' }, un: { label: 'United Nations' } };

describe('topicTrendOption', () => {
  it('shares: n/total, gaps where no articles, zero where articles but no topic', () => {
    const o = topicTrendOption(trendRows, { granularity: 'month', measure: 'share', split: 'overlay', topics, minTotal: 1 });
    const s = seriesOf(o);
    const irSanctions = s.find((x) => x.id === 'sanctions|IR')!;
    expect(irSanctions.data.map((d) => d.value)).toEqual([0.5, null, 0.5]);
    const dzUn = s.find((x) => x.id === 'un|DZ')!;
    expect(dzUn.data.map((d) => d.value)).toEqual([1, null, 0]);
    // one series per topic × country (2 topics × 2 countries), countries told apart by line type
    expect(s).toHaveLength(4);
    expect(new Set(s.map((x) => x.lineStyle!.type)).size).toBe(2);
  });

  it('shares of thin periods are gaps, not noise', () => {
    const o = topicTrendOption(trendRows, { granularity: 'month', measure: 'share', split: 'overlay', topics, minTotal: 4 });
    // IR: 4 articles in January (kept), 2 in March (dropped); DZ: 3 in January (dropped), 5 in March (kept)
    expect(seriesOf(o).find((x) => x.id === 'sanctions|IR')!.data.map((d) => d.value)).toEqual([0.5, null, null]);
    expect(seriesOf(o).find((x) => x.id === 'un|DZ')!.data.map((d) => d.value)).toEqual([null, null, 0]);
  });

  it('every point carries the drill-down of its bucket, topic and country', () => {
    const o = topicTrendOption(trendRows, { granularity: 'month', measure: 'count', split: 'overlay', topics });
    const p = seriesOf(o).find((x) => x.id === 'sanctions|IR')!.data[2];
    expect(p.value).toBe(1);
    expect(p.drill).toEqual({ topic: 'sanctions', bucketStart: '2025-03-01', bucketEnd: '2025-04-01', country: 'IR' });
  });

  it('small multiples put each country on its own axes', () => {
    const o = topicTrendOption(trendRows, { granularity: 'month', measure: 'share', split: 'multiples', topics });
    expect((o.grid as unknown[]).length).toBe(2);
    const idx = new Set(seriesOf(o).map((s) => s.xAxisIndex));
    expect(idx).toEqual(new Set([0, 1]));
  });

  it('unsplit rows have no country in the drill', () => {
    const rows = trendRows.map((r) => ({ ...r, bucket: '2025-01-01', country: null }));
    const o = topicTrendOption(rows, { granularity: 'quarter', measure: 'count', split: 'none', topics });
    const s = seriesOf(o).find((x) => x.id === 'sanctions|')!;
    expect(s.data).toHaveLength(1);
    expect(s.data[0].value).toBe(3);
    expect(s.data[0].drill.country).toBeUndefined();
  });

  it('rolling mean smooths', () => {
    const o = topicTrendOption(trendRows, { granularity: 'month', measure: 'count', split: 'overlay', topics, rolling: 3 });
    expect(seriesOf(o).find((x) => x.id === 'sanctions|IR')!.data.map((d) => d.value)).toEqual([2, 1, 1]);
  });
});

describe('stanceDivergingOption', () => {
  it('support up, oppose down, one panel per country, drill carries label', () => {
    const o = stanceDivergingOption(
      [
        { bucket: '2025-01-01', country: 'IR', support: 2, oppose: 3 },
        { bucket: '2025-02-01', country: 'DZ', support: 1, oppose: 0 }
      ],
      { granularity: 'month' }
    );
    const s = seriesOf(o);
    expect(s).toHaveLength(4);
    const irOppose = s.find((x) => x.id === 'IR|oppose')! as unknown as { data: number[]; drillAt(i: number): unknown };
    expect(irOppose.data[0]).toBe(-3);
    // Plain numbers; the drill-down of a bar comes from the series (as Chart.svelte asks it on a click).
    expect(irOppose.drillAt(0)).toEqual({ stanceLabel: 'oppose', country: 'IR', bucketStart: '2025-01-01', bucketEnd: '2025-02-01' });
    expect(seriesDrill(o, { seriesIndex: s.indexOf(irOppose as never), dataIndex: 1 })).toEqual({
      stanceLabel: 'oppose',
      country: 'IR',
      bucketStart: '2025-02-01',
      bucketEnd: '2025-03-01'
    });
    expect((s.find((x) => x.id === 'IR|support')! as unknown as { data: number[] }).data[0]).toBe(2);
    expect((o.grid as unknown[]).length).toBe(2);
  });
});

describe('heatmapOption', () => {
  const rows = [{ id: 'e1', label: 'Guterres' }, { id: 'e2', label: 'IAEA' }];
  const cols = [{ id: 'un', label: 'UN' }, { id: 'sanctions', label: 'Sanctions' }];
  it('maps cells to [col, row, value] with entity/topic drill', () => {
    const o = heatmapOption(rows, cols, [{ row_id: 'e2', col_id: 'sanctions', value: 4, n: 4 }], { measure: 'count', columns: 'topics' });
    const d = seriesOf(o)[0].data[0];
    expect(d.value).toEqual([1, 1, 4]);
    expect(d.drill).toEqual({ entity: 'e2', topic: 'sanctions' });
  });
  it('actor pairs drill with entity2, PMI gets a symmetric scale', () => {
    const o = heatmapOption(rows, [{ id: 'e1', label: 'Guterres' }], [{ row_id: 'e2', col_id: 'e1', value: -1.5, n: 1 }], { measure: 'pmi', columns: 'actors' });
    expect(seriesOf(o)[0].data[0].drill).toEqual({ entity: 'e2', entity2: 'e1' });
    const vm = o.visualMap as { min: number; max: number };
    expect(vm.min).toBe(-vm.max);
    expect((o.title as { text: string }).text).toMatch(/PMI/);
  });
  it('drops cells whose row or column is not shown', () => {
    const o = heatmapOption(rows, cols, [{ row_id: 'zz', col_id: 'un', value: 1, n: 1 }], { measure: 'count', columns: 'topics' });
    expect(seriesOf(o)[0].data).toHaveLength(0);
    expect(optionIsEmpty(o)).toBe(true);
  });
});

describe('bars', () => {
  it('barOption keeps order and drill', () => {
    const o = barOption(
      [{ key: 'IR', label: 'Iran', value: 5, drill: { country: 'IR' } }, { key: 'DZ', label: 'Algeria', value: 2, drill: { country: 'DZ' } }],
      { valueName: 'Articles' }
    );
    expect((o.yAxis as { data: string[] }).data).toEqual(['Iran', 'Algeria']);
    expect(seriesOf(o)[0].data[1].drill).toEqual({ country: 'DZ' });
    expect(drawnSeriesCount(o)).toBe(1);
  });
  it('compareBarsOption adds each side’s country to the drill', () => {
    const o = compareBarsOption(
      [{ key: 'un', label: 'UN', a: 0.5, b: 0.2, drill: { topic: 'un' } }],
      { code: 'IR', label: 'Iran' },
      { code: 'DZ', label: 'Algeria' },
      { valueName: 'Share', format: 'share' }
    );
    const s = seriesOf(o);
    expect(s.map((x) => x.name)).toEqual(['Iran', 'Algeria']);
    expect(s[1].data[0].drill).toEqual({ topic: 'un', country: 'DZ' });
  });
});

describe('empty detection and click mapping', () => {
  it('an option whose series hold only nulls is empty', () => {
    expect(optionIsEmpty({ series: [{ data: [{ value: null }, null] }] })).toBe(true);
    expect(optionIsEmpty({ series: [{ data: [{ value: 0 }] }] })).toBe(false);
    expect(optionIsEmpty({ series: [] })).toBe(true);
  });
  it('drillOf reads the item drill and ignores items without one', () => {
    expect(drillOf({ data: { value: 1, drill: { topic: 't' } } })).toEqual({ topic: 't' });
    expect(drillOf({ data: 3 })).toBeNull();
    expect(drillOf(null)).toBeNull();
  });
});

import { periodLabel } from '../../src/lib/charts';
describe('periodLabel', () => {
  it.each([
    ['2025-02-01', '2025-03-01', 'Month: 2025-02'],
    ['2025-01-01', '2025-04-01', 'Quarter: 2025 Q1'],
    ['2025-01-01', '2026-01-01', 'Year: 2025'],
    ['2024-12-30', '2025-01-06', 'Week: 2024-12-30'],
    ['2025-02-03', '2025-02-10', 'Week: 2025-02-03'],
    ['2025-02-05', '2025-02-09', 'Dates: 2025-02-05 – 2025-02-08']
  ])('%s..%s → %s', (s, e, label) => expect(periodLabel(s, e)).toBe(label));
});

import { timeZoom } from '../../src/lib/charts';
describe('timeZoom', () => {
  it('starts the window after a sparse head holding under 1% of articles', () => {
    const w = [1, ...Array(40).fill(0), ...Array(20).fill(10)];
    const z = timeZoom(w, [0]) as { startValue: number; endValue: number }[];
    expect(z[0].startValue).toBe(41);
    expect(z[0].endValue).toBe(w.length - 1);
  });
  it('no zoom for short series', () => {
    expect(timeZoom([1, 2, 3], [0])).toBeUndefined();
  });
});

describe('topicTrendOption from non-empty cells only', () => {
  it('draws the same chart as from the full grid: zeros, gaps and flat lines of topics with no article', () => {
    const sparse: TrendInputRow[] = [
      { bucket: '2025-01-01', topic_id: 'sanctions', country: 'IR', n: 2, total: 4 },
      // IR has articles in March but none on a drawn topic: only its total arrives
      { bucket: '2025-03-01', topic_id: null, country: 'IR', n: 0, total: 6 }
    ];
    const dense: TrendInputRow[] = [];
    for (const bucket of ['2025-01-01', '2025-02-01', '2025-03-01'])
      for (const topic_id of ['sanctions', 'un']) {
        const total = bucket === '2025-01-01' ? 4 : bucket === '2025-03-01' ? 6 : 0;
        dense.push({ bucket, topic_id, country: 'IR', n: bucket === '2025-01-01' && topic_id === 'sanctions' ? 2 : 0, total });
      }
    for (const measure of ['share', 'count'] as const) {
      const base = { granularity: 'month' as const, measure, split: 'overlay' as const, topics, minTotal: 1 };
      const fromSparse = topicTrendOption(sparse, { ...base, topicIds: ['sanctions', 'un'] });
      expect(JSON.stringify(fromSparse)).toEqual(JSON.stringify(topicTrendOption(dense, base)));
    }
    const un = seriesOf(topicTrendOption(sparse, { granularity: 'month', measure: 'share', split: 'overlay', topics, minTotal: 1, topicIds: ['sanctions', 'un'] })).find((s) => s.id === 'un|IR')!;
    expect(un.data.map((d) => d.value)).toEqual([0, null, 0]);
  });
});
