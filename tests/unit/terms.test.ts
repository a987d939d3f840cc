import { describe, expect, it } from 'vitest';
import { AR_CLITIC, arCliticLength, contentTerms } from '../../src/pipeline/process';
import { normalizeForMatch } from '../../src/pipeline/normalize';

describe('arCliticLength is AR_CLITIC by hand', () => {
  const letters = ['و', 'ف', 'ب', 'ک', 'ا', 'ل', 'م', 'ر'];
  const words: string[] = ['والروسي', 'بالقصف', 'للمناصحة', 'وللأمم', 'فبالحرب', 'والعب', 'ال', 'لل', 'ولل', 'کالبحر', 'والل', 'الروس'];
  // Every word of up to 6 letters over the letters the pattern looks at (8^6 ≈ 262k).
  const all = (n: number, prefix = ''): void => {
    if (prefix) words.push(prefix);
    if (n === 0) return;
    for (const l of letters) all(n - 1, prefix + l);
  };
  all(6);
  it(`agrees with the regex on ${words.length} words`, () => {
    let bad = 0;
    for (const w of words) {
      const m = AR_CLITIC.exec(w);
      const want = m ? (m[0].endsWith('ال') ? -m[0].length : m[0].length) : 0;
      if (arCliticLength(w) !== want) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('contentTerms', () => {
  it('counts clitic-free keys, shows the article spelling, keeps first-seen order among equal counts', () => {
    const text = 'والروسي الروسي بالقصف القصف القصف مناصحة';
    const t = contentTerms(normalizeForMatch(text), text, 'ar');
    expect(t.top.map((x) => [x.key, x.n, x.surface])).toEqual([
      ['قصف', 3, 'القصف'],
      ['روسی', 2, 'الروسي'],
      ['مناصحه', 1, 'مناصحة']
    ]);
    expect(t.len).toBe(6);
  });
  it('shows the surface without harakat and tatweel, and a plain word as written', () => {
    // «الأمـم» has a tatweel, «المُتَّحدة» a damma, a fatha and a shadda, «سوريا» neither.
    const text = 'الأمـم المُتَّحدة سوريا سوريا';
    const t = contentTerms(normalizeForMatch(text), text, 'ar');
    expect(t.top.map((x) => x.surface)).toEqual(['سوريا', 'الأمم', 'المتحدة']);
  });
  it('keeps the 30 most frequent, ties in first-seen order', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const text = [...words, words[59], words[59], words[40]].join(' ');
    const t = contentTerms(normalizeForMatch(text), text, 'en');
    expect(t.top.map((x) => x.key)).toEqual([words[59], words[40], ...words.slice(0, 28)]);
    expect(t.ids).toHaveLength(60);
  });
});
