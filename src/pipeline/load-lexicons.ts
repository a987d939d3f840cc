/**
 * Loads and validates the lexicon data files (src/pipeline/lexicons/*.json) once, and compiles their matchers.
 * Stages take a `Lexicons` object as an argument, so tests can pass a tiny hand-made one.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { EntityKind } from '../lib/schema';
import type { BoilerplateLexicon } from './clean';
import { MatcherGroup, PhraseMatcher, type AliasLang, type AliasSpec } from './matcher';
import { normalizeTerm } from './normalize';

export interface EntityDef {
  id: string;
  kind: EntityKind;
  label_en: string;
  label_fa: string | null;
  label_ar: string | null;
  country: string | null;
  aliases: Partial<Record<AliasLang, string[]>>;
  /** Phrases in which an alias means something else («صلاة المغرب» is the evening prayer, not Morocco). */
  exclude?: Partial<Record<AliasLang, string[]>>;
  parent?: string;
}

export interface TopicTerm {
  t: string;
  w: number;
}

export interface TopicDef {
  id: string;
  label_en: string;
  color: string;
  core: boolean;
  terms: Partial<Record<AliasLang, TopicTerm[]>>;
  exclude?: Partial<Record<AliasLang, string[]>>;
}

export interface CueDef {
  t: string;
  lang: AliasLang;
  polarity: 1 | -1;
  strength: number;
  direction: 'after' | 'before' | 'either';
  /** For SOV verbs: the target is the first target after the nearest preceding marker (Persian «از»). */
  marker?: string;
  /** Restricts the cue to targets of these kinds ('topic', or entity kinds). */
  targets?: string[];
  /** Strength when a demand word precedes the cue; `strength` then applies to a mere report. */
  demanded?: number;
  /** Crimes/attacks OF X: the target must follow at once. */
  genitive?: boolean;
  /** An Arabic verb (or verbal noun) whose subject may follow it: «استنكرت البحرين تصريحات X» → not Bahrain. */
  verb_first?: boolean;
  note?: string;
}

/** Per-language phrase lists; other keys (`_note`) are comments. */
export type LangLists = Partial<Record<AliasLang, string[]>> & { _note?: string };

/** The stance rules' word lists in stance-cues.json beside the cues (see src/pipeline/analyze.ts). */
export interface StanceRuleLists {
  non_stance?: LangLists;
  demand_markers?: LangLists;
  victim_prepositions?: LangLists;
  /** «لقتال», «مبارزه با»: a support cue reaching over one backs the fight against its target. */
  counter_words?: LangLists;
  /** «زعم», «به ادعای»: the rest of the sentence is a claim the outlet keeps its distance from. */
  distancing_after?: LangLists;
  /** «حسب وصفه»: the clause before it is a claim the outlet keeps its distance from. */
  distancing_before?: LangLists;
  /** «وقال», «وأضاف»: a speech verb opens a new clause, which a cue does not reach into. */
  clause_openers?: LangLists;
}

export interface SourceDef {
  id: string;
  name_en: string;
  country: string | null;
  lang?: string;
  aliases: string[];
  input_names: string[];
  wire?: boolean;
}

export interface RawLexicons {
  entities: { version: string; entities: EntityDef[] };
  topics: { version: string; topics: TopicDef[] };
  cues: { version: string; negators: Partial<Record<AliasLang, string[]>>; cues: CueDef[] } & StanceRuleLists;
  sources: { version: string; sources: SourceDef[] };
  boilerplate: { version: string; drop_lines: string[]; drop_after: string[]; strip_phrases: string[] };
  generic: { version: string; refs: { t: string; lang: AliasLang; kind: EntityKind }[] };
}

export type TopicHitPayload = { topic: string; w: number; term: string };
export type CuePayload = CueDef;

export interface Lexicons {
  raw: RawLexicons;
  version: string;
  entities: Map<string, EntityDef>;
  topics: Map<string, TopicDef>;
  sources: Map<string, SourceDef>;
  entityMatcher: PhraseMatcher<string>;
  entityExcludeMatcher: PhraseMatcher<string>;
  topicMatcher: PhraseMatcher<TopicHitPayload>;
  excludeMatcher: PhraseMatcher<string>;
  cueMatcher: PhraseMatcher<CuePayload>;
  negatorMatcher: PhraseMatcher<string>;
  sourceMatcher: PhraseMatcher<string>;
  /** Phrases hiding the cues and targets inside them (`نقض تحریم‌ها`). */
  nonStanceMatcher: PhraseMatcher<string>;
  demandMatcher: PhraseMatcher<string>;
  /** Normalised words a `genitive` cue does not reach over. */
  victimPrepositions: ReadonlySet<string>;
  counterMatcher: PhraseMatcher<string>;
  distancingAfterMatcher: PhraseMatcher<string>;
  distancingBeforeMatcher: PhraseMatcher<string>;
  clauseOpenerMatcher: PhraseMatcher<string>;
  /** Generic back-references («نهادهای بین‌المللی», «المفوضية» alone) → the entity kind they stand for. */
  genericMatcher: PhraseMatcher<EntityKind>;
  boilerplate: BoilerplateLexicon;
}

const LANGS: AliasLang[] = ['fa', 'ar', 'en'];
const RULE_LISTS = ['non_stance', 'demand_markers', 'victim_prepositions', 'counter_words', 'distancing_after', 'distancing_before', 'clause_openers'] as const;
const KINDS: EntityKind[] = ['state', 'un_body', 'regional', 'organisation', 'person', 'place'];

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./lexicons/${name}`, import.meta.url), 'utf8')) as T;
}

export function readRawLexicons(): RawLexicons {
  return {
    entities: readJson('entities.json'),
    topics: readJson('topics.json'),
    cues: readJson('stance-cues.json'),
    sources: readJson('sources.json'),
    boilerplate: readJson('boilerplate.json'),
    generic: readJson('generic-refs.json')
  };
}

/** Throws with every problem listed, so a broken data file is reported at start-up, not mid-run. */
export function validateLexicons(raw: RawLexicons): void {
  const errs: string[] = [];
  const ids = new Set<string>();
  for (const e of raw.entities.entities) {
    if (!e.id || ids.has(e.id)) errs.push(`entity id missing or duplicated: ${e.id}`);
    ids.add(e.id);
    if (!KINDS.includes(e.kind)) errs.push(`entity ${e.id}: bad kind ${e.kind}`);
    if (!e.label_en) errs.push(`entity ${e.id}: no label_en`);
    if (!LANGS.some((l) => e.aliases?.[l]?.length)) errs.push(`entity ${e.id}: no aliases`);
  }
  const tids = new Set<string>();
  for (const t of raw.topics.topics) {
    if (!t.id || tids.has(t.id)) errs.push(`topic id missing or duplicated: ${t.id}`);
    tids.add(t.id);
    for (const l of LANGS)
      for (const term of t.terms?.[l] ?? [])
        if (!term.t || !(term.w > 0 && term.w <= 1)) errs.push(`topic ${t.id}: bad term ${JSON.stringify(term)}`);
  }
  for (const c of raw.cues.cues) {
    if (!c.t || !LANGS.includes(c.lang) || (c.polarity !== 1 && c.polarity !== -1) || !(c.strength > 0 && c.strength <= 1))
      errs.push(`cue ${JSON.stringify(c)} is malformed`);
    if (!['after', 'before', 'either'].includes(c.direction)) errs.push(`cue ${c.t}: bad direction ${c.direction}`);
    if (c.demanded !== undefined && !(c.demanded > 0 && c.demanded <= 1)) errs.push(`cue ${c.t}: bad demanded ${c.demanded}`);
    for (const k of ['genitive', 'verb_first'] as const)
      if (c[k] !== undefined && typeof c[k] !== 'boolean') errs.push(`cue ${c.t}: ${k} must be true or false`);
  }
  for (const k of RULE_LISTS) {
    const lists = raw.cues[k];
    if (lists === undefined) continue;
    if (typeof lists !== 'object' || lists === null) errs.push(`stance-cues ${k}: not an object`);
    else
      for (const [l, ps] of Object.entries(lists)) {
        if (l === '_note') continue;
        if (!LANGS.includes(l as AliasLang)) errs.push(`stance-cues ${k}: unknown language ${l}`);
        else if (!Array.isArray(ps) || ps.some((p) => typeof p !== 'string' || !p.trim())) errs.push(`stance-cues ${k}.${l}: not a list of phrases`);
      }
  }
  for (const k of ['drop_lines', 'drop_after', 'strip_phrases'] as const)
    for (const p of raw.boilerplate[k] ?? []) {
      try {
        new RegExp(p, 'u');
      } catch (e) {
        errs.push(`boilerplate ${k}: ${p}: ${(e as Error).message}`);
      }
    }
  for (const r of raw.generic?.refs ?? [])
    if (!r.t || !LANGS.includes(r.lang) || !KINDS.includes(r.kind)) errs.push(`generic ref ${JSON.stringify(r)} is malformed`);
  if (errs.length) throw new Error(`Lexicon errors:\n- ${errs.join('\n- ')}`);
}

export function compileLexicons(raw: RawLexicons): Lexicons {
  validateLexicons(raw);
  const entitySpecs: AliasSpec<string>[] = [];
  for (const e of raw.entities.entities)
    for (const l of LANGS) for (const a of e.aliases[l] ?? []) entitySpecs.push({ alias: a, lang: l, payload: e.id });
  const entityExcludeSpecs: AliasSpec<string>[] = [];
  for (const e of raw.entities.entities)
    for (const l of LANGS) for (const x of e.exclude?.[l] ?? []) entityExcludeSpecs.push({ alias: x, lang: l, payload: e.id });
  const topicSpecs: AliasSpec<TopicHitPayload>[] = [];
  const excludeSpecs: AliasSpec<string>[] = [];
  for (const t of raw.topics.topics)
    for (const l of LANGS) {
      for (const term of t.terms[l] ?? []) topicSpecs.push({ alias: term.t, lang: l, payload: { topic: t.id, w: term.w, term: term.t } });
      for (const x of t.exclude?.[l] ?? []) excludeSpecs.push({ alias: x, lang: l, payload: t.id });
    }
  const cueSpecs = raw.cues.cues.map((c) => ({ alias: c.t, lang: c.lang, payload: c }));
  const negSpecs: AliasSpec<string>[] = [];
  for (const l of LANGS) for (const n of raw.cues.negators[l] ?? []) negSpecs.push({ alias: n, lang: l, payload: n });
  const sourceSpecs: AliasSpec<string>[] = [];
  for (const s of raw.sources.sources)
    for (const a of s.aliases) sourceSpecs.push({ alias: a, lang: /[\u0600-\u06FF]/.test(a) ? (s.lang === 'ar' ? 'ar' : 'fa') : 'en', payload: s.id });
  // Every matcher run over an article's text shares one trie walk (the source matcher runs on bylines only).
  const group = new MatcherGroup();
  const ruleMatcher = (lists: LangLists | undefined) =>
    group.add(new PhraseMatcher(LANGS.flatMap((lang) => (lists?.[lang] ?? []).map((p) => ({ alias: p, lang, payload: p })))));
  const re = (ps: string[] | undefined) => (ps ?? []).map((p) => new RegExp(p, 'u'));
  const version = createHash('sha256')
    .update(JSON.stringify(raw))
    .digest('hex')
    .slice(0, 12);
  return {
    raw,
    version: `${raw.topics.version}+${version}`,
    entities: new Map(raw.entities.entities.map((e) => [e.id, e])),
    topics: new Map(raw.topics.topics.map((t) => [t.id, t])),
    sources: new Map(raw.sources.sources.map((s) => [s.id, s])),
    entityMatcher: group.add(new PhraseMatcher(entitySpecs)),
    entityExcludeMatcher: group.add(new PhraseMatcher(entityExcludeSpecs)),
    topicMatcher: group.add(new PhraseMatcher(topicSpecs)),
    excludeMatcher: group.add(new PhraseMatcher(excludeSpecs)),
    cueMatcher: group.add(new PhraseMatcher(cueSpecs)),
    negatorMatcher: group.add(new PhraseMatcher(negSpecs)),
    sourceMatcher: new PhraseMatcher(sourceSpecs),
    nonStanceMatcher: ruleMatcher(raw.cues.non_stance),
    demandMatcher: ruleMatcher(raw.cues.demand_markers),
    victimPrepositions: new Set(LANGS.flatMap((l) => raw.cues.victim_prepositions?.[l] ?? []).map((p) => normalizeTerm(p))),
    counterMatcher: ruleMatcher(raw.cues.counter_words),
    distancingAfterMatcher: ruleMatcher(raw.cues.distancing_after),
    distancingBeforeMatcher: ruleMatcher(raw.cues.distancing_before),
    clauseOpenerMatcher: ruleMatcher(raw.cues.clause_openers),
    genericMatcher: group.add(new PhraseMatcher((raw.generic?.refs ?? []).map((r) => ({ alias: r.t, lang: r.lang, payload: r.kind })))),
    boilerplate: {
      dropLines: re(raw.boilerplate.drop_lines),
      dropAfter: re(raw.boilerplate.drop_after),
      stripPhrases: (raw.boilerplate.strip_phrases ?? []).map((p) => new RegExp(p, 'gu'))
    }
  };
}

let cached: Lexicons | null = null;
export function loadLexicons(): Lexicons {
  cached ??= compileLexicons(readRawLexicons());
  return cached;
}
