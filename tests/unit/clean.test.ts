import { describe, expect, it } from 'vitest';
import { cleanText, decodeEntities, emojiToBreaks, normalizeSpaces, requiredLiterals, requiredText, unwrapLines, HARD_BREAK, type BoilerplateLexicon } from '../../src/pipeline/clean';
import { loadLexicons } from '../../src/pipeline/load-lexicons';
import { AR_WORDS, FA_WORDS, detectLanguage } from '../../src/pipeline/language';
import { splitSentences } from '../../src/pipeline/sentences';
import { decodeBytes, splitHeader } from '../../src/pipeline/input';

const lex: BoilerplateLexicon = {
  dropLines: [/^الدولي$/u, /^انتهای پیام\/?$/u, /^زر الذهاب إلى الأعلى$/u],
  dropAfter: [/^مقالات ذات صلة$/u, /^اترك تعليقاً$/u],
  stripPhrases: [/\(اینجا بخوانید\)/gu]
};

describe('cleanText', () => {
  it('drops boilerplate lines and everything after an end-of-body marker', () => {
    const r = cleanText('الدولي\n\nعنوان الخبر\n\nنص الخبر.\n\nمقالات ذات صلة\n\nخبر آخر', lex);
    expect(r.text).toBe('عنوان الخبر\n\nنص الخبر.');
    expect(r.firstParagraph).toBe('عنوان الخبر');
  });
  it('strips phrases inside lines', () => {
    expect(cleanText('عنوان\n\nتأکید کردند. (اینجا بخوانید)', lex).text).toBe('عنوان\n\nتأکید کردند.');
  });
  it('drops «انتهای پیام/»', () => {
    expect(cleanText('عنوان\n\nمتن خبر.\n\nانتهای پیام/', lex).text).toBe('عنوان\n\nمتن خبر.');
  });
  it('unwraps a hard break inside a name (seed 001), even across a blank line', () => {
    const long = 'سفیر هلند در جمهوری اسلامی ایران، به همراه جمعی از نمایندگان کمیساریای عالی سازمان ملل متحد در امور';
    const r = cleanText(`عنوان کوتاه\n\n${long}\n\nپناهندگان و هیئت همراه بازدید کردند.`, lex);
    expect(r.text).toContain('در امور پناهندگان');
  });
  it('does not glue the body onto the title or onto a short heading', () => {
    const r = cleanText('تعزيز التعاون مع المفوضية السامية لحقوق الإنسان\n\nوخلال لقائه أكد السيد مقرمان.', lex);
    expect(r.text.split('\n\n')).toHaveLength(2);
  });
  it('joins a line that ends with a comma', () => {
    expect(unwrapLines(['عنوان', 'اول،', 'دوم.'])).toEqual(['عنوان', 'اول، دوم.']);
  });
  it('emoji bullets become paragraph breaks', () => {
    expect(emojiToBreaks('🔻خبر یک ✅خبر دو')).toBe(`\n${HARD_BREAK}خبر یک \n${HARD_BREAK}خبر دو`);
    const r = cleanText('🔻عنوان:\n✅ زیرعنوان بدون نقطه که بسیار بلند است و هیچ علامت پایانی ندارد و طول آن از نود حرف بیشتر است برای آزمون\n🔹 بند اول.', lex);
    expect(r.text.split('\n\n')).toEqual(['عنوان:', 'زیرعنوان بدون نقطه که بسیار بلند است و هیچ علامت پایانی ندارد و طول آن از نود حرف بیشتر است برای آزمون', 'بند اول.']);
  });
  it('decodes HTML entities and non-breaking spaces', () => {
    expect(decodeEntities('A&nbsp;&amp;&#1575;&#x628;&zwnj;')).toBe('A &اب\u200c');
    expect(cleanText('عنوان\u00a0خبر', lex).text).toBe('عنوان خبر');
  });
});

describe('detectLanguage', () => {
  const cases: [string, string, string][] = [
    ['به گزارش خبرگزاری مهر، وزیر امور خارجه در این دیدار گفت که ایران آماده همکاری است.', 'fa', 'Persian'],
    ['خبرگزاري فارس: رئيس جمهور امريكا از سوريه خواست تا مرزهاي خود را ببندد و اين كار را انجام دهد.', 'fa', 'Persian written with Arabic ي/ك'],
    ['أكد الأمين العام في بيان أن الجزائر ملتزمة بالتعاون مع المفوضية السامية لحقوق الإنسان.', 'ar', 'Arabic'],
    ['The Secretary-General said the United Nations would continue to support refugees.', 'en', 'English'],
    ['12345 !!!', 'und', 'no letters']
  ];
  it.each(cases)('%s → %s (%s)', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('splitSentences', () => {
  it('splits on . ؟ and paragraph breaks but not on «..»', () => {
    const t = 'في كواليس جنيف.. محادثات جزائرية\n\nالجملة الأولى. هل هذه الثانية؟ نعم';
    expect(splitSentences(t).map((s) => t.slice(s.start, s.end))).toEqual([
      'في كواليس جنيف.. محادثات جزائرية',
      'الجملة الأولى.',
      'هل هذه الثانية؟',
      'نعم'
    ]);
  });
});

describe('decodeBytes', () => {
  const text = 'سلام دنیا';
  it('UTF-8 with and without BOM', () => {
    const u8 = new TextEncoder().encode(text);
    expect(decodeBytes(u8)).toMatchObject({ ok: true, text, encoding: 'utf-8' });
    expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...u8]))).toMatchObject({ ok: true, text });
  });
  it('UTF-16 LE and BE with BOM', () => {
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    expect(decodeBytes(le)).toMatchObject({ ok: true, text, encoding: 'utf-16le' });
    const be = Buffer.from(le).swap16();
    expect(decodeBytes(be)).toMatchObject({ ok: true, text, encoding: 'utf-16be' });
  });
  it('Windows-1256', () => {
    // «السلام عليكم» in cp1256
    const bytes = new Uint8Array([0xc7, 0xe1, 0xd3, 0xe1, 0xc7, 0xe3, 0x20, 0xda, 0xe1, 0xed, 0xdf, 0xe3]);
    expect(decodeBytes(bytes)).toMatchObject({ ok: true, text: 'السلام عليكم', encoding: 'windows-1256' });
  });
  it('rejects binary and other code pages', () => {
    expect(decodeBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0x80])).ok).toBe(false);
    expect(decodeBytes(Buffer.from('hello\u0000world')).ok).toBe(false);
    // Latin-1 "café crème" is not valid UTF-8 and not Arabic-script in cp1256
    expect(decodeBytes(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65])).ok).toBe(false);
  });
});

describe('splitHeader', () => {
  it('splits a date header that shares its line with the text (seed 000)', () => {
    expect(splitHeader(' date 2025-08-14 به گزارش خبرگزاری مهر')).toEqual({ header: '2025-08-14', body: 'به گزارش خبرگزاری مهر' });
    expect(splitHeader('عنوان')).toEqual({ header: null, body: 'عنوان' });
  });
});

describe('requiredLiterals (the strip-phrase pre-check)', () => {
  it('lists the fixed runs of the top-level sequence', () => {
    expect(requiredLiterals(/\s*تابع الجزيرة نت على\s*:?\s*$/u)).toEqual(['تابع الجزيرة نت على']);
    expect(requiredLiterals(/\s*\(\s*(ا[یيى]نجا|جز)\s*\)/gu)).toEqual(['(', ')']);
    expect(requiredLiterals(/ab+c/u)).toEqual(['a', 'c']);
    expect(requiredLiterals(/ab{2,3}?c\.d/u)).toEqual(['a', 'c.d']);
    expect(requiredLiterals(/(?<=[.!])x[^\n]{0,3}$/u)).toEqual(['x']);
  });
  it('gives up on what it does not know', () => {
    expect(requiredLiterals(/a|b/u)).toBeNull();
    expect(requiredLiterals(/(a)\1/u)).toBeNull();
    expect(requiredLiterals(/abc/iu)).toBeNull();
  });
  it('requiredText adds the alternatives of unquantified top-level groups', () => {
    expect(requiredText(/[(\[]?\s*(تصوير|عدسة)\s*:\s*(\s[^\s]+){0,2}/gu)).toEqual({ lits: [':'], anyOf: [[['تصوير'], ['عدسة']]] });
    expect(requiredText(/\((?:ab[cd]e|x)\)(?<n>p|q)(?=r|s)/u)).toEqual({ lits: ['(', ')'], anyOf: [[['ab', 'e'], ['x']], [['p'], ['q']]] });
    // An alternative without a literal, or a quantified group, requires nothing.
    expect(requiredText(/(a|[bc])z(d|e)?/u)).toEqual({ lits: ['z'], anyOf: [] });
  });
  it('every match of the real strip phrases and drop patterns contains their literals', () => {
    const b = loadLexicons().boilerplate;
    const samples = [
      'خبر. تابع الجزيرة نت على: تويتر', '(اینجا بخوانید)', 'متن (جزئیات بیشتر) متن', 'انتهای پیام/', 'Next Previous متن',
      'لندن (CNN) -- قال', 'الخبر. سمات: الف', '(تصوير: أحمد)', 'الرياض - واس - قال:', 'ادامه دارد...', 'مقالات ذات صلة'
    ];
    for (const re of [...b.stripPhrases, ...b.dropLines, ...b.dropAfter]) {
      const lits = requiredLiterals(re);
      for (const s of samples) {
        re.lastIndex = 0;
        if (lits && re.test(s)) for (const l of lits) expect(s).toContain(l);
        re.lastIndex = 0;
        const need = requiredText(re);
        if (need && re.test(s)) for (const alts of need.anyOf) expect(alts.some((a) => a.every((l) => s.includes(l)))).toBe(true);
        re.lastIndex = 0;
      }
    }
  });
});

describe('normalizeSpaces and emojiToBreaks skip work only when there is none', () => {
  const chain = (s: string) =>
    s.replace(/\r\n?/g, '\n').replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ').replace(/[\u200B\u2060\uFEFF]/g, '').replace(/\u2028|\u2029/g, '\n');
  it('normalizeSpaces equals the four replacements', () => {
    for (const s of ['abc', 'a\r\nb\rc', 'a\u00a0b\u2003c\t', 'x\u200by\ufeff', 'p\u2028q\u2029', '\u200c', '\r\u200b\u2028\u3000'])
      expect(normalizeSpaces(s)).toBe(chain(s));
  });
  it('emojiToBreaks leaves text without bullets as it is, and finds astral and BMP ones', () => {
    expect(emojiToBreaks('متن بدون نشانه')).toBe('متن بدون نشانه');
    expect(emojiToBreaks('a©b')).toBe(`a\n${HARD_BREAK}b`);
    expect(emojiToBreaks('a•b 📌c')).toBe(`a\n${HARD_BREAK}b \n${HARD_BREAK}c`);
  });
});

/** A seeded generator (mulberry32), so that a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** cleanText as first written: every step applied in turn, every phrase tried on every line. */
function referenceClean(raw: string, lex: BoilerplateLexicon): { text: string; firstParagraph: string } {
  const s = emojiToBreaks(normalizeSpaces(decodeEntities(raw.normalize('NFC'))));
  const out: string[] = [];
  let kept = 0;
  for (const r of s.split('\n')) {
    let line = r.trim();
    if (!line || line === HARD_BREAK) {
      out.push('');
      continue;
    }
    const bare = line.startsWith(HARD_BREAK) ? line.replace(/^\u0001+/, '').trim() : line;
    if (!bare) continue;
    if (kept > 0 && lex.dropAfter.some((re) => re.test(bare))) break;
    if (lex.dropLines.some((re) => re.test(bare))) continue;
    for (const re of lex.stripPhrases) line = line.replace(re, ' ').replace(/ {2,}/g, ' ').trim();
    if (!line) continue;
    out.push(line);
    kept++;
  }
  const TERMINAL = /[.!?؟۔…:»"”)\]]$/u;
  const CONTINUES = /[،,؛;\-–—(«]$/u;
  const paras: string[] = [];
  let cur = '';
  for (let line of out) {
    const hard = line.startsWith(HARD_BREAK);
    if (hard) line = line.replace(/^\u0001+/, '').trim();
    if (!line) continue;
    if (!cur) {
      cur = line;
      continue;
    }
    if (!hard && paras.length > 0 && (CONTINUES.test(cur) || (cur.length >= 90 && !TERMINAL.test(cur)))) cur = `${cur} ${line}`;
    else {
      paras.push(cur);
      cur = line;
    }
  }
  if (cur) paras.push(cur);
  const p = paras.map((x) => x.replace(/ {2,}/g, ' ').trim()).filter(Boolean);
  return { text: p.join('\n\n'), firstParagraph: p[0] ?? '' };
}

describe('cleanText gives what applying every step in turn gives', () => {
  // Fragments: boilerplate and its near misses, marks in and out of canonical order, characters NFC composes
  // (alef + hamza above), spaces of every kind, bullets, entities, long lines that get unwrapped.
  const fragments = [
    'انتهای پیام', 'انتهای  پیام/', 'تابع الجزيرة نت على: تويتر', 'تابع الجزيرة  نت على', '(اینجا بخوانید)', '(جزئیات بیشتر)',
    'Next Previous', 'لندن (CNN) - قال', 'الخبر. سمات: الف', '(تصوير: أحمد علي)', 'عدسة: سعيد', 'الرياض - واس - جدة:',
    'مقالات ذات صلة', 'الدولي', 'کد خبر: 123', 'ادامه دارد...', 'سمات', 'واس', 'نجا بخوان', 'CNN',
    'کمیساریای عالی سازمان ملل متحد در امور پناهندگان و هیئت همراه بازدید کردند و گفتند که این کار ادامه خواهد داشت',
    'قال المتحدث إن المفوضية السامية لحقوق الإنسان ستواصل العمل مع الحكومة في هذا الشأن حتى نهاية العام الجاري',
    'أيضاً', 'جدّاً', 'جدَّا', 'مُحَمَّد', 'ا\u0654', 'ي\u0654', 'و\u0654', 'ا\u0653', 'ہ\u0654', 'e\u0301', 'e\u0323\u0301',
    '\u0651\u064e', '\u064e\u0651', 'ﻻ', '\u1100\u1161', '\u0915\u093c', 'Å', 'Ω',
    ' ', '  ', '   ', '\u00a0', '\u200c', '\u200b', '\t', '\r\n', '\r', '\n', '\n\n', '\u2028', '\ufeff',
    '🔻', '✅ ', '📌', '•', '&amp;', '&nbsp;', '&#1575;', '&zwnj;', '.', '،', ':', '«', '»', '؟', '\u0001'
  ];
  it.each([1, 2, 3])('on generated text (seed %i)', (seed) => {
    const lex = loadLexicons().boilerplate;
    const next = rng(seed);
    for (let n = 0; n < 400; n++) {
      let s = '';
      const parts = 1 + Math.floor(next() * 30);
      for (let k = 0; k < parts; k++) s += fragments[Math.floor(next() * fragments.length)];
      expect(cleanText(s, lex)).toEqual(referenceClean(s, lex));
    }
  });
  it('with lexicons the fast paths do not apply to (back-references, a sticky flag, no phrases)', () => {
    const odd: BoilerplateLexicon = {
      dropLines: [/^(ab)\1$/u, /^الدولي$/u],
      dropAfter: [/^مقالات ذات صلة$/uy, /^x$/u],
      stripPhrases: [/a|b/gu]
    };
    const none: BoilerplateLexicon = { dropLines: [], dropAfter: [], stripPhrases: [] };
    for (const s of ['عنوان\n\nabab\n\nمتن  اول. a\n\nمقالات ذات صلة\n\nآخر', '  x  \n\n\u0001  y  ', 'الدولي\nعنوان']) {
      expect(cleanText(s, odd)).toEqual(referenceClean(s, odd));
      expect(cleanText(s, none)).toEqual(referenceClean(s, none));
    }
  });
});

describe('detectLanguage counts as a plain split into words does', () => {
  /** The rule written plainly: letters and function words in the first 4,000 characters. */
  function reference(text: string): string {
    const sample = text.slice(0, 4000);
    let arabicScript = 0;
    let latin = 0;
    let fa = 0;
    let ar = 0;
    for (const ch of sample) {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0x0600 && c <= 0x06ff) arabicScript++;
      else if (/[A-Za-z]/.test(ch)) latin++;
      if (/[پچژگ]/.test(ch)) fa += 0.5;
      else if (/[ةأإؤ]/.test(ch)) ar += 0.3;
    }
    // Surrogate pairs are two code units outside the block: count them as the code-unit scan does.
    let words = 0;
    let faw = 0;
    for (const w of sample.split(/[\s.,،:;؛!?؟()«»"'\-–—\u200c]/)) {
      if (!w || w.length > 5 || !/^[\u0600-\u06FF]+$/.test(w)) continue;
      if (AR_WORDS.has(w)) words++;
      else if (FA_WORDS.has(w.replace(/ي/g, 'ی').replace(/ك/g, 'ک'))) faw++;
    }
    if (arabicScript + latin < 20) return 'und';
    if (latin > arabicScript * 2) return 'en';
    for (let k = 0; k < words; k++) ar++;
    for (let k = 0; k < faw; k++) fa++;
    if (fa === 0 && ar === 0) return arabicScript > latin ? 'und' : 'en';
    return fa >= ar ? 'fa' : 'ar';
  }
  it('on generated text', () => {
    const pieces = [...FA_WORDS, ...AR_WORDS, 'كه', 'اين', 'هاي', 'فيما', 'الذين', 'وقالت', 'پ', 'ة', 'أ', 'گ', 'ي', 'ك', 'abc', 'Z', '12', '۱۲', '\u200d', '🔻'];
    const seps = [' ', '  ', '،', '.', '\u200c', '\n', '«', '»', '-', '', '', ''];
    const next = rng(7);
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const parts = 1 + Math.floor(next() * 60);
      for (let k = 0; k < parts; k++) s += pieces[Math.floor(next() * pieces.length)] + seps[Math.floor(next() * seps.length)];
      expect(detectLanguage(s), s).toBe(reference(s));
    }
  });
});
