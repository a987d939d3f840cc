/**
 * Evaluation harness: runs the pipeline's per-article processing on the gold articles and scores topics, stances,
 * dates and actors against hand labels.
 *
 * Gold format (docs/evaluation.md): the shape of ../shared/gold/seeds.json — `articles` keyed by `.txt` file name or
 * by article id for JSONL/CSV input — plus optional file-level keys:
 * - `labelled_topics`: topics labelled exhaustively; an article not listing one is a negative for it;
 * - `stance_targets`: targets labelled exhaustively (a missing stance means "no clear stance"); without it only the
 *   listed stances are checked;
 * - `target_map`: gold target name → pipeline target (`@un_system` = any UN body);
 * - `date_field`: `date` (publication date, metadata allowed) or `date_in_text` (what the text alone supports: the
 *   input's metadata date is withheld from the pipeline).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
// Only natural's distance module: its index loads every classifier, stemmer and corpus (~0.7 s per worker thread).
import { JaroWinklerDistance } from 'natural/lib/natural/distance/index.js';
import type { StanceRow } from '../lib/schema';
import { readInput, type RawArticle } from '../pipeline/input';
import type { Lexicons } from '../pipeline/load-lexicons';
import { processArticle } from '../pipeline/process';
import { addBinary, dateOutcome, emptyCounts, nameKey, prf, stanceScores, type Counts, type DateOutcome, type Prf, type StanceClass } from './metrics';

export interface GoldArticle {
  lang: string;
  topics: string[];
  not_topics?: string[];
  optional_topics?: string[];
  actors?: string[];
  stances?: { target: string; stance: string }[];
  date?: string | null;
  date_in_text?: string | null;
  date_precision?: string | null;
}

export interface GoldFile {
  labelled_topics?: string[];
  stance_targets?: string[];
  target_map?: Record<string, string>;
  date_field?: 'date' | 'date_in_text';
  articles: Record<string, GoldArticle>;
}

export interface Prediction {
  key: string;
  lang: string;
  topics: Set<string>;
  stances: StanceRow[];
  actors: Set<string>;
  date: string | null;
  precision: string | null;
}

export interface GroupReport {
  articles: number;
  topics: Record<string, Prf>;
  stance: Record<string, ReturnType<typeof stanceScores>> & { all?: ReturnType<typeof stanceScores> };
  dates: Record<DateOutcome, number>;
  actorRecall: { found: number; total: number; recall: number };
}

export interface EvalReport {
  groups: Record<string, GroupReport>;
  missing: string[];
  errors: { example: string; kind: string; detail: string }[];
}

function keyOf(raw: RawArticle): string[] {
  const keys = [basename(raw.input_file)];
  if (raw.input_id) keys.unshift(raw.input_id);
  return keys;
}

/** Runs the pipeline's processing on every input article that has gold labels. */
export function predict(gold: GoldFile, input: string, lex: Lexicons): { preds: Map<string, Prediction>; missing: string[] } {
  const preds = new Map<string, Prediction>();
  const withholdDate = gold.date_field === 'date_in_text';
  for (const item of readInput(input)) {
    if (item.kind !== 'article') continue;
    const key = keyOf(item.article).find((k) => k in gold.articles);
    if (!key || preds.has(key)) continue;
    const raw = withholdDate ? { ...item.article, date: null } : item.article;
    const p = processArticle(raw, lex);
    preds.set(key, {
      key,
      lang: p.article.lang,
      topics: new Set(p.topics.map((t) => t.topic_id)),
      stances: p.stances,
      actors: new Set(p.mentions.map((m) => lex.entities.get(m.entity_id)?.label_en ?? m.entity_id)),
      date: p.article.date,
      precision: p.article.date_precision
    });
  }
  return { preds, missing: Object.keys(gold.articles).filter((k) => !preds.has(k)) };
}

/** The predicted stance class toward one gold target. */
export function predictedStance(pred: Prediction, target: string, gold: GoldFile, lex: Lexicons): StanceClass {
  const mapped = gold.target_map?.[target] ?? target;
  const matches = pred.stances.filter((s) => {
    if (s.stance === 'neutral') return false;
    if (s.target_kind === 'topic') return s.target_id === mapped;
    const e = lex.entities.get(s.target_id);
    if (mapped === '@un_system') return e?.kind === 'un_body';
    return e?.label_en === mapped || s.target_id === mapped;
  });
  if (!matches.length) return 'none';
  // Several UN bodies: their scores add up, as the dashboard's "All UN bodies" view does.
  const sum = matches.reduce((a, s) => a + s.score, 0);
  return sum > 0 ? 'support' : sum < 0 ? 'oppose' : 'none';
}

function actorFound(name: string, found: Set<string>): boolean {
  const k = nameKey(name);
  for (const f of found) {
    const fk = nameKey(f);
    if (fk === k || fk.includes(k) || k.includes(fk) || JaroWinklerDistance(fk, k, {}) >= 0.92) return true;
  }
  return false;
}

export function evaluate(gold: GoldFile, preds: Map<string, Prediction>, lex: Lexicons): EvalReport {
  const allTopics = new Set<string>(gold.labelled_topics ?? []);
  for (const a of Object.values(gold.articles)) for (const t of [...a.topics, ...(a.not_topics ?? [])]) allTopics.add(t);
  const stanceTargets = gold.stance_targets ?? [...new Set(Object.values(gold.articles).flatMap((a) => (a.stances ?? []).map((s) => s.target)))];
  const groups = new Map<string, { topic: Map<string, Counts>; stance: Map<string, { gold: StanceClass; pred: StanceClass }[]>; dates: Record<DateOutcome, number>; actors: { found: number; total: number }; n: number }>();
  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) {
      g = { topic: new Map(), stance: new Map(), dates: { exact: 0, within_precision: 0, wrong: 0, correctly_undated: 0, missed: 0 }, actors: { found: 0, total: 0 }, n: 0 };
      groups.set(name, g);
    }
    return g;
  };
  const errors: EvalReport['errors'] = [];

  for (const [key, g] of Object.entries(gold.articles)) {
    const p = preds.get(key);
    if (!p) continue;
    for (const gr of [group(g.lang), group('all')]) gr.n++;
    // Topics
    for (const t of allTopics) {
      if (g.optional_topics?.includes(t)) continue;
      const positive = g.topics.includes(t);
      const negative = g.not_topics?.includes(t) || (!positive && gold.labelled_topics?.includes(t));
      if (!positive && !negative) continue;
      const pred = p.topics.has(t);
      for (const gr of [group(g.lang), group('all')]) {
        const c = gr.topic.get(t) ?? emptyCounts();
        addBinary(c, positive, pred);
        gr.topic.set(t, c);
      }
      if (positive !== pred && gr0(errors, 400)) errors.push({ example: key, kind: `topic ${t} ${positive ? 'missed' : 'false positive'}`, detail: positive ? '' : `pred topics: ${[...p.topics].join(', ')}` });
    }
    // Stances
    const targets = gold.stance_targets ? stanceTargets : (g.stances ?? []).map((s) => s.target);
    for (const t of targets) {
      const goldS = ((g.stances ?? []).find((s) => s.target === t)?.stance ?? 'none') as StanceClass;
      const predS = predictedStance(p, t, gold, lex);
      for (const gr of [group(g.lang), group('all')]) {
        const l = gr.stance.get(t) ?? [];
        l.push({ gold: goldS, pred: predS });
        gr.stance.set(t, l);
      }
      if (goldS !== predS && gr0(errors, 400)) {
        const ev = p.stances.find((s) => s.stance === predS);
        errors.push({ example: key, kind: `stance ${t}: gold ${goldS}, predicted ${predS}`, detail: ev ? `cue «${ev.cue}» in «${ev.sentence.slice(0, 160)}»` : '' });
      }
    }
    // Dates
    const field = gold.date_field ?? 'date';
    const gd = (field === 'date_in_text' ? g.date_in_text : g.date) ?? null;
    const outcome = dateOutcome({ date: gd, precision: g.date_precision ?? null }, { date: p.date, precision: p.precision });
    for (const gr of [group(g.lang), group('all')]) gr.dates[outcome]++;
    if ((outcome === 'wrong' || outcome === 'missed') && gr0(errors, 400)) errors.push({ example: key, kind: `date ${outcome}`, detail: `gold ${gd} (${g.date_precision}), predicted ${p.date} (${p.precision})` });
    // Actors
    for (const a of g.actors ?? []) {
      const ok = actorFound(a, p.actors);
      for (const gr of [group(g.lang), group('all')]) {
        gr.actors.total++;
        if (ok) gr.actors.found++;
      }
      if (!ok && gr0(errors, 400)) errors.push({ example: key, kind: 'actor missed', detail: a });
    }
  }

  const out: Record<string, GroupReport> = {};
  for (const [name, g] of groups) {
    const stance: GroupReport['stance'] = {};
    const all: { gold: StanceClass; pred: StanceClass }[] = [];
    for (const [t, pairs] of g.stance) {
      stance[t] = stanceScores(pairs);
      all.push(...pairs);
    }
    if (all.length) stance.all = stanceScores(all);
    out[name] = {
      articles: g.n,
      topics: Object.fromEntries([...g.topic].sort().map(([t, c]) => [t, prf(c)])),
      stance,
      dates: g.dates,
      actorRecall: { ...g.actors, recall: g.actors.total ? g.actors.found / g.actors.total : 1 }
    };
  }
  return { groups: out, missing: [], errors };
}

function gr0(errors: unknown[], max: number): boolean {
  return errors.length < max;
}

export function loadGold(path: string): GoldFile {
  return JSON.parse(readFileSync(path, 'utf8')) as GoldFile;
}
