import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { BOM, cellText, toCsv } from '$lib/export/csv';
import { exportFileName, slugify, uniqueName } from '$lib/export/filename';
import { buildProvenance, dateRange, describeView, filterSummary, type Labels } from '$lib/export/provenance';
import { buildPackZip, type PackEntry } from '$lib/export/zip';
import { EMPTY_FILTERS } from '$lib/filters';

const labels: Labels = {
  country: (c) => ({ IR: 'Iran', DZ: 'Algeria' })[c] ?? c,
  source: (s) => ({ mehr: 'Mehr News Agency', aps: 'Algérie Presse Service' })[s] ?? s,
  lang: (l) => ({ fa: 'Persian', ar: 'Arabic' })[l] ?? l,
  topic: (t) => ({ sanctions: 'Sanctions' })[t] ?? t
};

describe('cellText: formula injection is neutralised, data is not', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`, 'formula'],
    ['+cmd', `'+cmd`, 'plus starts a formula in Excel'],
    ['-2+3', `'-2+3`, 'minus starts a formula in Excel'],
    ['@SUM(1)', `'@SUM(1)`, 'at-sign is a Lotus/Excel function prefix'],
    ['\tx', `'\tx`, 'tab'],
    ['\rx', `'\rx`, 'carriage return'],
    ['سازمان ملل', 'سازمان ملل', 'Persian text unchanged'],
    ['a=b', 'a=b', 'an equals sign inside is harmless']
  ])('%j → %j (%s)', (input, expected) => {
    expect(cellText(input)).toBe(expected);
  });
  it('keeps numbers (negative ones too), booleans and nulls as data', () => {
    expect(cellText(-0.25)).toBe('-0.25');
    expect(cellText(12)).toBe('12');
    expect(cellText(true)).toBe('true');
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText(NaN)).toBe('');
    expect(cellText({ topic: 'x' })).toBe('{"topic":"x"}');
  });
});

describe('toCsv', () => {
  const rows = [
    { id: 'a1', title: '=HYPERLINK("http://x","y")', n: 3, share: -0.5, note: null },
    { id: 'a2', title: 'تحریم‌ها، «ظالمانه»\nخط دوم', n: 0, share: 0.125, note: ' spaced ' },
    { id: 'a3', title: 'الأمم المتحدة, جنيف', n: 1, share: 1, note: '@SUM(1)' }
  ];
  const text = toCsv(rows);

  it('starts with a UTF-8 BOM and ends lines with CRLF', () => {
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.split('\r\n')[0]).toBe(`${BOM}id,title,n,share,note`);
    expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('parses back to the same cells (quotes, commas, newlines, Persian/Arabic), formulas neutralised', () => {
    const parsed = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(parsed).toEqual([
      { id: 'a1', title: `'=HYPERLINK("http://x","y")`, n: '3', share: '-0.5', note: '' },
      { id: 'a2', title: 'تحریم‌ها، «ظالمانه»\nخط دوم', n: '0', share: '0.125', note: ' spaced ' },
      { id: 'a3', title: 'الأمم المتحدة, جنيف', n: '1', share: '1', note: `'@SUM(1)` }
    ]);
  });

  it('writes the header even with no rows, and takes an explicit column order', () => {
    expect(toCsv([], ['a', 'b'])).toBe(`${BOM}a,b\r\n`);
    expect(toCsv([{ b: 1, a: 2 }], ['a', 'b'])).toBe(`${BOM}a,b\r\n2,1\r\n`);
  });

  it('collects columns that only later rows have', () => {
    expect(toCsv([{ a: 1 }, { a: 2, b: 3 }])).toBe(`${BOM}a,b\r\n1,\r\n2,3\r\n`);
  });
});

describe('file names', () => {
  it('say chart, countries and months', () => {
    expect(exportFileName({ chartId: 'topic-trend', countries: ['IR', 'DZ'], from: '2021-01-01', to: '2025-09-30', ext: 'png' })).toBe(
      'topic-trends_IR-DZ_2021-01_2025-09.png'
    );
    expect(exportFileName({ chartId: 'by-source', countries: [], from: null, to: null, ext: 'csv' })).toBe('articles-by-source_all.csv');
    expect(exportFileName({ chartId: 'compare-actors-IR', countries: ['IR'], from: '2020-02-03', to: null, ext: 'svg' })).toBe(
      'compare-actors-ir_IR_2020-02_end.svg'
    );
  });
  it('never carry path separators or non-ASCII', () => {
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('سازمان')).toBe('chart');
    expect(exportFileName({ chartId: 'x/../y', countries: ['i/r'], from: null, to: null, ext: 'png' })).toBe('x-y_IR.png');
  });
  it('are numbered when repeated in a ZIP', () => {
    const taken = new Set<string>();
    expect([uniqueName('a.png', taken), uniqueName('a.png', taken), uniqueName('a.png', taken)]).toEqual(['a.png', 'a-2.png', 'a-3.png']);
  });
});

describe('provenance', () => {
  const f = { ...EMPTY_FILTERS, countries: ['IR', 'DZ'], langs: ['fa'], topics: ['sanctions'], from: '2021-01-01', to: '2025-09-30' };

  it('names the filters in words', () => {
    expect(filterSummary(f, labels)).toBe('Countries: Iran, Algeria · Languages: Persian · Topics: Sanctions');
    expect(filterSummary(EMPTY_FILTERS, labels)).toBe('All countries, outlets, languages and topics');
  });

  it('keeps lists of Persian/Arabic names in reading order with a left-to-right mark after each', () => {
    const p = buildProvenance({
      title: 't',
      filters: EMPTY_FILTERS,
      labels,
      extent: null,
      view: [],
      counts: null,
      source: { outlets: ['روزنامه پیام', 'منبر الواحات', 'APS'], generatedAt: null, exportedOn: 'x', methodUrl: 'm' }
    });
    expect(p.footer[0]).toContain('Outlets: روزنامه پیام\u200e, منبر الواحات\u200e, APS ·');
  });

  it('gives the date range from the filter, else from the data', () => {
    expect(dateRange(f, { min_date: '2003-01-01', max_date: '2025-10-01' }).text).toBe('Dates: 2021-01-01 to 2025-09-30 (undated articles excluded)');
    const open = dateRange(EMPTY_FILTERS, { min_date: '2003-01-01', max_date: '2025-10-01' });
    expect([open.from, open.to]).toEqual(['2003-01-01', '2025-10-01']);
  });

  it('describes page settings', () => {
    expect(describeView('/trends/', new URLSearchParams('gran=quarter&measure=count&split=country'), labels)).toEqual([
      'quarterly',
      'article counts',
      'per country'
    ]);
    expect(describeView('/sub/compare/', new URLSearchParams('a=DZ&b=IR'), labels)).toEqual(['Algeria vs Iran']);
  });

  it('puts title, filters, count, outlets, dates and the method note together', () => {
    const p = buildProvenance({
      title: 'Articles per topic',
      chartSubtitle: 'All topics',
      filters: f,
      labels,
      extent: null,
      view: ['monthly'],
      counts: { articles: 1234, dated: 1200 },
      source: { outlets: ['Mehr News Agency', 'APS'], generatedAt: '2025-11-20T10:00:00Z', exportedOn: '2025-11-24', methodUrl: 'http://h/method/' }
    });
    expect(p.subtitle).toEqual([
      'All topics',
      'Countries: Iran, Algeria · Languages: Persian · Topics: Sanctions · Dates: 2021-01-01 to 2025-09-30 (undated articles excluded)',
      'View: monthly'
    ]);
    expect(p.footer).toEqual([
      'Based on 1,234 articles (34 undated, left off time axes)',
      'Source: Engagement monitor · Outlets: Mehr News Agency, APS · data generated 2025-11-20 · exported 2025-11-24',
      'Topics and stance detected automatically; see method note: http://h/method/'
    ]);
    expect([p.countries, p.from, p.to]).toEqual([['IR', 'DZ'], '2021-01-01', '2025-09-30']);
  });
});

describe('briefing ZIP', () => {
  const prov = buildProvenance({
    title: 'T',
    filters: { ...EMPTY_FILTERS, countries: ['IR'] },
    labels,
    extent: { min_date: '2021-01-05', max_date: '2021-03-01' },
    view: [],
    counts: { articles: 2, dated: 2 },
    source: { outlets: [], generatedAt: null, exportedOn: '2025-01-01', methodUrl: 'http://h/method/' }
  });
  const entry = (chartId: string): PackEntry => ({
    chartId,
    title: `Chart ${chartId}`,
    url: `http://h/${chartId}/`,
    provenance: prov,
    png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    svg: '<svg/>',
    csv: toCsv([{ a: 1 }])
  });

  it('holds PNG, SVG and CSV per chart in pack order, and a README naming them', () => {
    const files = unzipSync(buildPackZip([entry('topic-trend'), entry('by-country'), entry('topic-trend')], 'http://h/method/', '2025-01-01'));
    expect(Object.keys(files).sort()).toEqual(
      [
        'README.txt',
        '01_topic-trends_IR_2021-01_2021-03.png',
        '01_topic-trends_IR_2021-01_2021-03.svg',
        '01_topic-trends_IR_2021-01_2021-03.csv',
        '02_articles-by-country_IR_2021-01_2021-03.png',
        '02_articles-by-country_IR_2021-01_2021-03.svg',
        '02_articles-by-country_IR_2021-01_2021-03.csv',
        '03_topic-trends_IR_2021-01_2021-03.png',
        '03_topic-trends_IR_2021-01_2021-03.svg',
        '03_topic-trends_IR_2021-01_2021-03.csv'
      ].sort()
    );
    const readme = strFromU8(files['README.txt']);
    expect(readme).toContain('2. Chart by-country');
    expect(readme).toContain('http://h/method/');
    expect(readme).toContain('02_articles-by-country_IR_2021-01_2021-03.csv');
    // Bytes, not a decoded string: TextDecoder would silently drop the BOM this checks for.
    expect(files['01_topic-trends_IR_2021-01_2021-03.csv']).toEqual(new TextEncoder().encode(toCsv([{ a: 1 }])));
    expect([...files['01_topic-trends_IR_2021-01_2021-03.csv'].slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
