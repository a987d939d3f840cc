import { describe, expect, it } from 'vitest';
import { cleanText, decodeEntities, emojiToBreaks, unwrapLines, HARD_BREAK, type BoilerplateLexicon } from '../../src/pipeline/clean';
import { detectLanguage } from '../../src/pipeline/language';
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
