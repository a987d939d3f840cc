/**
 * Language from the text itself: fa / ar / en / und.
 * Old Persian sites wrote Arabic ي/ك, so letters alone mislead: function words decide, Persian-only letters
 * (پ چ ژ گ) and Arabic-only ones (ة, أ, إ) add evidence.
 */
import type { Lang } from '../lib/schema';

const FA_WORDS = new Set(['است', 'که', 'را', 'این', 'می', 'های', 'برای', 'شد', 'کرد', 'با', 'آن', 'بود', 'هم', 'اند', 'شده', 'نیز', 'خود', 'کند', 'دارد', 'کشور', 'گفت', 'وی']);
const AR_WORDS = new Set(['في', 'من', 'على', 'إلى', 'الى', 'التي', 'الذي', 'أن', 'عن', 'مع', 'هذا', 'هذه', 'كان', 'قد', 'لم', 'بين', 'حيث', 'ذلك', 'وقال', 'كما', 'أو', 'بعد']);
const FA_LETTERS = /[پچژگ]/g;
const AR_LETTERS = /[ةأإؤ]/g;

export function detectLanguage(text: string): Lang {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const arabicScript = (sample.match(/[\u0600-\u06FF]/g) ?? []).length;
  const latin = (sample.match(/[A-Za-z]/g) ?? []).length;
  if (arabicScript + latin < 20) return 'und';
  if (latin > arabicScript * 2) return 'en';
  let fa = 0;
  let ar = 0;
  for (const w of sample.replace(/[ي]/g, 'ی').replace(/[ك]/g, 'ک').split(/[^\p{L}]+/u)) {
    if (FA_WORDS.has(w)) fa++;
  }
  for (const w of sample.split(/[^\p{L}]+/u)) {
    if (AR_WORDS.has(w)) ar++;
  }
  fa += 0.5 * (sample.match(FA_LETTERS) ?? []).length;
  ar += 0.3 * (sample.match(AR_LETTERS) ?? []).length;
  if (fa === 0 && ar === 0) return arabicScript > latin ? 'und' : 'en';
  return fa >= ar ? 'fa' : 'ar';
}
