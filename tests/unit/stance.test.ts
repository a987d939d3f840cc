/**
 * Stance rules on the real lexicons: each row is (sentence, target, expected stance, reason). `target` is a topic id,
 * an entity id, or `@un` for any UN body (as the dev gold scores it); `none` means no support/oppose row.
 */
import { describe, expect, it } from 'vitest';
import type { Lang, StanceRow } from '../../src/lib/schema';
import { analyzeArticle } from '../../src/pipeline/analyze';
import { loadLexicons } from '../../src/pipeline/load-lexicons';

const lex = loadLexicons();

function stanceToward(text: string, lang: Lang, target: string): 'support' | 'oppose' | 'none' {
  const { stances } = analyzeArticle('t', text, lex, { lang });
  const hits = stances.filter((s: StanceRow) => {
    if (s.stance === 'neutral') return false;
    if (target === '@un') return s.target_kind === 'entity' && lex.entities.get(s.target_id)?.kind === 'un_body';
    return s.target_id === target;
  });
  if (!hits.length) return 'none';
  const sum = hits.reduce((a, s) => a + s.score, 0);
  return sum > 0 ? 'support' : sum < 0 ? 'oppose' : 'none';
}

type Row = [text: string, target: string, expected: 'support' | 'oppose' | 'none', reason: string];

const fa: Row[] = [
  ['وزیر امور خارجه ایران خواستار رفع تحریم‌های آمریکا شد.', 'sanctions', 'oppose', 'a demanded lift («خواستار رفع») opposes sanctions'],
  ['توافق هسته‌ای شامل رفع تحریم‌ها در برابر محدودیت غنی‌سازی است.', 'sanctions', 'none', 'a lift reported as part of a deal is no stance'],
  ['این شرکت به نقض تحریم‌ها متهم شده است.', 'sanctions', 'none', 'violating sanctions says nothing about whether they are right'],
  ['این ارز ابزاری برای دور زدن تحریم‌ها به شمار می‌آید.', 'sanctions', 'none', 'circumventing sanctions is not opposing them'],
  ['تحریم‌های آمریکا همچنان ادامه دارد. این یک جنگ اقتصادی علیه مردم است.', 'sanctions', 'oppose', '«جنگ اقتصادی» names sanctions even in a sentence without «تحریم»'],
  ['ما دیروز تحریم‌های بیشتری علیه ایران وضع کردیم.', 'sanctions', 'support', 'the speaker imposing sanctions (first person) backs them'],
  ['آمریکا تحریم‌های جدید علیه ایران اعلام کرد.', 'sanctions', 'none', 'new sanctions merely reported are no stance'],
  ['نتانیاهو خواهان اعمال تحریم‌های اروپا علیه ایران شد.', 'sanctions', 'support', 'demanding that sanctions be imposed backs them'],
  ['با این حال این گروه در آستانه بازگشت تحریم‌های آمریکا موافقت کرد که تولید نفت را افزایش دهد.', 'sanctions', 'none', '«با این حال» is not the object marker of «موافقت کرد»'],
  ['وی همکاری میان اتحادیه اروپا و سازمان ملل را ارزشمند دانست.', '@un', 'support', 'a cue reaches both conjuncts of «X و Y»'],
  ['ظریف گفت با تمام توان در برابر تحریم‌ها ایستاده‌ایم.', 'sanctions', 'oppose', 'standing against sanctions'],
  // Counter words: backing the fight against X opposes X.
  ['ایران از مبارزه با داعش حمایت می‌کند.', 'isis', 'oppose', 'support for «مبارزه با داعش» is support for fighting ISIS'],
  ['ایران از هرگونه تلاش برای مبارزه با داعش حمایت می‌کند.', 'isis', 'none', 'the marker object is «تلاش», not a target: no fallback to ISIS'],
  ['ما دیروز تحریم‌های بیشتری علیه ایران وضع کردیم.', 'sanctions', 'support', '«علیه» after the target belongs to it, it is not a fight against sanctions'],
  // Distancing: a claim the outlet keeps at arm's length is no evidence.
  ['به ادعای این رسانه، سوریه از حزب الله حمایت کرده است.', 'hezbollah', 'none', '«به ادعای»: an alleged act, not a stance'],
  ['عراق مدعی شد که آمریکا از داعش حمایت می‌کند.', 'isis', 'none', '«مدعی شد»: a claim the outlet distances itself from'],
  // UN: an active role asked for backs the UN; a reform of its structure faults it.
  ['وی حضور فعال سازمان ملل در تحولات عراق را موجب مشروعیت دولت آینده دانست.', '@un', 'support', 'an active UN presence asked for'],
  ['جنبش عدم تعهد برای اصلاح ساختار سازمان ملل تلاش می‌کند.', '@un', 'oppose', 'reforming the UN structure faults it; «عدم» inside a name negates nothing'],
  ['با این حال این گروه در آستانه بازگشت تحریم‌های آمریکا علیه ونزوئلا موافقت کرد که تولید را افزایش دهد.', 'sanctions', 'none', 'a sentence-initial «با این حال» is the nearest «با»: the verb has no target object']
];

const ar: Row[] = [
  ['طالب الوزير برفع العقوبات المفروضة على إيران.', 'sanctions', 'oppose', 'a demanded lift («طالب ب») opposes sanctions'],
  ['الاتفاق يتضمن رفع العقوبات عن إيران مقابل ضمانات.', 'sanctions', 'none', 'a lift reported as part of a deal is no stance'],
  ['يؤدي رفع العقوبات عن إيران إلى زيادة صادراتها. وبعد رفع العقوبات سترتفع الأسعار.', 'sanctions', 'none', 'a reported lift repeated is still a report, not a stance'],
  ['دعت الحكومة إلى رفع العقوبات عن البلاد.', 'sanctions', 'oppose', '«دعت إلى رفع» is a demand'],
  ['اتهمت واشنطن الشركة بخرق العقوبات الأمريكية.', 'sanctions', 'none', 'breaking sanctions is not opposing them'],
  ['وصف الوزير العقوبات الأمريكية بأنها حرب اقتصادية على الشعب.', 'sanctions', 'oppose', '«حرب اقتصادية» condemns sanctions'],
  ['أقرت الدول بأن العقوبات المفروضة على إيران كانت غير فعالة.', 'sanctions', 'oppose', '«غير فعالة» judges the sanctions before it, not إيران'],
  ['يقع ضحايا من المدنيين في هجمات المتمردين وتقول بعثة الأمم المتحدة إن ألف شخص قتلوا.', '@un', 'none', 'the rebels attack, not the UN mission named later'],
  ['وقعت اعتداءات على بعثة الأمم المتحدة في المدينة.', '@un', 'none', 'the target after «على» is the victim of the attacks'],
  ['ناشد الأمم المتحدة التحرك لحماية النازحين.', '@un', 'support', 'appealing to the UN to act relies on it'],
  // Counter words: backing the fight against X opposes X.
  ['قالت سوريا إنها تدعم أي جهود للتصدي لداعش في المنطقة.', 'isis', 'oppose', 'support for efforts «للتصدي ل» ISIS'],
  ['وتعمل العشائر بالتنسيق مع القوات الأمنية لقتال داعش.', 'isis', 'oppose', 'coordination «لقتال» ISIS'],
  ['شارك آلاف الشرطة بدعم من المروحيات ضد عناصر من تنظيم داعش.', 'isis', 'none', '«بدعم من X» names the supporter as a means'],
  ['أدانت الحكومة الهجمات على تنظيم داعش.', 'isis', 'none', 'condemning the attacks on X does not clearly back X'],
  // Verb-first: the actor right after the verb is its subject.
  ['استنكرت مملكة البحرين تصريحات المالكي.', 'bahrain', 'none', 'Bahrain is the subject of «استنكرت», not its object'],
  ['أدانت السعودية والإمارات التدخل الإيراني في اليمن.', 'saudi_arabia', 'none', 'both conjuncts are subjects'],
  ['أدانت السعودية والإمارات التدخل الإيراني في اليمن.', 'iran', 'oppose', 'the object («التدخل الإيراني») right after the subjects'],
  ['رحبت مصر بقرار مجلس الأمن الدولي.', '@un', 'support', 'Egypt is the subject; the Security Council owns the welcomed decision'],
  ['رحبت مصر بقرار مجلس الأمن الدولي.', 'egypt', 'none', 'the subject of «رحبت» is not its object'],
  // Distancing and accusations.
  ['وهاجم المتحدث ما أسماه مؤامرات الولايات المتحدة في المنطقة.', 'usa', 'none', '«ما أسماه»: the outlet distances itself'],
  ['زعم المسؤول أن الأمم المتحدة متواطئة مع المتمردين.', '@un', 'none', '«زعم»: a claim, not a stance'],
  ['مثول شاب أمام محكمة بتهمة دعم داعش.', 'isis', 'none', 'an accusation reports an alleged act'],
  // UN: recognition of our right, active role, paralysis; a speech verb ends the clause.
  ['أكد الرئيس أن مجلس الأمن اعترف بحقنا في التخصيب.', '@un', 'support', 'the UN recognised our right'],
  ['دعا الوزير إلى دور فاعل للأمم المتحدة في حل الأزمة.', '@un', 'support', 'an active UN role asked for'],
  ['وقال الشيخ إن المؤسسات الدولية ومنها الأمم المتحدة تقف مشلولة أمام المجازر.', '@un', 'oppose', 'accusing the UN of paralysis'],
  ['بدأ الحرس الثوري في انتقاد الاتفاق وقال إنه يعرض أمن البلاد للخطر كما تحدث عن مجلس الأمن.', '@un', 'none', 'a cue does not reach over «وقال»']
];

describe('stance rules (fa)', () => {
  it.each(fa)('%s → %s: %s (%s)', (text, target, expected) => {
    expect(stanceToward(text, 'fa', target)).toBe(expected);
  });
});

describe('stance rules (ar)', () => {
  it.each(ar)('%s → %s: %s (%s)', (text, target, expected) => {
    expect(stanceToward(text, 'ar', target)).toBe(expected);
  });
});
