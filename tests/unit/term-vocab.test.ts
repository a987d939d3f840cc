import { describe, expect, it } from 'vitest';
import { hashRange, TermVocab } from '../../src/pipeline/term-vocab';
import { contentTerms, newTermVocab } from '../../src/pipeline/process';
import { normalizeForMatch } from '../../src/pipeline/normalize';

const idOf = (v: TermVocab, s: string, from = 0, to = s.length) => v.idOf(s, from, to, hashRange(s, from, to));

describe('TermVocab', () => {
  it('gives each distinct range of text one id, whatever string it is read from', () => {
    const v = new TermVocab();
    const a = idOf(v, 'xxسازمانyy', 2, 8);
    expect(v.key(a)).toBe('سازمان');
    expect(idOf(v, 'سازمان')).toBe(a);
    expect(idOf(v, 'سازما')).not.toBe(a);
    expect(v.find('سازمانها', 0, 6, hashRange('سازمانها', 0, 6))).toBe(a);
    expect(v.find('ملل', 0, 3, hashRange('ملل', 0, 3))).toBe(-1);
    expect(v.size).toBe(2);
  });
  it('keeps every id through its table growing, and marks stop words', () => {
    const v = new TermVocab((k) => k.endsWith('7'));
    const words = Array.from({ length: 50_000 }, (_, i) => `w${i}`);
    const ids = words.map((w) => idOf(v, w));
    expect(ids).toEqual(words.map((_, i) => i));
    expect(words.every((w, i) => idOf(v, w) === i && v.key(i) === w)).toBe(true);
    expect(v.stop[idOf(v, 'w17')]).toBe(1);
    expect(v.stop[idOf(v, 'w18')]).toBe(0);
    expect(v.size).toBe(50_000);
  });
  it('tells keys with the same hash apart by their characters', () => {
    // Force collisions: one hash for every key.
    const v = new TermVocab();
    const ids = ['abc', 'abd', 'xyz'].map((w) => v.idOf(w, 0, 3, 42));
    expect(new Set(ids).size).toBe(3);
    expect(v.idOf('abd', 0, 3, 42)).toBe(ids[1]);
  });
});

describe('contentTerms with a vocabulary', () => {
  it('counts a word read from the text and one lower-cased by the same id, and leaves no counts behind', () => {
    const vocab = newTermVocab();
    const text = 'Sanctions sanctions SANCTIONS regime والعقوبات العقوبات';
    const t = contentTerms(normalizeForMatch(text), text, 'ar', vocab);
    expect(t.top.map((x) => [x.key, x.n])).toEqual([
      ['sanctions', 3],
      ['عقوبات', 2],
      ['regime', 1]
    ]);
    expect([...t.ids].map((id) => vocab.key(id))).toEqual(['sanctions', 'regime', 'عقوبات']);
    expect([...vocab.tf.subarray(0, vocab.size)].every((n) => n === 0)).toBe(true);
    const again = contentTerms(normalizeForMatch('العقوبات'), 'العقوبات', 'ar', vocab);
    expect([...again.ids]).toEqual([t.ids[2]]);
    expect(again.top[0].n).toBe(1);
  });
});

describe('contentTerms on a long article', () => {
  it('counts thousands of distinct words in one article as a plain count would', () => {
    const vocab = newTermVocab();
    const words = Array.from({ length: 6000 }, (_, i) => `کلمه${String.fromCharCode(0x0628 + (i % 20))}${String.fromCharCode(0x0628 + Math.floor(i / 20) % 20)}${String.fromCharCode(0x0628 + Math.floor(i / 400))}`);
    const text = [...words, ...words.slice(0, 100), words[5999], words[5999]].join(' ');
    const t = contentTerms(normalizeForMatch(text), text, 'fa', vocab);
    expect(t.ids).toHaveLength(new Set(words).size);
    expect(t.len).toBe(words.length + 102);
    expect(t.top[0]).toMatchObject({ surface: words[5999], n: 3 });
    expect(t.top.slice(1).map((x) => [x.surface, x.n])).toEqual(words.slice(0, 29).map((w) => [w, 2]));
  });
});
