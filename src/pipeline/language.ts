/**
 * Language from the text itself: fa / ar / en / und.
 * Old Persian sites wrote Arabic ي/ك, so letters alone mislead: function words decide, Persian-only letters
 * (پ چ ژ گ) and Arabic-only ones (ة, أ, إ) add evidence.
 */
import type { Lang } from '../lib/schema';

const FA_WORDS = new Set(['است', 'که', 'را', 'این', 'می', 'های', 'برای', 'شد', 'کرد', 'با', 'آن', 'بود', 'هم', 'اند', 'شده', 'نیز', 'خود', 'کند', 'دارد', 'کشور', 'گفت', 'وی']);
const AR_WORDS = new Set(['في', 'من', 'على', 'إلى', 'الى', 'التي', 'الذي', 'أن', 'عن', 'مع', 'هذا', 'هذه', 'كان', 'قد', 'لم', 'بين', 'حيث', 'ذلك', 'وقال', 'كما', 'أو', 'بعد']);

/** Word separators of the original `split(/[\s.,،:;؛!?؟()«»"'\-–—\u200c]+/)`, per UTF-16 code unit. */
const SEP = (() => {
  const t = new Uint8Array(0x10000);
  const re = /[\s.,،:;؛!?؟()«»"'\-–—\u200c]/;
  for (let c = 0; c < 0x10000; c++) if (re.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

/** A word of ≤ 5 Arabic-block letters as a number (base 257), or −1; every listed function word is such a word. */
const MAX_WORD = 5;
function keyOf(w: string): number {
  let k = 0;
  for (let i = 0; i < w.length; i++) k = k * 257 + (w.charCodeAt(i) - 0x0600 + 1);
  return k;
}
const AR_KEYS = new Set([...AR_WORDS].map(keyOf));
const FA_KEYS = new Set([...FA_WORDS].map(keyOf));
const YEH_AR = 0x064a;
const KAF_AR = 0x0643;
const YEH_FA = 0x06cc;
const KEHEH = 0x06a9;

export function detectLanguage(text: string): Lang {
  // 4,000 characters decide as well as the whole text and keep this cheap on long articles.
  const n = Math.min(text.length, 4000);
  let arabicScript = 0;
  let latin = 0;
  let fa = 0;
  let ar = 0;
  // One pass: letter evidence, and the function words (counted here, added after the letters as before).
  let faWords = 0;
  let arWords = 0;
  let len = 0; // length of the current word
  let key = 0; // its key as written
  let faKey = 0; // its key with Arabic ي/ك read as Persian ی/ک
  let inBlock = true; // every character of the current word is in U+0600–U+06FF
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0x20;
    const block = c >= 0x0600 && c <= 0x06ff;
    if (block) {
      arabicScript++;
      if (c === 0x067e || c === 0x0686 || c === 0x0698 || c === 0x06af) fa += 0.5; // پ چ ژ گ
      else if (c === 0x0629 || c === 0x0623 || c === 0x0625 || c === 0x0624) ar += 0.3; // ة أ إ ؤ
    } else if ((c | 32) >= 97 && (c | 32) <= 122) latin++;
    // Separators (some are in the Arabic block: ، ؛ ؟) end a word.
    if (SEP[c] === 1) {
      if (len > 0 && len <= MAX_WORD && inBlock) {
        if (AR_KEYS.has(key)) arWords++;
        else if (FA_KEYS.has(faKey)) faWords++;
      }
      len = 0;
      key = 0;
      faKey = 0;
      inBlock = true;
      continue;
    }
    len++;
    if (!block) inBlock = false;
    else if (len <= MAX_WORD) {
      key = key * 257 + (c - 0x0600 + 1);
      const f = c === YEH_AR ? YEH_FA : c === KAF_AR ? KEHEH : c;
      faKey = faKey * 257 + (f - 0x0600 + 1);
    }
  }
  if (arabicScript + latin < 20) return 'und';
  if (latin > arabicScript * 2) return 'en';
  for (let k = 0; k < arWords; k++) ar++;
  for (let k = 0; k < faWords; k++) fa++;
  if (fa === 0 && ar === 0) return arabicScript > latin ? 'und' : 'en';
  return fa >= ar ? 'fa' : 'ar';
}
