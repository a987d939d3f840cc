import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  extractDates,
  loadMonthLexicon,
  monthLexicon,
  parseHeaderLine,
  parseMetadataDate,
  pickPublicationDate,
  type DateCandidate,
  type DatePrecision
} from '../../src/pipeline/dates';

type Row = [input: string, date: string, precision: DatePrecision, reason: string];

/** The one candidate a phrase must yield. */
function only(text: string): DateCandidate {
  const found = extractDates(text);
  expect(found, `candidates for «${text}»`).toHaveLength(1);
  return found[0];
}

describe('extractDates: Jalali dates are converted with jalaali-js', () => {
  const rows: Row[] = [
    ['1400/09/06', '2021-11-27', 'day', 'numeric Jalali, year first (known pair)'],
    ['۱۴۰۰/۰۹/۰۶', '2021-11-27', 'day', 'same date in Persian digits'],
    ['۱ فروردین ۱۴۰۳', '2024-03-20', 'day', 'Nowruz 1403'],
    ['اول فروردین ۱۴۰۳', '2024-03-20', 'day', 'ordinal word اول = 1'],
    ['1402-6-4', '2023-08-26', 'day', 'numeric Jalali without zero padding'],
    ['۲۹ اسفند ۱۴۰۲', '2024-03-19', 'day', 'last day of common year 1402'],
    ['بیست‌و‌نهم اسفند ۱۴۰۲', '2024-03-19', 'day', 'compound ordinal written with ZWNJ'],
    ['یازدهم بهمن ۱۳۵۷', '1979-01-31', 'day', 'ordinal word یازدهم = 11'],
    ['۲۲ بهمن ماه سال ۱۳۵۷', '1979-02-11', 'day', '"ماه" and "سال" between the parts'],
    ['ششم آذر ماه ۱۴۰۰', '2021-11-27', 'day', 'ordinal day + آذر ماه + year'],
    ['۶ آذر‌ماه ۱۴۰۰', '2021-11-27', 'day', 'آذر‌ماه joined by ZWNJ'],
    ['۶ آذر ۱۴۰۰ ه.ش', '2021-11-27', 'day', 'solar-hijri marker ه.ش is Jalali'],
    ['۴/۶/۱۴۰۲', '2023-08-26', 'day', 'numeric Jalali, day first'],
    ['آذر ۱۴۰۰', '2021-12-01', 'month', 'month only: Gregorian month holding 15 Azar (6 Dec)'],
    ['فروردین ماه ۱۴۰۳', '2024-04-01', 'month', 'Farvardin 15 = 3 April'],
    ['مهر ۱۴۰۰', '2021-10-01', 'month', 'مهر is a month when a year follows it']
  ];
  it.each(rows)('%s -> %s (%s): %s', (input, date, precision) => {
    const c = only(input);
    expect([c.date, c.precision, c.calendar]).toEqual([date, precision, 'jalali']);
  });
});

describe('extractDates: Gregorian month names in the Arabic naming systems and in Persian', () => {
  const maghreb = ['جانفي', 'فيفري', 'مارس', 'أفريل', 'ماي', 'جوان', 'جويلية', 'أوت', 'سبتمبر', 'أكتوبر', 'نوفمبر', 'ديسمبر'];
  it.each(maghreb.map((name, i) => [name, i + 1]))('Maghreb %s = month %i', (name, month) => {
    const c = only(`يوم 15 ${name} 2020 في الجزائر`);
    expect(c.date).toBe(`2020-${String(month).padStart(2, '0')}-15`);
    expect(c.evidence).toBe(`15 ${name} 2020`);
  });

  const levantine = ['كانون الثاني', 'شباط', 'آذار', 'نيسان', 'أيار', 'حزيران', 'تموز', 'آب', 'أيلول', 'تشرين الأول', 'تشرين الثاني', 'كانون الأول'];
  it.each(levantine.map((name, i) => [name, i + 1]))('Levantine %s = month %i', (name, month) => {
    const c = only(`في ${name} 2014 قالت`);
    expect([c.date, c.precision]).toEqual([`2014-${String(month).padStart(2, '0')}-01`, 'month']);
  });

  const persianGregorian = ['ژانویه', 'فوریه', 'مارس', 'آوریل', 'مه', 'ژوئن', 'ژوئیه', 'اوت', 'سپتامبر', 'اکتبر', 'نوامبر', 'دسامبر'];
  it.each(persianGregorian.map((name, i) => [name, i + 1]))('Persian Gregorian %s = month %i', (name, month) => {
    const c = only(`در ۳ ${name} ۲۰۱۸ گفت`);
    expect([c.date, c.calendar]).toEqual([`2018-${String(month).padStart(2, '0')}-03`, 'gregorian']);
  });

  const rows: Row[] = [
    ['24 فيفري 2025', '2025-02-24', 'day', 'Maghreb February'],
    ['فيفري 2025', '2025-02-01', 'month', 'month + year only'],
    ['١٤ آب ٢٠١٥', '2015-08-14', 'day', 'Arabic-Indic digits, Levantine August'],
    ['آذار 2011', '2011-03-01', 'month', 'Levantine آذار is March, not Jalali آذر'],
    ['15 يناير 2016', '2016-01-15', 'day', 'Mashriq January'],
    ['3 يونية 2013', '2013-06-03', 'day', 'Egyptian spelling يونية'],
    ['فبراير/شباط 2016', '2016-02-01', 'month', 'doubled name with slash is one date'],
    ['كانون الثاني(يناير) 2015', '2015-01-01', 'month', 'doubled name in brackets'],
    ['31 كانون الثاني - يناير 2016', '2016-01-31', 'day', 'doubled name with dash'],
    ['يناير/فبراير 2015', '2015-02-01', 'month', 'two different months: only the one next to the year'],
    ['وحزيران/يونيو2011', '2011-06-01', 'month', 'joined و and a year without space'],
    ['الثامن عشر من ديسمبر 2015', '2015-12-18', 'day', 'Arabic ordinal day + من'],
    ['10 أغسطس 2015م', '2015-08-10', 'day', 'م marks a Gregorian year'],
    ['24 فبراير من عام 2015', '2015-02-24', 'day', '"من عام" before the year'],
    ['21 ماه مي 2004', '2004-05-21', 'day', 'Persian with Arabic ي and "ماه" before the month'],
    ['ژانويه 2006', '2006-01-01', 'month', 'Persian month typed with Arabic ي'],
    ['۱۰ اكتبر ۲۰۱۵', '2015-10-10', 'day', 'Persian month typed with Arabic ك'],
    ['ششم ژوییه سال ۲۰۲۱', '2021-07-06', 'day', 'Persian ordinal with a Gregorian month']
  ];
  it.each(rows)('%s -> %s (%s): %s', (input, date, precision) => {
    const c = only(input);
    expect([c.date, c.precision, c.calendar]).toEqual([date, precision, 'gregorian']);
  });
});

describe('extractDates: numeric dates', () => {
  const rows: Row[] = [
    ['2025-08-14', '2025-08-14', 'day', 'ISO'],
    ['2025/8/14', '2025-08-14', 'day', 'year first with slashes'],
    ['14/08/2025', '2025-08-14', 'day', 'day first'],
    ['14-8-2025', '2025-08-14', 'day', 'day first with dashes'],
    ['٢٤/٠٧/٢٠١٥', '2015-07-24', 'day', 'Arabic-Indic digits'],
    ['۲۰۲۵-۰۸-۱۴', '2025-08-14', 'day', 'Persian digits'],
    ['4-8-2015م', '2015-08-04', 'day', 'Gregorian marker after the year']
  ];
  it.each(rows)('%s -> %s (%s): %s', (input, date, precision) => {
    const c = only(input);
    expect([c.date, c.precision]).toEqual([date, precision]);
  });
});

describe('extractDates: phrases that are not (full) dates give nothing', () => {
  const rows: Array<[string, string]> = [
    ['گیر پدرسون ششم آذر ماه نیز با خاجی گفت‌وگو کرده بود', 'no year: never guess it'],
    ['خلال الفترة من 24 إلى 26 فيفري', 'no year after a range'],
    ['در نیمه اول سال ۲۰۲۲ در نورسلطان', 'bare year سال ۲۰۲۲ is too weak'],
    ['ميزانية المفوضية لعام 2025', 'bare year عام 2025'],
    ['از سال ۱۳۲۴ همکاری نزدیکی', 'bare Jalali year'],
    ['پدرسون مهر ماه سال جاری', 'مهر ماه without a number'],
    ['به گزارش خبرگزاری مهر، ۱۴۰۰ نفر', 'مهر the agency, then a count'],
    ['تیر ۱۲ روزه', 'تیر (shot) with a small number'],
    ['31/02/2020', 'impossible: 31 February'],
    ['2021-02-29', 'impossible: 2021 is not a leap year'],
    ['12/31/2020', 'month first (US) reads as month 31'],
    ['۳۰ اسفند ۱۴۰۲', 'impossible: 1402 is a common Jalali year'],
    ['32 يناير 2015', 'day 32'],
    ['ژانویه 1850', 'Gregorian year before 1900'],
    ['۶ آذر ۱۵۰۰', 'Jalali year after 1480'],
    ['آذر 2015', 'Jalali month with a Gregorian year'],
    ['يناير 1436', 'Gregorian month with a Hijri-range year'],
    ['14 شوال 1436 هـ', 'Hijri date'],
    ['بتاريخ 30/8/1436هـ ضد مستشفى خاص', 'numeric Hijri date marked هـ'],
    ['صدر القرار بتاريخ 1436/10/14 في جدة', 'unmarked 1436 in Arabic text is Hijri, not Jalali 2057'],
    ['۱۵ رمضان ۱۴۴۴ ه.ق', 'Persian-written lunar Hijri'],
    ['نامه مورخ ۱۴۳۶/۱۰/۱۴ هجری قمری', 'numeric date in Persian text marked lunar: not Jalali'],
    ['پاسخ گزارش 1436/10/14 ه.ق', 'same with ه.ق'],
    ['(ت 564هـ/1149م)', 'Hijri/Gregorian year pair'],
    ['رجب طيب أردوغان', 'Hijri month name used as a name']
  ];
  it.each(rows)('%s: %s', (input) => {
    expect(extractDates(input)).toEqual([]);
  });

  it('a Hijri date next to its Gregorian equivalent yields only the Gregorian one', () => {
    const found = extractDates('الأحد 14 شوال 1436 هـ الموافق 30 يوليو 2015م');
    expect(found.map((c) => c.date)).toEqual(['2015-07-30']);
  });
});

describe('extractDates: offsets and evidence refer to the original string', () => {
  it('a day range is one candidate: the end day, with the range as evidence', () => {
    const text = 'المنعقدة في جنيف خلال الفترة الممتدة من 24 إلى 26 فيفري 2025.';
    const c = only(text);
    expect(c.date).toBe('2025-02-26');
    expect(c.evidence).toBe('من 24 إلى 26 فيفري 2025');
    expect(c.start).toBe(text.indexOf('من 24'));
  });

  it('tatweel before and inside the date does not shift offsets', () => {
    const text = 'قـــال في 5 مايـــو 2015 إن';
    const c = only(text);
    expect(c.date).toBe('2015-05-05');
    expect([c.start, c.end]).toEqual([text.indexOf('5 '), text.indexOf(' إن')]);
    expect(c.evidence).toBe(text.slice(c.start, c.end));
  });

  it('several dates come back in text order', () => {
    const text = 'از ۳۰ مارس ۲۰۱۸ (۱۰ فروردین ۱۳۹۷) تا 2019-01-02';
    expect(extractDates(text).map((c) => c.date)).toEqual(['2018-03-30', '2018-03-30', '2019-01-02']);
  });
});

describe('extractDates takes its lexicon as an argument', () => {
  it('a lexicon without فيفري does not find the Maghreb date', () => {
    const lex = structuredClone(monthLexicon);
    lex.families.arabic_maghreb.months[1] = ['فيفريييي'];
    expect(extractDates('24 فيفري 2025', loadMonthLexicon(lex))).toEqual([]);
    expect(extractDates('24 فيفري 2025')).toHaveLength(1);
  });

  it('the loader rejects one spelling for two months (آذر as Levantine March)', () => {
    const lex = structuredClone(monthLexicon);
    lex.families.arabic_levantine.months[2] = ['آذار', 'آذر'];
    expect(() => loadMonthLexicon(lex)).toThrow(/آذر/);
  });
});

describe('parseMetadataDate', () => {
  const rows: Array<[string, string | null, DatePrecision | null, string]> = [
    ['2015-07-24', '2015-07-24', 'day', 'ISO date'],
    ['2015-07-24T10:00:00Z', '2015-07-24', 'day', 'ISO datetime'],
    ['2015-07-24T23:30:00-05:00', '2015-07-24', 'day', 'the date as written, not shifted to UTC'],
    ['2015-07-24 10:00', '2015-07-24', 'day', 'date and time with a space'],
    ['2015-07', '2015-07-01', 'month', 'year-month'],
    ['2015', '2015-01-01', 'year', 'year'],
    ['۱۴۰۲-۶-۴', '2023-08-26', 'day', 'Jalali, Persian digits'],
    ['1400/09/06', '2021-11-27', 'day', 'Jalali with slashes'],
    ['1402', '2023-01-01', 'year', 'Jalali year -> Gregorian year it starts in'],
    ['24/07/2015', '2015-07-24', 'day', 'day first'],
    ['Fri, 24 Jul 2015 10:00:00 GMT', '2015-07-24', 'day', 'RSS pubDate'],
    ['۱۴ مرداد ۱۴۰۲', '2023-08-05', 'day', 'a written Persian date'],
    ['garbage', null, null, 'not a date'],
    ['', null, null, 'empty'],
    ['2015-13-01', null, null, 'month 13'],
    ['0000-00-00', null, null, 'null date from a database dump'],
    ['1700', null, null, 'implausible year'],
    ['24 فيفري', null, null, 'no year']
  ];
  it.each(rows)('%s -> %s (%s): %s', (input, date, precision) => {
    expect(parseMetadataDate(input)).toEqual(date === null ? null : { date, precision });
  });
});

describe('parseHeaderLine', () => {
  const rows: Array<[string, string | null, string]> = [
    ['date 2025-08-14', '2025-08-14', 'plain header'],
    [' date 2025-08-14 به گزارش خبرگزاری مهر', '2025-08-14', 'seed 000: body continues on the header line'],
    ['date: 1402-06-04', '2023-08-26', 'colon, Jalali value'],
    ['تأکید بر همکاری بین‌المللی', null, 'ordinary first line'],
    ['updated 2025-08-14', null, 'another keyword'],
    ['date soon', null, 'no date after the keyword']
  ];
  it.each(rows)('%s -> %s: %s', (line, date) => {
    const got = parseHeaderLine(line);
    expect(got?.date ?? null).toBe(date);
    if (date) expect(got?.precision).toBe('day');
  });
});

describe('pickPublicationDate', () => {
  const cand = (date: string, precision: DatePrecision, evidence = date): DateCandidate => ({
    date,
    precision,
    start: 0,
    end: evidence.length,
    evidence,
    calendar: 'gregorian'
  });

  it('no candidates -> null', () => {
    expect(pickPublicationDate([])).toBeNull();
  });

  it('takes the latest candidate, not the first, and downgrades day to month', () => {
    const got = pickPublicationDate([cand('1979-02-11', 'day'), cand('2025-02-26', 'day'), cand('2010-05-01', 'month')]);
    expect(got).toEqual({ date: '2025-02-01', precision: 'month', evidence: '2025-02-26' });
  });

  it('month stays month and year stays year', () => {
    expect(pickPublicationDate([cand('2021-12-01', 'month')])).toMatchObject({ date: '2021-12-01', precision: 'month' });
    expect(pickPublicationDate([cand('2021-01-01', 'year')])).toMatchObject({ date: '2021-01-01', precision: 'year' });
  });

  it('ignores candidates after notAfter (future events)', () => {
    const cands = [cand('2015-07-20', 'day'), cand('2016-11-01', 'month')];
    expect(pickPublicationDate(cands, { notAfter: '2015-08-07' })?.date).toBe('2015-07-01');
    expect(pickPublicationDate(cands)?.date).toBe('2016-11-01');
    expect(pickPublicationDate(cands, { notAfter: '2015-01-01' })).toBeNull();
  });
});

describe('the seed articles', () => {
  const seed = (name: string) => readFileSync(new URL(`../../seeds/${name}`, import.meta.url), 'utf8');
  const rows: Array<[string, { date: string; precision: DatePrecision } | null, string]> = [
    ['001_c54b42fbeb932e82.txt', null, 'only "last week"'],
    ['002_eb2a44697c04507d.txt', null, 'ششم آذر ماه without year and سال ۲۰۲۲ are not candidates'],
    ['003_42a1e7181d965724.txt', { date: '2025-02-01', precision: 'month' }, 'event 24-26 فيفري 2025'],
    ['004_e02cb1753dd958a0.txt', null, 'no date in the text']
  ];
  it.each(rows)('%s -> %o: %s', (name, expected) => {
    const got = pickPublicationDate(extractDates(seed(name)));
    expect(got === null ? null : { date: got.date, precision: got.precision }).toEqual(expected);
  });

  it('seed 000: header gives the day, the body gives no date', () => {
    const text = seed('000_e7dc781b4673e109.txt');
    const firstLine = text.split('\n')[0];
    expect(parseHeaderLine(firstLine)).toEqual({ date: '2025-08-14', precision: 'day' });
    const body = text.replace(/^\s*date\s+\S+/, '');
    expect(body.length).toBeLessThan(text.length);
    expect(extractDates(body)).toEqual([]);
  });

  it('seed 003 yields exactly one candidate for the range', () => {
    const found = extractDates(seed('003_42a1e7181d965724.txt'));
    expect(found.map((c) => [c.date, c.evidence])).toEqual([['2025-02-26', 'من 24 إلى 26 فيفري 2025']]);
  });
});

describe('extractDates with `before` reads a prefix but answers as the whole-text scan does', () => {
  const filler = (n: number) => 'و قال المتحدث إن الاجتماع كان مثمرا '.repeat(n);
  const cases: [string, string][] = [
    ['date well inside the lead', `${filler(2)}24 فيفري 2025 ${filler(60)}`],
    ['date straddling the limit', `${filler(16)}`.slice(0, 590) + ' من 24 إلى 26 فيفري 2025 ' + filler(60)],
    ['year after the limit', `${filler(16)}`.slice(0, 595) + ' 14 مارس\n\n 2015 ' + filler(60)],
    ['long whitespace run after the limit (falls back to the whole text)', `${filler(16)}`.slice(0, 598) + ' 14 مارس' + ' '.repeat(900) + '2015 ' + filler(5)],
    ['Persian letters only late in the text decide Jalali vs Hijri', `${filler(2)}30/8/1436 ${filler(80)} پ`]
  ];
  it.each(cases)('%s', (_name, text) => {
    for (const before of [600, 100, 1]) {
      expect(extractDates(text, monthLexicon, { before })).toEqual(extractDates(text).filter((c) => c.start < before));
    }
  });
});

describe('parseMetadataDate keeps each value it has parsed', () => {
  it('returns a fresh object each time, so a caller changing it changes nothing else', () => {
    const a = parseMetadataDate('2024-03-05')!;
    a.date = 'changed';
    expect(parseMetadataDate('2024-03-05')).toEqual({ date: '2024-03-05', precision: 'day' });
    expect(parseMetadataDate('not a date')).toBeNull();
    expect(parseMetadataDate('not a date')).toBeNull();
  });
  it('reads the English month names of the lexicon it is given', () => {
    expect(parseMetadataDate('Fri, 24 Jul 2015 10:00:00 GMT')).toEqual({ date: '2015-07-24', precision: 'day' });
    expect(parseMetadataDate('July 24, 2015')).toEqual({ date: '2015-07-24', precision: 'day' });
  });
});
