/**
 * Language from the text itself: fa / ar / en / und.
 * Old Persian sites wrote Arabic ي/ك, so letters alone mislead: function words decide, Persian-only letters
 * (پ چ ژ گ) and Arabic-only ones (ة, أ, إ) add evidence.
 */
import type { Lang } from '../lib/schema';
import { codeUnitTable } from './code-table';

export const FA_WORDS: ReadonlySet<string> = new Set(['است', 'که', 'را', 'این', 'می', 'های', 'برای', 'شد', 'کرد', 'با', 'آن', 'بود', 'هم', 'اند', 'شده', 'نیز', 'خود', 'کند', 'دارد', 'کشور', 'گفت', 'وی']);
export const AR_WORDS: ReadonlySet<string> = new Set(['في', 'من', 'على', 'إلى', 'الى', 'التي', 'الذي', 'أن', 'عن', 'مع', 'هذا', 'هذه', 'كان', 'قد', 'لم', 'بين', 'حيث', 'ذلك', 'وقال', 'كما', 'أو', 'بعد']);

/** Word separators of the original `split(/[\s.,،:;؛!?؟()«»"'\-–—\u200c]+/)`, per UTF-16 code unit. */
const SEP = codeUnitTable(/[\s.,،:;؛!?؟()«»"'\-–—\u200c]/);

/** Only words of at most this many letters are looked up; every listed function word is one. */
const MAX_WORD = 5;
const YEH_AR = 0x064a;
const KAF_AR = 0x0643;
const YEH_FA = 0x06cc;
const KEHEH = 0x06a9;

/** Per code unit: what detectLanguage counts. */
const BLOCK = 1; // U+0600–U+06FF
const LATIN = 2;
const FA_LETTER = 4; // پ چ ژ گ
const AR_LETTER = 8; // ة أ إ ؤ
const SEPARATOR = 16;
const KIND = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0x0600; c <= 0x06ff; c++) t[c] |= BLOCK;
  for (let c = 65; c <= 90; c++) t[c] |= LATIN;
  for (let c = 97; c <= 122; c++) t[c] |= LATIN;
  for (const c of [0x067e, 0x0686, 0x0698, 0x06af]) t[c] |= FA_LETTER;
  for (const c of [0x0629, 0x0623, 0x0625, 0x0624]) t[c] |= AR_LETTER;
  for (let c = 0; c < 0x10000; c++) if (SEP[c] === 1) t[c] |= SEPARATOR;
  return t;
})();

/** Trie columns: an Arabic-block letter's offset in the block, BREAK for a separator, OTHER for anything else. */
const OTHER = 256;
const BREAK = 257;
/** Per code unit: its trie column (low 9 bits) and its KIND bits above them: one load per character. */
const KIND_SHIFT = 9;
const CODE = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const col = KIND[c] & SEPARATOR ? BREAK : c >= 0x0600 && c <= 0x06ff ? c - 0x0600 : OTHER;
    t[c] = col | (KIND[c] << KIND_SHIFT);
  }
  return t;
})();
/** Trie state with no way back to a listed word (a letter no word continues with, or a character outside the block). */
const DEAD = 1;

/**
 * Words as a trie: state s, column k (CODE) → next[(s << 9) | k]; 0 is the root, DEAD absorbs until a separator
 * (BREAK) leads back to the root. accept[s]: 1 when
 * the characters so far are a word of `words`. Words longer than MAX_WORD, or with a character outside the block, are
 * left out (they were never counted). `alias`: columns that read as another (Arabic ي/ك as Persian ی/ک).
 */
function trie(words: Iterable<string>, alias: [number, number][] = []): { next: Uint8Array; accept: Uint8Array } {
  // Every row goes back to the root after a separator.
  const row = () => {
    const r = new Array(512).fill(DEAD);
    r[BREAK] = 0;
    return r;
  };
  const rows: number[][] = [row(), row()];
  const ends = new Set<number>();
  for (const w of words) {
    if (w.length === 0 || w.length > MAX_WORD || [...w].some((ch) => ch.charCodeAt(0) < 0x0600 || ch.charCodeAt(0) > 0x06ff)) continue;
    let st = 0;
    for (let i = 0; i < w.length; i++) {
      const k = w.charCodeAt(i) - 0x0600;
      if (rows[st][k] === DEAD) {
        rows[st][k] = rows.length;
        rows.push(row());
      }
      st = rows[st][k];
    }
    ends.add(st);
  }
  if (rows.length > 256) throw new Error('language: too many function words');
  for (const r of rows) for (const [from, to] of alias) r[from - 0x0600] = r[to - 0x0600];
  const next = new Uint8Array(rows.length * 512);
  rows.forEach((r, st) => r.forEach((t, k) => (next[(st << 9) | k] = t)));
  const accept = new Uint8Array(rows.length);
  for (const e of ends) accept[e] = 1;
  return { next, accept };
}
/** The Persian words are looked up with the text's Arabic ي/ك read as Persian ی/ک. */
const AR_TRIE = trie(AR_WORDS);
const FA_TRIE = trie(FA_WORDS, [
  [YEH_AR, YEH_FA],
  [KAF_AR, KEHEH]
]);

/** AR_LETTER_SUMS[k]: 0.3 added k times, in order (k up to the 4,000 characters read). */
const AR_LETTER_SUMS = (() => {
  const t = new Float64Array(4001);
  for (let k = 1; k <= 4000; k++) t[k] = t[k - 1] + 0.3;
  return t;
})();

const SCORES = new Float64Array(2);

export function detectLanguage(text: string): Lang {
  // 4,000 characters decide as well as the whole text and keep this cheap on long articles.
  const n = Math.min(text.length, 4000);
  let arabicScript = 0;
  let latin = 0;
  let faLetters = 0;
  let arLetters = 0;
  // Function words: each word (between separators) is walked through both tries.
  let faWords = 0;
  let arWords = 0;
  const arNext = AR_TRIE.next;
  const faNext = FA_TRIE.next;
  const arAccept = AR_TRIE.accept;
  const faAccept = FA_TRIE.accept;
  let ar = 0;
  let fa = 0;
  // Without branches: a separator adds the word it ends (if listed) and leads both tries back to their roots.
  for (let i = 0; i < n; i++) {
    const code = CODE[text.charCodeAt(i)];
    const kind = code >> KIND_SHIFT;
    arabicScript += kind & BLOCK;
    latin += (kind & LATIN) >> 1;
    faLetters += (kind & FA_LETTER) >> 2;
    arLetters += (kind & AR_LETTER) >> 3;
    const sep = (kind & SEPARATOR) >> 4;
    const isAr = arAccept[ar] & sep;
    arWords += isAr;
    faWords += faAccept[fa] & sep & (isAr ^ 1);
    const col = code & 511;
    ar = arNext[(ar << 9) | col];
    fa = faNext[(fa << 9) | col];
  }
  // The end of the text ends the last word.
  if (arAccept[ar] === 1) arWords++;
  else if (faAccept[fa] === 1) faWords++;
  if (arabicScript + latin < 20) return 'und';
  if (latin > arabicScript * 2) return 'en';
  // Letter evidence first, one by one, then the words: the same sums (in floating point) as before. The sums live in
  // a Float64Array: as plain variables the optimiser guessed small integers from earlier articles (a sum of 0 + 1s)
  // and threw the whole function back to the interpreter at the first 0.3 (95 times per 10k articles).
  const sum = SCORES;
  sum[0] = faLetters * 0.5; // every partial sum of halves is exact
  sum[1] = AR_LETTER_SUMS[arLetters];
  for (let k = 0; k < arWords; k++) sum[1] += 1;
  for (let k = 0; k < faWords; k++) sum[0] += 1;
  const faScore = sum[0];
  const arScore = sum[1];
  if (faScore + arScore === 0) return arabicScript > latin ? 'und' : 'en';
  return faScore >= arScore ? 'fa' : 'ar';
}
