/**
 * Mentions, topics and stances of one article, from its display text.
 *
 * Stance: each cue phrase (a support or oppose lexicon entry) is attached to ONE target that it governs in its clause:
 * the nearest target in the cue's direction (`همکاری با X` → after; `تحریم‌های ظالمانه` → before), or, for Persian
 * SOV verbs (`از X حمایت کرد`), the first target after the nearest preceding marker «از». A negator just before the
 * cue flips it. Per (article, target) the contributions are summed; the strongest sentence is kept as evidence.
 *
 * Refinements, each driven by data in stance-cues.json:
 * - `non_stance` phrases (`نقض تحریم‌ها`, `الالتفاف على العقوبات`) hide the cues and targets inside them: breaking or
 *   circumventing sanctions says nothing about whether they are right;
 * - a cue with `demanded` (`رفع العقوبات`) is weak when merely reported («الاتفاق يتضمن رفع العقوبات») and takes the
 *   `demanded` strength after a `demand_markers` word of its clause («طالب برفع العقوبات», «خواستار رفع تحریم‌ها»);
 * - a `genitive` cue (crimes/attacks OF X) governs only the target right after it, at most one word away, and not
 *   one behind a `victim_prepositions` word: in «هجمات المتمردين وتقول بعثة الأمم المتحدة» the UN is not the attacker;
 * - a target inside a cue counts only when the cue names it in `targets` («تحریم‌های ظالمانه»), not in «دعم المملكة ل»;
 * - a cue that may only attach to topics (`targets: ["sanctions"]`, e.g. «جنگ اقتصادی») speaks about that topic
 *   wherever it stands in an article where the topic is present;
 * - a cue reaches every conjunct of a coordination: «همکاری میان X و Y» backs X and Y.
 */
import type { EntityKind, Lang, MentionRow, StanceLabel, StanceRow, TopicRow } from '../lib/schema';
import type { CueDef, Lexicons, TopicHitPayload } from './load-lexicons';
import { PhraseMatcher, type AliasLang, type Hit } from './matcher';
import { normalizeForMatch, type Normalized } from './normalize';
import { sentenceAt, splitSentences, type Span } from './sentences';

/** A topic is present when its hits add up to this weight (one strong term, or several weak ones). */
export const TOPIC_MIN_WEIGHT = 1;
/** Below this absolute summed score a target's stance is neutral. */
export const STANCE_MIN = 0.3;
/** How far (in normalised characters) a cue reaches for its target. */
const CUE_REACH = 70;
/** A negator this close before a cue (normalised characters) flips it. */
const NEG_REACH = 12;
/** Clause boundaries a cue does not reach across. */
const CLAUSE_BREAK = /[.!?؟؛;:،,\n]/;
/** A demand word at most this many words before a `demanded` cue (same clause) makes it a demand («دعت الحكومة إلى رفع»). */
const DEMAND_GAP_WORDS = 2;
/** Words between an SOV marker and its target: the marker's object follows it («از طرح ایران حمایت کرد»). */
const MARKER_GAP_WORDS = 3;
/** Words a `genitive` cue may skip before its target («جنایات وحشیانه رژیم», «جرائم ارتكبها النظام»). */
const GENITIVE_GAP_WORDS = 1;
/** Words between a `verb_first` verb and an actor that is its subject («استنكرت مملكة البحرين», «أدانت وزارة خارجية قطر»). */
const SUBJECT_GAP_WORDS = 2;
/** Words between that subject and the verb's object, or the object's owner («تصريحات مسؤولي إيران»; not «… بشأن البحرين»). */
const OBJECT_GAP_WORDS = 2;
/** How far (normalised characters) a distancing marker's claim reaches within its sentence or clause. */
const DISTANCE_REACH = 160;
/** Words between a counter word and the target it governs («لقتال تنظيم داعش», «للتصدي لأي اعتداء من الحوثيين» is too far). */
const COUNTER_GAP_WORDS = 3;

export interface Target {
  kind: 'topic' | 'entity';
  id: string;
  entityKind?: EntityKind;
  nStart: number;
  nEnd: number;
  start: number;
  end: number;
  sentence: number;
}

export interface Analysis {
  sentences: Span[];
  mentions: MentionRow[];
  topics: TopicRow[];
  stances: StanceRow[];
}

export interface AnalyzeOptions {
  /** The article's language: only aliases of that language (and English) are matched («أيد» must not fire in «باید»). */
  lang?: Lang;
  /** The outlet's own country: an outlet's stance toward its own state is not engagement, so it is not a target. */
  ownCountry?: string | null;
  /** The text's normalised form when the caller already has it (it is the costliest step to repeat). */
  nz?: Normalized;
}

export function analyzeArticle(articleId: string, text: string, lex: Lexicons, opts: AnalyzeOptions = {}): Analysis {
  const nz = opts.nz ?? normalizeForMatch(text);
  const sentences = splitSentences(text);
  const sentOf = (pos: number) => sentenceAt(sentences, pos);
  const langs = langsFor(opts.lang);

  // Mentions (hits inside an entity's exclude phrase mean something else)
  const entityExcludes = lex.entityExcludeMatcher.match(nz, { langs });
  const entityHits = lex.entityMatcher
    .match(nz, { nested: true, langs })
    .filter((h) => !entityExcludes.some((x) => x.payload === h.payload && x.nStart <= h.nStart && h.nEnd <= x.nEnd));
  const mentions: MentionRow[] = entityHits.map((h, i) => {
    const s = sentOf(h.start);
    const e = lex.entities.get(h.payload)!;
    return {
      article_id: articleId,
      mention_id: `${articleId}:m${i}`,
      entity_id: e.id,
      kind: e.kind,
      surface: text.slice(h.start, h.end),
      start: h.start,
      end: h.end,
      sentence_index: s,
      sentence_start: sentences[s]?.start ?? 0,
      sentence_end: sentences[s]?.end ?? text.length
    };
  });

  // Topics (hits inside an exclude phrase are homonyms and dropped)
  const excludes = lex.excludeMatcher.match(nz, { langs });
  const topicHits = lex.topicMatcher.match(nz, { langs }).filter(
    (h) => !excludes.some((x) => x.payload === h.payload.topic && x.nStart <= h.nStart && h.nEnd <= x.nEnd)
  );
  const topics = scoreTopics(articleId, text, topicHits, sentences, sentOf);

  // Stances
  const presentTopics = new Set(topics.map((t) => t.topic_id));
  const targets: Target[] = [];
  for (const h of entityHits) {
    const e = lex.entities.get(h.payload)!;
    if (e.kind === 'person' || e.kind === 'place') continue;
    if (opts.ownCountry && e.kind === 'state' && e.country === opts.ownCountry) continue;
    targets.push({ kind: 'entity', id: e.id, entityKind: e.kind, nStart: h.nStart, nEnd: h.nEnd, start: h.start, end: h.end, sentence: sentOf(h.start) });
  }
  targets.push(...resolveGenericRefs(nz, lex, entityHits, sentOf, langs));
  for (const h of topicHits) {
    if (!presentTopics.has(h.payload.topic)) continue;
    targets.push({ kind: 'topic', id: h.payload.topic, nStart: h.nStart, nEnd: h.nEnd, start: h.start, end: h.end, sentence: sentOf(h.start) });
  }
  targets.sort((a, b) => a.nStart - b.nStart);
  const stances = scoreStances(articleId, text, nz, lex, targets, sentences, sentOf, langs, entityHits);
  return { sentences, mentions, topics, stances };
}

/**
 * «نهادهای بین‌المللی», «المفوضية» alone…: a back-reference to a body named earlier. It becomes a stance target
 * standing for the nearest preceding named entity of its kind (outer mentions only), else the most-named one.
 */
function resolveGenericRefs(
  nz: Normalized,
  lex: Lexicons,
  entityHits: Hit<string>[],
  sentOf: (p: number) => number,
  langs: ReadonlySet<AliasLang> | undefined
): Target[] {
  const refs = lex.genericMatcher.match(nz, { langs });
  if (!refs.length) return [];
  const out: Target[] = [];
  for (const r of refs) {
    if (entityHits.some((h) => h.nStart < r.nEnd && r.nStart < h.nEnd)) continue;
    const ofKind = entityHits.filter((h) => !h.nested && lex.entities.get(h.payload)?.kind === r.payload);
    if (!ofKind.length) continue;
    const before = ofKind.filter((h) => h.nEnd <= r.nStart);
    let id: string;
    if (before.length) id = before[before.length - 1].payload;
    else {
      const counts = new Map<string, number>();
      for (const h of ofKind) counts.set(h.payload, (counts.get(h.payload) ?? 0) + 1);
      id = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    }
    out.push({ kind: 'entity', id, entityKind: r.payload, nStart: r.nStart, nEnd: r.nEnd, start: r.start, end: r.end, sentence: sentOf(r.start) });
  }
  return out;
}

const LANG_SETS: Record<Lang, ReadonlySet<AliasLang> | undefined> = {
  fa: new Set(['fa', 'en']),
  ar: new Set(['ar', 'en']),
  en: new Set(['en']),
  und: undefined
};
function langsFor(lang: Lang | undefined): ReadonlySet<AliasLang> | undefined {
  return lang ? LANG_SETS[lang] : undefined;
}

function scoreTopics(
  articleId: string,
  text: string,
  hits: Hit<TopicHitPayload>[],
  sentences: Span[],
  sentOf: (p: number) => number
): TopicRow[] {
  const by = new Map<string, Hit<TopicHitPayload>[]>();
  for (const h of hits) {
    const l = by.get(h.payload.topic) ?? [];
    l.push(h);
    by.set(h.payload.topic, l);
  }
  const rows: TopicRow[] = [];
  for (const [topic, hs] of by) {
    // Repeats of one term count with diminishing returns; distinct terms add up.
    const perTerm = new Map<string, { w: number; n: number }>();
    for (const h of hs) {
      const k = h.payload.term;
      const cur = perTerm.get(k) ?? { w: h.payload.w, n: 0 };
      cur.n++;
      perTerm.set(k, cur);
    }
    let weight = 0;
    for (const { w, n } of perTerm.values()) weight += w * (1 + Math.log2(n));
    if (weight < TOPIC_MIN_WEIGHT) continue;
    const first = hs[0];
    const s = sentences[sentOf(first.start)];
    const surfaces = [...new Set(hs.map((h) => text.slice(h.start, h.end)))];
    rows.push({
      article_id: articleId,
      topic_id: topic,
      score: round(1 - Math.exp(-weight / 2)),
      hits: hs.length,
      matched_terms: surfaces.slice(0, 12).join('|'),
      first_start: first.start,
      first_end: first.end,
      sentence_start: s?.start ?? 0,
      sentence_end: s?.end ?? text.length
    });
  }
  return rows.sort((a, b) => b.score - a.score || a.topic_id.localeCompare(b.topic_id));
}

interface Contribution {
  value: number;
  /** A `demanded` cue merely reported: counted once per target, however often the report repeats it. */
  reported?: boolean;
  cue: Hit<CueDef>;
  sentence: number;
}

function clauseBetween(norm: string, a: number, b: number, openers: readonly Span[] = []): boolean {
  if (b <= a) return false;
  return CLAUSE_BREAK.test(norm.slice(a, b)) || openers.some((o) => a <= o.start && o.start < b);
}

const wordsIn = (s: string) => s.split(/\s+/).filter(Boolean);

/** What `attachCue` needs beyond the cue and its sentence: the rule lists' hits in this text. */
export interface AttachContext {
  /** Normalised words a `genitive` cue does not reach over. */
  victimPreps?: ReadonlySet<string>;
  /** Speech verbs opening a new clause («وقال»), as normalised spans. */
  openers?: readonly Span[];
}

/**
 * «بالبحرين», «للأمم المتحدة», «لإيران»: a proclitic preposition marks the word as an object, not a subject. («لبنان»,
 * «بريطانيا» begin with the same letters, so only ب/ل before «ال» or a hamza-alef counts.)
 */
const OBJECT_PROCLITIC = /^[وف]?(?:بال|لل|[بل][إأآا])/;

/**
 * A `verb_first` cue's nearest following target is its subject when it is an actor right after the verb
 * («استنكرت مملكة البحرين تصريحات…»): the cue then governs the next target of its clause, the object or the object's
 * owner, right after the subject, and none when there is none. The subject's conjuncts («أدانت السعودية والإمارات…»)
 * are subjects too.
 */
function skipSubject(cue: Hit<CueDef>, subject: Target, targets: Target[], nz: Normalized, ctx: AttachContext, allowed: (t: Target) => boolean): Target | null | undefined {
  if (subject.kind !== 'entity' || subject.nStart < cue.nEnd) return undefined;
  if (wordsIn(nz.norm.slice(cue.nEnd, subject.nStart)).length > SUBJECT_GAP_WORDS) return undefined;
  if (OBJECT_PROCLITIC.test(nz.norm.slice(subject.nStart, subject.nEnd))) return undefined;
  let last = subject;
  for (const t of targets) {
    if (t.nStart < last.nEnd || t === subject) continue;
    const gap = nz.norm.slice(last.nEnd, t.nStart).trim();
    if (t.kind === 'entity' && (gap === 'و' || (gap === '' && nz.norm[t.nStart] === 'و'))) {
      last = t;
      continue;
    }
    if (!allowed(t) || clauseBetween(nz.norm, cue.nEnd, t.nStart, ctx.openers)) return null;
    return wordsIn(nz.norm.slice(last.nEnd, t.nStart)).length <= OBJECT_GAP_WORDS ? t : null;
  }
  return null;
}

/** First index i with map[i] >= pos, or −1 (as `map.findIndex`; `map` is ascending, so a binary search). */
function firstMappedAtOrAfter(map: Int32Array, pos: number): number {
  let lo = 0;
  let hi = map.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid] >= pos) hi = mid;
    else lo = mid + 1;
  }
  return lo < map.length ? lo : -1;
}

/** The target a cue governs, or null. */
export function attachCue(
  cue: Hit<CueDef>,
  targets: Target[],
  nz: Normalized,
  sentence: Span | undefined,
  ctx: AttachContext = {}
): Target | null {
  const def = cue.payload;
  const victimPreps = ctx.victimPreps ?? new Set<string>();
  const allowed = (t: Target) =>
    !def.targets || def.targets.includes(t.kind === 'topic' ? 'topic' : (t.entityKind as string)) || def.targets.includes(t.id);
  const sStart = sentence ? firstMappedAtOrAfter(nz.map, sentence.start) : 0;
  if (def.marker) {
    const marker = ` ${def.marker} `;
    const lo = Math.max(sStart, 0);
    const at = nz.norm.lastIndexOf(marker, cue.nStart);
    // The marker may open the sentence («با این حال …»): its leading space is then the sentence break before it.
    if (at >= lo - 1) {
      const t = targets.find((t) => t.nStart >= at && t.nEnd <= cue.nStart && allowed(t));
      if (t && wordsIn(nz.norm.slice(at + marker.length, t.nStart)).length <= MARKER_GAP_WORDS) return t;
      // The verb's object follows its marker in the same clause («با این حال … موافقت کرد»); when that object is not a
      // target, a target further back is not the object either.
      if (def.direction === 'before' && !clauseBetween(nz.norm, at + 1, cue.nStart, ctx.openers)) return null;
    }
  }
  let best: Target | null = null;
  let bestD = Infinity;
  for (const t of targets) {
    if (!allowed(t)) continue;
    let d: number;
    if (t.nStart < cue.nEnd && t.nEnd > cue.nStart) {
      // The target sits inside the cue: only a cue that names it (`رفع تحریم‌ها`), not «دعم المملكة ل» → المملكة.
      if (!def.targets?.includes(t.id) && !(t.kind === 'topic' && def.targets?.includes('topic'))) continue;
      d = 0;
    } else if (t.nStart >= cue.nEnd) {
      if (def.direction === 'before') continue;
      d = t.nStart - cue.nEnd;
      if (clauseBetween(nz.norm, cue.nEnd, t.nStart, ctx.openers)) continue;
      if (def.genitive) {
        const gap = wordsIn(nz.norm.slice(cue.nEnd, t.nStart));
        if (gap.length > GENITIVE_GAP_WORDS || gap.some((w) => victimPreps.has(w))) continue;
      }
    } else {
      if (def.direction === 'after' || def.genitive) continue;
      d = cue.nStart - t.nEnd;
      if (clauseBetween(nz.norm, t.nEnd, cue.nStart, ctx.openers)) continue;
      d += 5; // at equal distance, prefer the target the cue points to
    }
    if (d <= CUE_REACH && d < bestD) {
      best = t;
      bestD = d;
    }
  }
  if (best && def.verb_first) {
    const next = skipSubject(cue, best, targets, nz, ctx, allowed);
    if (next !== undefined) return next;
  }
  return best;
}

/**
 * «تدعم أي جهود للتصدي لداعش», «مبارزه با تروریسم»: a counter word governing the target (just before it, or opening the
 * target's own phrase) on the cue's side of it makes the cue speak about the fight against the target. In «تحریم‌ها
 * علیه ایران وضع کردیم» the counter word follows the target, so the cue still speaks about the sanctions.
 */
export function counterBetween(cue: Hit<CueDef>, t: Target, counters: readonly Span[], nz: Normalized): boolean {
  return counters.some((c) => {
    if (t.nStart >= cue.nEnd && c.start < cue.nEnd) return false;
    if (t.nStart <= c.start && c.start < t.nEnd) return true;
    return c.end <= t.nStart && !clauseBetween(nz.norm, c.end, t.nStart) && wordsIn(nz.norm.slice(c.end, t.nStart)).length <= COUNTER_GAP_WORDS;
  });
}

/** Normalised spans a distancing marker puts in the outlet's quotation marks («زعم أن…», «… حسب وصفه»). */
export function distancedSpans(nz: Normalized, after: readonly Hit<string>[], before: readonly Hit<string>[]): Span[] {
  const out: Span[] = [];
  for (const h of after) {
    const rest = nz.norm.slice(h.nEnd, h.nEnd + DISTANCE_REACH);
    const stop = rest.search(/[.!?؟\n]/);
    out.push({ start: h.nStart, end: h.nEnd + (stop < 0 ? rest.length : stop) });
  }
  for (const h of before) {
    const lead = nz.norm.slice(Math.max(0, h.nStart - DISTANCE_REACH), h.nStart);
    let i = lead.length;
    while (i > 0 && !CLAUSE_BREAK.test(lead[i - 1])) i--;
    out.push({ start: h.nStart - (lead.length - i), end: h.nEnd });
  }
  return out;
}

/** «X و Y»: the targets coordinated with `t`, in the direction away from the cue. */
export function conjuncts(t: Target, cue: Hit<CueDef>, targets: Target[], nz: Normalized): Target[] {
  const out: Target[] = [];
  const forward = t.nStart >= cue.nStart;
  let cur = t;
  for (;;) {
    const next = targets.find((u) => {
      if (u === cur || u.kind !== cur.kind || out.includes(u) || u === t) return false;
      const [a, b] = forward ? [cur.nEnd, u.nStart] : [u.nEnd, cur.nStart];
      if (b < a) return false;
      const gap = nz.norm.slice(a, b).trim();
      // Persian «X و Y»; Arabic writes the conjunction on the next word («والأمم المتحدة»).
      return gap === 'و' || (gap === '' && (forward ? nz.norm[u.nStart] : nz.norm[cur.nStart]) === 'و');
    });
    if (!next) return out;
    out.push(next);
    cur = next;
  }
}

function scoreStances(
  articleId: string,
  text: string,
  nz: Normalized,
  lex: Lexicons,
  targets: Target[],
  sentences: Span[],
  sentOf: (p: number) => number,
  langs: ReadonlySet<AliasLang> | undefined,
  entityHits: Hit<string>[]
): StanceRow[] {
  if (!targets.length) return [];
  const nonStance = lex.nonStanceMatcher.match(nz, { langs });
  const hidden = (h: { nStart: number; nEnd: number }) => nonStance.some((x) => x.nStart <= h.nStart && h.nEnd <= x.nEnd);
  // A target overlapping the phrase is its object too: «بخرق العقوبات الأمريكية».
  targets = targets.filter((t) => !nonStance.some((x) => x.nStart < t.nEnd && t.nStart < x.nEnd));
  if (!targets.length) return [];
  // A cue inside a name is part of the name: «التعاون» in «مجلس التعاون» is not cooperation.
  const cues = lex.cueMatcher
    .match(nz, { langs })
    .filter((c) => !entityHits.some((h) => h.nStart <= c.nStart && c.nEnd <= h.nEnd && !(c.nStart === h.nStart && c.nEnd === h.nEnd)))
    .filter((c) => !hidden(c));
  if (!cues.length) return [];
  const spanOf = (h: Hit<string>): Span => ({ start: h.nStart, end: h.nEnd });
  const ctx: AttachContext = { victimPreps: lex.victimPrepositions, openers: lex.clauseOpenerMatcher.match(nz, { langs }).map(spanOf) };
  const counters = lex.counterMatcher.match(nz, { langs }).map(spanOf);
  const distanced = distancedSpans(nz, lex.distancingAfterMatcher.match(nz, { langs }), lex.distancingBeforeMatcher.match(nz, { langs }));
  // A negator inside a name is part of the name: «عدم» in «جنبش عدم تعهد» negates nothing.
  const negs = lex.negatorMatcher.match(nz, { langs }).filter((n) => !entityHits.some((h) => h.nStart <= n.nStart && n.nEnd <= h.nEnd));
  const demands = lex.demandMatcher.match(nz, { langs });
  const topicIds = new Set(targets.filter((t) => t.kind === 'topic').map((t) => t.id));
  const contrib = new Map<string, Contribution[]>();
  for (const cue of cues) {
    const def = cue.payload;
    // A claim the outlet distances itself from («ما أسماه مؤامرات», «به ادعای») is not evidence of a stance.
    if (distanced.some((d) => d.start <= cue.nStart && cue.nStart < d.end)) continue;
    const si = sentOf(cue.start);
    const inSentence = targets.filter((x) => x.sentence === si);
    let t = attachCue(cue, inSentence, nz, sentences[si], ctx);
    // A topic-only cue («جنگ اقتصادی», «الإرهاب الاقتصادي») names its topic even where the sentence does not repeat it.
    if (!t && def.targets?.length && def.targets.every((x) => topicIds.has(x))) {
      const id = def.targets[0];
      t = { kind: 'topic', id, nStart: cue.nStart, nEnd: cue.nEnd, start: cue.start, end: cue.end, sentence: si };
    }
    if (!t) continue;
    const negated = negs.some((n) => n.nEnd <= cue.nStart && cue.nStart - n.nEnd <= NEG_REACH && !clauseBetween(nz.norm, n.nEnd, cue.nStart));
    const demanded =
      def.demanded !== undefined &&
      demands.some(
        (m) =>
          m.nEnd <= cue.nStart &&
          !clauseBetween(nz.norm, m.nEnd, cue.nStart) &&
          wordsIn(nz.norm.slice(m.nEnd, cue.nStart)).length <= DEMAND_GAP_WORDS
      );
    const strength = demanded ? def.demanded! : def.strength;
    let value = def.polarity * strength * (negated ? -1 : 1);
    // Backing the fight against X opposes X; opposing the fight against X is not clearly backing X, so it is dropped.
    if (counterBetween(cue, t, counters, nz)) {
      if (def.polarity < 0) continue;
      value = -value;
    }
    const reported = def.demanded !== undefined && !demanded;
    for (const g of [t, ...conjuncts(t, cue, inSentence, nz)]) {
      const key = `${g.kind}\u0000${g.id}`;
      const l = contrib.get(key) ?? [];
      if (l.some((c) => c.cue === cue || (reported && c.reported && Math.sign(c.value) === Math.sign(value)))) continue;
      l.push({ value, cue, sentence: si, reported });
      contrib.set(key, l);
    }
  }
  const rows: StanceRow[] = [];
  let n = 0;
  for (const [key, cs] of contrib) {
    const [kind, id] = key.split('\u0000') as ['topic' | 'entity', string];
    const sum = cs.reduce((a, c) => a + c.value, 0);
    const stance: StanceLabel = sum >= STANCE_MIN ? 'support' : sum <= -STANCE_MIN ? 'oppose' : 'neutral';
    const sign = Math.sign(sum) || 1;
    const agreeing = cs.filter((c) => Math.sign(c.value) === sign);
    const best = (agreeing.length ? agreeing : cs).reduce((a, c) => (Math.abs(c.value) > Math.abs(a.value) ? c : a));
    const s = sentences[best.sentence];
    const agreement = agreeing.length / cs.length;
    rows.push({
      article_id: articleId,
      stance_id: `${articleId}:s${n++}`,
      target_kind: kind,
      target_id: id,
      stance,
      score: round(Math.tanh(sum)),
      confidence: round(stance === 'neutral' ? 0.3 * agreement : Math.min(1, Math.abs(Math.tanh(sum)) * (0.6 + 0.4 * agreement) + 0.1 * (agreeing.length - 1))),
      cue: text.slice(best.cue.start, best.cue.end),
      cue_start: best.cue.start,
      cue_end: best.cue.end,
      sentence: s ? text.slice(s.start, s.end) : '',
      sentence_start: s?.start ?? 0,
      sentence_end: s?.end ?? text.length,
      n_evidence: cs.length
    });
  }
  return rows.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
