/**
 * Mentions, topics and stances of one article, from its display text.
 *
 * Stance: each cue phrase (a support or oppose lexicon entry) is attached to ONE target that it governs in its clause:
 * the nearest target in the cue's direction (`همکاری با X` → after; `تحریم‌های ظالمانه` → before), or, for Persian
 * SOV verbs (`از X حمایت کرد`), the first target after the nearest preceding marker «از». A negator just before the
 * cue flips it. Per (article, target) the contributions are summed; the strongest sentence is kept as evidence.
 */
import type { EntityKind, Lang, MentionRow, StanceLabel, StanceRow, TopicRow } from '../lib/schema';
import type { CueDef, Lexicons, TopicHitPayload } from './load-lexicons';
import type { AliasLang, Hit } from './matcher';
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
}

export function analyzeArticle(articleId: string, text: string, lex: Lexicons, opts: AnalyzeOptions = {}): Analysis {
  const nz = normalizeForMatch(text);
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
  cue: Hit<CueDef>;
  sentence: number;
}

function clauseBetween(norm: string, a: number, b: number): boolean {
  if (b <= a) return false;
  return CLAUSE_BREAK.test(norm.slice(a, b));
}

/** The target a cue governs, or null. */
export function attachCue(cue: Hit<CueDef>, targets: Target[], nz: Normalized, sentence: Span | undefined): Target | null {
  const def = cue.payload;
  const allowed = (t: Target) =>
    !def.targets || def.targets.includes(t.kind === 'topic' ? 'topic' : (t.entityKind as string)) || def.targets.includes(t.id);
  const sStart = sentence ? nz.map.findIndex((o) => o >= sentence.start) : 0;
  if (def.marker) {
    const marker = ` ${def.marker} `;
    const lo = Math.max(sStart, 0);
    const at = nz.norm.lastIndexOf(marker, cue.nStart);
    if (at >= lo) {
      const t = targets.find((t) => t.nStart >= at && t.nEnd <= cue.nStart && allowed(t));
      if (t) return t;
    }
  }
  let best: Target | null = null;
  let bestD = Infinity;
  for (const t of targets) {
    if (!allowed(t)) continue;
    let d: number;
    if (t.nStart < cue.nEnd && t.nEnd > cue.nStart) d = 0; // the target sits inside the cue (`رفع تحریم‌ها`)
    else if (t.nStart >= cue.nEnd) {
      if (def.direction === 'before') continue;
      d = t.nStart - cue.nEnd;
      if (clauseBetween(nz.norm, cue.nEnd, t.nStart)) continue;
    } else {
      if (def.direction === 'after') continue;
      d = cue.nStart - t.nEnd;
      if (clauseBetween(nz.norm, t.nEnd, cue.nStart)) continue;
      d += 5; // at equal distance, prefer the target the cue points to
    }
    if (d <= CUE_REACH && d < bestD) {
      best = t;
      bestD = d;
    }
  }
  return best;
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
  // A cue inside a name is part of the name: «التعاون» in «مجلس التعاون» is not cooperation.
  const cues = lex.cueMatcher
    .match(nz, { langs })
    .filter((c) => !entityHits.some((h) => h.nStart <= c.nStart && c.nEnd <= h.nEnd && !(c.nStart === h.nStart && c.nEnd === h.nEnd)));
  if (!cues.length) return [];
  const negs = lex.negatorMatcher.match(nz, { langs });
  const contrib = new Map<string, Contribution[]>();
  for (const cue of cues) {
    const si = sentOf(cue.start);
    const t = attachCue(cue, targets.filter((x) => x.sentence === si), nz, sentences[si]);
    if (!t) continue;
    const negated = negs.some((n) => n.nEnd <= cue.nStart && cue.nStart - n.nEnd <= NEG_REACH && !clauseBetween(nz.norm, n.nEnd, cue.nStart));
    const value = cue.payload.polarity * cue.payload.strength * (negated ? -1 : 1);
    const key = `${t.kind}\u0000${t.id}`;
    const l = contrib.get(key) ?? [];
    l.push({ value, cue, sentence: si });
    contrib.set(key, l);
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
