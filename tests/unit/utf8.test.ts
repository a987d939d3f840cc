import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/pipeline/utf8';
import { parseJsonlLine } from '../../src/pipeline/input';
import { mulberry32 } from '../../src/lib/random';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** What a fatal TextDecoder says of `b`: its string, or null when it throws. */
function reference(b: Uint8Array): string | null {
  try {
    return fatal.decode(b);
  } catch {
    return null;
  }
}
const bytes = (...xs: number[]) => Uint8Array.from(xs);

describe('decodeUtf8', () => {
  it('decodes Persian, Arabic, Latin, emoji and a BOM as a fatal TextDecoder does', () => {
    for (const s of ['', 'abc', 'بین‌المللی', 'الأمم المتحدة 🇺🇳 ✅', '\uFEFF{"id":"1"}', 'é€𐍈\u0000\u07FF\u0800\uFFFF', 'x'.repeat(70000) + 'ی']) {
      expect(decodeUtf8(new TextEncoder().encode(s))).toBe(s);
    }
  });

  it('refuses what a fatal TextDecoder refuses', () => {
    const bad = [
      bytes(0x80), // a lone continuation byte
      bytes(0xc0, 0xaf), // overlong '/'
      bytes(0xc1, 0xbf),
      bytes(0xe0, 0x80, 0xaf), // overlong, 3 bytes
      bytes(0xf0, 0x80, 0x80, 0xaf), // overlong, 4 bytes
      bytes(0xed, 0xa0, 0x80), // U+D800, a surrogate
      bytes(0xed, 0xbf, 0xbf), // U+DFFF
      bytes(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      bytes(0xf5, 0x80, 0x80, 0x80),
      bytes(0xff),
      bytes(0xd8), // truncated
      bytes(0x61, 0xe2, 0x82), // truncated at the end
      bytes(0xf0, 0x9f, 0x98), // truncated 4-byte
      bytes(0xd8, 0x41) // lead byte, then no continuation
    ];
    for (const b of bad) {
      expect(reference(b), `reference accepts ${[...b]}`).toBeNull();
      expect(decodeUtf8(b), `decodes ${[...b]}`).toBeNull();
    }
  });

  it('agrees with a fatal TextDecoder on random bytes and on mutated text', () => {
    const rnd = mulberry32(20261128);
    const text = new TextEncoder().encode('سازمان ملل متحد، الأمم المتحدة و UN 🇮🇷 ۱۴۰۳ — «تحریم‌ها»');
    let valid = 0;
    for (let k = 0; k < 20000; k++) {
      let b: Uint8Array;
      if (k % 2 === 0) {
        b = new Uint8Array(1 + Math.floor(rnd() * 12));
        for (let j = 0; j < b.length; j++) b[j] = rnd() < 0.5 ? Math.floor(rnd() * 256) : 0x80 + Math.floor(rnd() * 0x40);
      } else {
        // Real text with one byte changed, or cut short.
        b = text.slice(0, 1 + Math.floor(rnd() * text.length));
        if (rnd() < 0.7) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      }
      const want = reference(b);
      if (want !== null) valid++;
      expect(decodeUtf8(b), `bytes ${[...b]}`).toBe(want);
    }
    // Both outcomes were exercised.
    expect(valid).toBeGreaterThan(1000);
    expect(valid).toBeLessThan(19000);
  });
});

describe('parseJsonlLine', () => {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  it('reads a line through the fast decoder, BOM and all', () => {
    const line = new TextEncoder().encode('\uFEFF {"id":"a1","text":"قطعنامه شورای امنیت"} ');
    const item = parseJsonlLine(line, 'f.jsonl', 1, utf8);
    expect(item?.kind).toBe('article');
    if (item?.kind === 'article') {
      expect(item.article.input_id).toBe('a1');
      expect(item.article.text).toBe('قطعنامه شورای امنیت');
    }
  });
  it('rejects a line that is not UTF-8, with its line number', () => {
    const item = parseJsonlLine(bytes(0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d), 'f.jsonl', 7, utf8);
    expect(item?.kind).toBe('reject');
    if (item?.kind === 'reject') expect(item.reject).toMatchObject({ reason: 'undecodable', detail: 'line 7: not UTF-8', input_line: 7 });
  });
});
