import { describe, expect, it } from 'vitest';
import { codesToString, normalizeForMatch, normalizeTerm, toAsciiDigits, toOriginalSpan } from '../../src/pipeline/normalize';
import { PhraseMatcher, suffixStarts } from '../../src/pipeline/matcher';

describe('normalizeTerm', () => {
  const cases: [string, string, string][] = [
    ['علي', 'علی', 'Arabic yeh → Persian yeh'],
    ['كشور', 'کشور', 'Arabic kaf → Persian keheh'],
    ['إسرائيل', 'اسراییل', 'hamza-alef and yeh variants unified'],
    ['أمم', 'امم', 'alef with hamza above'],
    ['آمریکا', 'امریکا', 'alef madda'],
    ['مسؤول', 'مسوول', 'waw with hamza'],
    ['المفوضية', 'المفوضیه', 'teh marbuta → heh'],
    ['الـــدولي', 'الدولی', 'tatweel dropped'],
    ['مُحَمَّد', 'محمد', 'harakat dropped'],
    ['۱۴۰۲', '1402', 'Persian digits'],
    ['٢٠٢٥', '2025', 'Arabic-Indic digits'],
    ['بین‌المللی', 'بین المللی', 'ZWNJ becomes a space'],
    ['  سازمان \n ملل  ', 'سازمان ملل', 'whitespace runs collapse'],
    ['UNHCR Office', 'unhcr office', 'Latin lower-cased for terms']
  ];
  it.each(cases)('%s → %s (%s)', (input, expected) => {
    expect(normalizeTerm(input)).toBe(expected);
  });
  it('keeps Latin case when asked', () => {
    expect(normalizeForMatch('IOM and UN', false).norm).toBe('IOM and UN');
  });
});

describe('offset map', () => {
  it('maps normalised spans back to the original text', () => {
    const text = 'در  سازمانِ ملل\u200cمتحد';
    const nz = normalizeForMatch(text);
    const i = nz.norm.indexOf('ملل');
    const [s, e] = toOriginalSpan(nz, i, i + 3);
    expect(text.slice(s, e)).toBe('ملل');
  });
  it('digits convert', () => {
    expect(toAsciiDigits('سال ۱۳۲۴ و ٢٠٢٥')).toBe('سال 1324 و 2025');
  });
});

describe('PhraseMatcher language and space rules', () => {
  const m = new PhraseMatcher([
    { alias: 'اليمن', lang: 'ar', payload: 'yemen' },
    { alias: 'أيد', lang: 'ar', payload: 'cue' },
    { alias: 'سازمان ملل', lang: 'fa', payload: 'un' }
  ]);
  it('«إلى من» is not «اليمن»: the alias has no space there', () => {
    expect(m.match(normalizeForMatch('وصل إلى من يريد')).map((h) => h.payload)).toEqual([]);
    expect(m.match(normalizeForMatch('وصل إلى اليمن')).map((h) => h.payload)).toEqual(['yemen']);
  });
  it('only the article language aliases run when langs is given', () => {
    const nz = normalizeForMatch('أيد الوزير');
    expect(m.match(nz).map((h) => h.payload)).toEqual(['cue']);
    expect(m.match(nz, { langs: new Set(['fa', 'en'] as const) })).toEqual([]);
  });
});

describe('PhraseMatcher', () => {
  const m = new PhraseMatcher([
    { alias: 'سازمان ملل', lang: 'fa', payload: 'un' },
    { alias: 'سازمان ملل متحد', lang: 'fa', payload: 'un_full' },
    { alias: 'سازمان بین‌المللی مهاجرت', lang: 'fa', payload: 'iom' },
    { alias: 'IOM', lang: 'en', payload: 'iom' },
    { alias: 'تحریم*', lang: 'fa', payload: 'sanctions' },
    { alias: 'الأمم المتحدة', lang: 'ar', payload: 'un' },
    { alias: 'سوريا', lang: 'ar', payload: 'syria' }
  ]);
  const run = (t: string) => m.match(normalizeForMatch(t)).map((h) => [h.payload, t.slice(h.start, h.end)]);
  const cases: [string, [string, string][], string][] = [
    ['دیدار با سازمان ملل متحد در تهران', [['un_full', 'سازمان ملل متحد']], 'longest alias wins'],
    ['رئیس سازمان بینالمللی مهاجرت', [['iom', 'سازمان بینالمللی مهاجرت']], 'lost ZWNJ still matches'],
    ['رئیس سازمان بین المللی مهاجرت', [['iom', 'سازمان بین المللی مهاجرت']], 'space for ZWNJ matches'],
    ['همکاری با (IOM) ادامه', [['iom', 'IOM']], 'abbreviation in brackets'],
    ['the iom said', [], 'abbreviations are case-sensitive'],
    ['رفع تحریمها و تحریم‌های ظالمانه', [['sanctions', 'تحریمها'], ['sanctions', 'تحریم‌های']], 'prefix alias with and without ZWNJ'],
    ['وقال للأمم المتحدة', [['un', 'للأمم المتحدة']], 'Arabic proclitic ل + ال written لل'],
    ['وبالأمم المتحدة', [['un', 'وبالأمم المتحدة']], 'Arabic proclitics و + ب'],
    ['في سوريا وسوريا', [['syria', 'سوريا'], ['syria', 'وسوريا']], 'Arabic و proclitic'],
    ['کسازمان ملل', [], 'no match inside a longer word'],
    ['سازمانملل', [['un', 'سازمانملل']], 'a lost space between words still matches (space ~ ZWNJ ~ nothing)'],
    ['سو ريا', [], 'a text space only where the alias has one']
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe('codesToString', () => {
  it('keeps every code unit, lone surrogates included, at any length', () => {
    const codes = [0x627, 0x41, 0xd800, 0x20, 0xdc00, 0xd83d, 0xde00, 0x6cc, 0];
    for (const n of [0, 1, codes.length, 20000]) {
      const buf = new Uint16Array(n + 3);
      for (let i = 0; i < buf.length; i++) buf[i] = codes[i % codes.length];
      const want = String.fromCharCode(...Array.from(buf.subarray(0, n)));
      expect(codesToString(buf, n)).toBe(want);
    }
  });
  it('reads a view from its own offset', () => {
    const buf = new Uint16Array([0x41, 0x42, 0x43, 0x44]).subarray(1);
    expect(codesToString(buf, 2)).toBe('BC');
  });
});

describe('suffixStarts (the matcher pre-check before its suffix regexes)', () => {
  const show = (t: Uint8Array | null) => (t ? [...t].map((v, i) => (v ? String.fromCharCode(i) : '')).join('') : null);
  it('reads the first characters of the optional suffix group', () => {
    expect(show(suffixStarts(/(?: ?(?:هایی|های|ها)| ?ای|یان|ان|شان|مان|تان|ی|ش)?(?![\p{L}\p{M}\p{N}])/uy))).toBe(' اتشمهی');
    expect(show(suffixStarts(/(?:یین|یون|یه|ها|هم|ات|ین|ون|ان|ی)?(?![\p{L}\p{M}\p{N}])/uy))).toBe('اهوی');
    expect(show(suffixStarts(/(?![\p{L}\p{M}\p{N}])/uy))).toBe('');
    expect(show(suffixStarts(/(?:a?b|c)?(?![\p{L}\p{M}\p{N}])/uy))).toBe('abc');
  });
  it('gives up on other shapes', () => {
    expect(suffixStarts(/[\p{L}\p{M}]*(?: (?:هایی|های|ها)(?![\p{L}\p{M}\p{N}]))?/uy)).toBeNull();
    expect(suffixStarts(/(?:a[bc])?(?![\p{L}\p{M}\p{N}])/uy)).toBeNull();
  });
});
