import { describe, expect, it } from 'vitest';
import { cueSpans, segment, splitMarks } from '../../src/lib/components/highlight';

describe('cueSpans: cue offsets are article offsets, the sentence starts elsewhere', () => {
  // "سازمان ملل را محکوم کرد" with the cue "محکوم" at article offset 100+14
  const sentence = 'سازمان ملل را محکوم کرد';
  it('shifts by the sentence start', () => {
    const s = cueSpans(sentence, 100, 114, 119);
    expect(s.map((x) => x.text)).toEqual(['سازمان ملل را ', 'محکوم', ' کرد']);
    expect(s[1].mark).toBe('cue');
  });
  it('drops a cue that falls outside the sentence instead of marking the wrong words', () => {
    const s = cueSpans(sentence, 100, 90, 95);
    expect(s).toEqual([{ text: sentence, mark: null }]);
  });
  it('text-only: markup in the sentence stays literal text', () => {
    const s = splitMarks('<b>x</b>', [{ start: 3, end: 4, mark: 1 }]);
    expect(s.map((x) => x.text).join('')).toBe('<b>x</b>');
  });
});

describe('segment', () => {
  it('nests a mention inside an evidence sentence', () => {
    const text = 'aa bb cc dd';
    const segs = segment<{ m: string; ev: string }>(text, {
      m: [{ start: 3, end: 5, data: 'M' }],
      ev: [{ start: 0, end: 8, data: 'E' }]
    });
    expect(segs.map((s) => [s.text, s.on.m, s.on.ev])).toEqual([
      ['aa ', null, 'E'],
      ['bb', 'M', 'E'],
      [' cc', null, 'E'],
      [' dd', null, null]
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
  });
  it('ignores out-of-range layers', () => {
    const segs = segment<{ m: number }>('abc', { m: [{ start: 2, end: 9, data: 1 }] });
    expect(segs).toHaveLength(1);
    expect(segs[0].on.m).toBeNull();
  });
});

import { cueWindow } from '../../src/lib/components/highlight';
describe('cueWindow', () => {
  it('keeps short sentences whole', () => {
    expect(cueWindow('کوتاه است', 0, 0, 5)).toEqual({ text: 'کوتاه است', offset: 0, cutBefore: false, cutAfter: false });
  });
  it('cuts a long sentence around the cue, on word boundaries, and the cue still lines up', () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
    const sentence = words.join(' ');
    const cs = sentence.indexOf('w150');
    const w = cueWindow(sentence, 1000, 1000 + cs, 1000 + cs + 4, 100);
    expect(w.text.length).toBeLessThanOrEqual(100);
    expect(w.cutBefore && w.cutAfter).toBe(true);
    expect(w.text.slice(cs - w.offset, cs - w.offset + 4)).toBe('w150');
    expect(w.text.startsWith('w')).toBe(true);
  });
});
