/**
 * Language from the text itself: fa / ar / en / und.
 * Old Persian sites wrote Arabic ي/ك, so letters alone mislead: function words decide, Persian-only letters
 * (پ چ ژ گ) and Arabic-only ones (ة, أ, إ) add evidence.
 */
import type { Lang } from '../lib/schema';

const FA_WORDS = new Set(['است', 'که', 'را', 'این', 'می', 'های', 'برای', 'شد', 'کرد', 'با', 'آن', 'بود', 'هم', 'اند', 'شده', 'نیز', 'خود', 'کند', 'دارد', 'کشور', 'گفت', 'وی']);
const AR_WORDS = new Set(['في', 'من', 'على', 'إلى', 'الى', 'التي', 'الذي', 'أن', 'عن', 'مع', 'هذا', 'هذه', 'كان', 'قد', 'لم', 'بين', 'حيث', 'ذلك', 'وقال', 'كما', 'أو', 'بعد']);

export function detectLanguage(text: string): Lang {
  // 4,000 characters decide as well as the whole text and keep this cheap on long articles.
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  let arabicScript = 0;
  let latin = 0;
  let fa = 0;
  let ar = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c >= 0x0600 && c <= 0x06ff) {
      arabicScript++;
      if (c === 0x067e || c === 0x0686 || c === 0x0698 || c === 0x06af) fa += 0.5; // پ چ ژ گ
      else if (c === 0x0629 || c === 0x0623 || c === 0x0625 || c === 0x0624) ar += 0.3; // ة أ إ ؤ
    } else if ((c | 32) >= 97 && (c | 32) <= 122) latin++;
  }
  if (arabicScript + latin < 20) return 'und';
  if (latin > arabicScript * 2) return 'en';
  for (const w of sample.split(/[\s.,،:;؛!?؟()«»"'\-–—\u200c]+/)) {
    if (w.length > 5) continue;
    if (AR_WORDS.has(w)) ar++;
    else if (FA_WORDS.has(w.replace(/ي/g, 'ی').replace(/ك/g, 'ک'))) fa++;
  }
  if (fa === 0 && ar === 0) return arabicScript > latin ? 'und' : 'en';
  return fa >= ar ? 'fa' : 'ar';
}
