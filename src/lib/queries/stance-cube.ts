/**
 * The stance chart computed in JS from typed arrays of `stance_facts` and `article_facts`, so the stance page draws
 * its chart without DuckDB-WASM and a filter change is one scan (a few ms at 1M articles, ~800k stance rows) instead
 * of a DuckDB round trip. `buildStanceTrendQuery` (stance.ts) stays the reference: tests/queries/stance-cube.test.ts
 * asserts identical rows on the fixture across filters, targets, thresholds, time steps and splits. The compare page's
 * stance table comes from `compare` the same way (`buildCompareStanceQuery` of compare.ts is its reference).
 */
import { UN_SYSTEM, type Filters } from '$lib/filters';
import { cmpBytes, NULL_DAY, type CodedColumn, type CoMentionCubeColumns } from './comention-cube';
import type { CompareOptions, CompareStanceRow } from './compare';
import { threshold } from './common';
import { dayToIso, isoToDay } from './cube';
import type { StanceEvidenceOptions, StanceTargetRow, StanceTrendOptions, StanceTrendRow } from './stance';
import type { EntityKind, TargetKind } from '$lib/schema';
import type { Granularity } from './sql';

const DAY_MS = 86_400_000;

/** article_facts as the cubes read it (comention-cube.ts). */
type Facts = CoMentionCubeColumns['facts'];

export interface StanceCubeColumns {
  /** article_facts. */
  facts: Facts;
  /** stance_facts. */
  stances: {
    length: number;
    text_row: Int32Array;
    target_kind: CodedColumn;
    target_id: CodedColumn;
    stance: CodedColumn;
    /** NaN where NULL. */
    score: Float64Array;
    confidence: Float64Array;
  };
  /** topic_defs ids: bit i of a topic_mask is the i-th in byte order. */
  topicIds: readonly string[];
  /** Entity ids of kind un_body (the `@un_system` target). */
  unBodies: readonly string[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Start of the bucket holding `day` at `g` (DuckDB's date_trunc; weeks start on Monday), as a day number. */
export function truncDay(day: number, g: Granularity): number {
  if (g === 'week') return day - ((((day - 4) % 7) + 7) % 7);
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = g === 'month' ? d.getUTCMonth() : g === 'quarter' ? Math.floor(d.getUTCMonth() / 3) * 3 : 0;
  return Math.round(Date.UTC(y, m, 1) / DAY_MS);
}
/** The bucket after the one starting at `day`. */
function nextBucket(day: number, g: Granularity): number {
  if (g === 'week') return day + 7;
  const d = new Date(day * DAY_MS);
  const months = g === 'month' ? 1 : g === 'quarter' ? 3 : 12;
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) / DAY_MS);
}

/** Per code: does the value pass an `IN (list)` filter (empty list = no filter; NULL never passes one)? */
function passMask(c: CodedColumn, list: readonly string[]): Uint8Array {
  const set = new Set(list);
  return Uint8Array.from(c.values, (v) => (list.length === 0 || (v !== null && set.has(v)) ? 1 : 0));
}

const LABELS = ['support', 'oppose', 'neutral'] as const;

/** `to` holding `from`'s values first (growing an array). */
function grown<A extends Int32Array | Float64Array | Uint8Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/** Everything the cube is built into: structured-cloneable, its typed arrays listed by `transferables`. */
export interface StanceCubeState {
  /** article_facts without text_row (stance rows point at their article's row in these arrays instead). */
  facts: Omit<Facts, 'text_row'>;
  /**
   * Per stance row: its article's row in `facts`. Rows are ordered by it, and rows whose article is not in `facts` are
   * left out (the SQL join drops them), so one article's rows are consecutive: `trend` reads them as a run.
   */
  art: Int32Array;
  /** Per stance row: its target's code; per code `kind\u0000id`, and whether it is a UN body. */
  target: Int32Array;
  targetKeys: string[];
  targetIsUn: Uint8Array;
  /** Per stance row: 0 support, 1 oppose, 2 neutral, 3 anything else. */
  label: Uint8Array;
  /** NaN where NULL. */
  score: Float64Array;
  confidence: Float64Array;
  /** Topic id of each mask bit. */
  bitTopics: string[];
}

/** Articles with a stance toward a target (StanceCube.#toward): per article its label flags and mean score. */
interface Toward {
  arts: Int32Array;
  flags: Uint8Array;
  /** NaN: no row scored. */
  means: Float64Array;
}
/** The same toward all UN bodies together, plus per article its entries per UN body (StanceCube.#towardUn). */
interface TowardUn extends Toward {
  /** Entries of article j: start[j] .. start[j + 1]. */
  start: Int32Array;
  eTarget: Int32Array;
  eFlags: Uint8Array;
  eMeans: Float64Array;
}

export class StanceCube {
  readonly #s: StanceCubeState;
  readonly #targetKey: Map<string, number>;
  /** Per target code: its kind and id (`targetKeys` split). */
  #targetParts: (readonly [string, string])[] | null = null;
  #parts(): (readonly [string, string])[] {
    return (this.#targetParts ??= this.#s.targetKeys.map((key) => [key.slice(0, key.indexOf('\u0000')), key.slice(key.indexOf('\u0000') + 1)] as const));
  }
  /** A target's code: null for '@un_system' (any UN body), -1 for a target no stance row has. */
  #codeOf(kind: string, id: string): number | null {
    return kind === 'entity' && id === UN_SYSTEM ? null : (this.#targetKey.get(`${kind}\u0000${id}`) ?? -1);
  }

  /** Built from the tables' columns, or adopted from another cube's `state()` (e.g. built in a worker). */
  constructor(c: StanceCubeColumns | { state: StanceCubeState }) {
    const s = (this.#s = 'state' in c ? c.state : StanceCube.#build(c));
    this.#targetKey = new Map(s.targetKeys.map((k, i) => [k, i]));
  }

  state(): StanceCubeState {
    return this.#s;
  }
  static transferables(s: StanceCubeState): ArrayBuffer[] {
    const f = s.facts;
    const arrays = [f.date, f.country.codes, f.source_id.codes, f.lang.codes, f.maskLo, f.maskHi, s.art, s.target, s.targetIsUn, s.label, s.score, s.confidence];
    return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
  }

  static #build(c: StanceCubeColumns): StanceCubeState {
    const f = c.facts;
    const s = c.stances;
    let maxRow = -1;
    for (let i = 0; i < f.length; i++) if (f.text_row[i] > maxRow) maxRow = f.text_row[i];
    const rowOf = new Int32Array(maxRow + 1).fill(-1);
    for (let i = 0; i < f.length; i++) if (f.text_row[i] >= 0) rowOf[f.text_row[i]] = i;
    // Stance rows in article order (a counting sort, stable): per article its rows are then one run, read in memory
    // order by every scan, instead of a random access per row into the per-article arrays.
    const artOf = (k: number) => {
      const t = s.text_row[k];
      return t >= 0 && t <= maxRow ? rowOf[t] : -1;
    };
    const start = new Int32Array(f.length + 1);
    for (let k = 0; k < s.length; k++) {
      const a = artOf(k);
      if (a >= 0) start[a + 1]++;
    }
    for (let i = 0; i < f.length; i++) start[i + 1] += start[i];
    const m = start[f.length];
    // Each stance row's place in article order (-1: no such article). The rows are then read in their own order and
    // written to their places: stance_facts is sorted by target, and gathering its five columns in article order
    // missed the cache on nearly every read (~280 ms at 1M articles, 780k rows, in Node).
    const placeOf = new Int32Array(s.length);
    const art = new Int32Array(m);
    for (let k = 0; k < s.length; k++) {
      const a = artOf(k);
      if (a < 0) {
        placeOf[k] = -1;
        continue;
      }
      const at = start[a]++;
      placeOf[k] = at;
      art[at] = a;
    }
    const un = new Set(c.unBodies);
    // Target codes by (kind code, id code): a table, not a Map lookup per row (both codes are small: a few hundred ids).
    const nIds = s.target_id.values.length;
    const pairOf = new Int32Array(m);
    const label = new Uint8Array(m);
    const score = new Float64Array(m);
    const confidence = new Float64Array(m);
    const kindCodes = s.target_kind.codes;
    const idCodes = s.target_id.codes;
    const stanceCodes = s.stance.codes;
    const sScore = s.score;
    const sConfidence = s.confidence;
    const labelOf = Uint8Array.from(s.stance.values, (v) => {
      const i = LABELS.indexOf(v as (typeof LABELS)[number]);
      return i < 0 ? 3 : i;
    });
    for (let k = 0; k < s.length; k++) {
      const j = placeOf[k];
      if (j < 0) continue;
      pairOf[j] = kindCodes[k] * (nIds + 1) + idCodes[k];
      label[j] = labelOf[stanceCodes[k]];
      score[j] = sScore[k];
      confidence[j] = sConfidence[k];
    }
    // Target codes in order of first appearance in article order.
    const pairCode = new Int32Array((s.target_kind.values.length + 1) * (nIds + 1)).fill(-1);
    const targetKeys: string[] = [];
    const isUn: number[] = [];
    const target = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const pair = pairOf[j];
      let code = pairCode[pair];
      if (code < 0) {
        code = pairCode[pair] = targetKeys.length;
        const kind = s.target_kind.values[Math.floor(pair / (nIds + 1))];
        const id = s.target_id.values[pair % (nIds + 1)];
        targetKeys.push(`${kind}\u0000${id}`);
        isUn.push(kind === 'entity' && id !== null && un.has(id) ? 1 : 0);
      }
      target[j] = code;
    }
    return {
      facts: { length: f.length, date: f.date, country: f.country, source_id: f.source_id, lang: f.lang, maskLo: f.maskLo, maskHi: f.maskHi },
      art,
      target,
      targetKeys,
      targetIsUn: Uint8Array.from(isUn),
      label,
      score,
      confidence,
      bitTopics: [...c.topicIds].sort(cmp)
    };
  }

  /**
   * Per article row: does it pass the shared filters (`factsWhere`, where only a date bound drops undated articles),
   * and, when `dated`, has it a date (`a.date IS NOT NULL AND factsWhere`, as the trend SQL)?
   */
  #passing(f: Filters, dated: boolean): Uint8Array {
    const { cM, sM, lM, lo, hi, needDate, anyTopic, tLo, tHi } = this.#filterOf(f, dated);
    // Plain locals and integer bounds: the loop runs once per article (1M) on a filter change.
    const { date, maskLo, maskHi, length: n } = this.#s.facts;
    const country = this.#s.facts.country.codes;
    const source = this.#s.facts.source_id.codes;
    const lang = this.#s.facts.lang.codes;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const d = date[i];
      if (d === NULL_DAY ? needDate : d < lo || d > hi) continue;
      if (cM[country[i]] === 0 || sM[source[i]] === 0 || lM[lang[i]] === 0) continue;
      if (anyTopic && (maskLo[i] & tLo) === 0 && (maskHi[i] & tHi) === 0) continue;
      out[i] = 1;
    }
    return out;
  }

  /** The filters as #passing tests them: per code pass masks, day bounds, topic bits. */
  #filterOf(f: Filters, dated: boolean) {
    const facts = this.#s.facts;
    const from = f.from ? isoToDay(f.from) : null;
    const to = f.to ? isoToDay(f.to) : null;
    let tLo = 0;
    let tHi = 0;
    for (const id of f.topics) {
      const b = this.#s.bitTopics.indexOf(id);
      if (b < 0 || b > 63) continue;
      if (b < 32) tLo |= 1 << b;
      else tHi |= 1 << (b - 32);
    }
    return {
      cM: passMask(facts.country, f.countries),
      sM: passMask(facts.source_id, f.sources),
      lM: passMask(facts.lang, f.langs),
      lo: from ?? NULL_DAY + 1,
      hi: to ?? 2147483647,
      needDate: dated || from !== null || to !== null,
      anyTopic: f.topics.length > 0,
      tLo,
      tHi
    };
  }

  /** Per time step: each article's bucket index (-1 undated) and each bucket's first day, ascending. */
  readonly #buckets = new Map<Granularity, { of: Int32Array; days: number[] }>();
  #bucketsOf(g: Granularity): { of: Int32Array; days: number[] } {
    let v = this.#buckets.get(g);
    if (v) return v;
    const date = this.#s.facts.date;
    const of = new Int32Array(date.length).fill(-1);
    const index = new Map<number, number>();
    const days: number[] = [];
    let lastDay = NULL_DAY;
    let lastIdx = -1;
    for (let i = 0; i < date.length; i++) {
      const d = date[i];
      if (d === NULL_DAY) continue;
      if (d !== lastDay) {
        lastDay = d;
        const b = truncDay(d, g);
        let k = index.get(b);
        if (k === undefined) index.set(b, (k = days.push(b) - 1));
        lastIdx = k;
      }
      of[i] = lastIdx;
    }
    // Indexes in day order (article_facts is sorted by date, but a file written otherwise must work too).
    const order = days.map((_, k) => k).sort((x, y) => days[x] - days[y]);
    const rank = new Int32Array(days.length);
    order.forEach((k, r) => (rank[k] = r));
    for (let i = 0; i < of.length; i++) if (of[i] >= 0) of[i] = rank[of[i]];
    v = { of, days: order.map((k) => days[k]) };
    this.#buckets.set(g, v);
    return v;
  }

  /** The last few filters' article masks (1 byte per article), most recent last: a filter set back is not rescanned. */
  readonly #passes = new Map<string, Uint8Array>();
  #pass(f: Filters, dated: boolean): Uint8Array {
    const key = JSON.stringify([dated, f.from, f.to, f.countries, f.sources, f.langs, f.topics]);
    let pass = this.#passes.get(key);
    if (pass) this.#passes.delete(key);
    else pass = this.#passing(f, dated);
    this.#passes.set(key, pass);
    if (this.#passes.size > 4) this.#passes.delete(this.#passes.keys().next().value!);
    return pass;
  }

  /**
   * Per cell (bucket × country column, see `trend`): the filtered dated articles, which columns have any, and the first
   * and last bucket with any. They depend on the filters and the time step only, not on the target or threshold: the
   * last few are kept, so a target or threshold change does not rescan every article.
   */
  readonly #totalsCache = new Map<string, { total: Int32Array; present: Uint8Array; lo: number; hi: number }>();
  #totals(f: Filters, pass: Uint8Array, g: Granularity, byCountry: boolean, width: number, nCells: number) {
    const key = JSON.stringify([f.from, f.to, f.countries, f.sources, f.langs, f.topics, g, byCountry]);
    let t = this.#totalsCache.get(key);
    if (t) {
      this.#totalsCache.delete(key);
      this.#totalsCache.set(key, t);
      return t;
    }
    const facts = this.#s.facts;
    const { of: bucketOf, days } = this.#bucketsOf(g);
    const cc = facts.country.codes;
    const total = new Int32Array(nCells);
    const present = new Uint8Array(width);
    let lo = days.length;
    let hi = -1;
    for (let i = 0; i < facts.length; i++) {
      if (!pass[i]) continue;
      const b = bucketOf[i];
      if (b < lo) lo = b;
      if (b > hi) hi = b;
      const col = byCountry ? cc[i] + 1 : 0;
      total[b * width + col]++;
      present[col] = 1;
    }
    t = { total, present, lo, hi };
    this.#totalsCache.set(key, t);
    if (this.#totalsCache.size > 4) this.#totalsCache.delete(this.#totalsCache.keys().next().value!);
    return t;
  }

  /**
   * The articles with a stance toward a target at a threshold: per article (ascending) its label flags (1 support,
   * 2 oppose, 4 neutral) and the mean of its rows' scores (NaN: none scored). They depend on neither the filters nor
   * the time step, so the last few are kept: a filter change then reads one entry per such article, not every stance
   * row (~3× fewer at 1M articles, and no inner loop). '@un_system' (all UN bodies) is #towardUn's.
   */
  readonly #towardCache = new Map<string, Toward>();
  #toward(kind: string, id: string, thr: number): Toward {
    const code = this.#codeOf(kind, id);
    if (code === null) return this.#towardUn(thr);
    const key = `${thr}\u0000${code}`;
    let v = this.#towardCache.get(key);
    if (v) this.#towardCache.delete(key);
    else v = this.#summarise(thr, code, false);
    this.#towardCache.set(key, v);
    if (this.#towardCache.size > 3) this.#towardCache.delete(this.#towardCache.keys().next().value!);
    return v;
  }

  /** The rows of `buildStanceTrendQuery(f, o)`, in its order. */
  trend(f: Filters, o: StanceTrendOptions): StanceTrendRow[] {
    const facts = this.#s.facts;
    const g = o.granularity;
    const thr = threshold(o.threshold);
    const pass = this.#pass(f, true);
    const { of: bucketOf, days } = this.#bucketsOf(g);
    // Cells: bucket index × (country code + 1), column 0 = all countries together.
    const width = (o.byCountry ? facts.country.values.length : 0) + 1;
    const cc = facts.country.codes;
    const cellOf = o.byCountry ? (i: number) => bucketOf[i] * width + cc[i] + 1 : (i: number) => bucketOf[i] * width;
    const nCells = days.length * width;
    const { total, present, lo, hi } = this.#totals(f, pass, g, o.byCountry, width, nCells);
    if (hi < lo) return [];
    // Per article with a stance toward the target (at the threshold): its labels and mean score, added to its cell.
    const { arts, flags, means } = this.#toward(o.target_kind, o.target_id, thr);
    const articles = new Int32Array(nCells);
    const support = new Int32Array(nCells);
    const oppose = new Int32Array(nCells);
    const neutral = new Int32Array(nCells);
    const meanSum = new Float64Array(nCells);
    const meanN = new Int32Array(nCells);
    for (let j = 0; j < arts.length; j++) {
      const a = arts[j];
      if (!pass[a]) continue;
      const cell = cellOf(a);
      const fl = flags[j];
      articles[cell]++;
      if (fl & 1) support[cell]++;
      if (fl & 2) oppose[cell]++;
      if (fl & 4) neutral[cell]++;
      const mean = means[j];
      if (!Number.isNaN(mean)) {
        meanSum[cell] += mean;
        meanN[cell]++;
      }
    }
    const name = (col: number) => (o.byCountry ? facts.country.values[col - 1] : null);
    const cols: number[] = [];
    for (let col = 0; col < width; col++) if (present[col]) cols.push(col);
    cols.sort((x, y) => {
      const a = name(x);
      const b = name(y);
      return a === b ? 0 : a === null ? 1 : b === null ? -1 : cmp(a, b);
    });
    const rows: StanceTrendRow[] = [];
    // Every bucket from the first to the last, empty ones included (as bucketSeriesCtes).
    let bi = lo;
    for (let day = days[lo]; day <= days[hi]; day = nextBucket(day, g)) {
      while (bi <= hi && days[bi] < day) bi++;
      const stored = bi <= hi && days[bi] === day ? bi : -1;
      const bucket = dayToIso(day);
      for (const col of cols) {
        const cell = stored < 0 ? -1 : stored * width + col;
        const has = cell >= 0 && articles[cell] > 0;
        rows.push({
          bucket,
          country: name(col),
          support: has ? support[cell] : 0,
          oppose: has ? oppose[cell] : 0,
          neutral: has ? neutral[cell] : 0,
          articles: has ? articles[cell] : 0,
          total: cell >= 0 ? total[cell] : 0,
          mean_score: has && meanN[cell] > 0 ? meanSum[cell] / meanN[cell] : null
        });
      }
    }
    return rows;
  }

  /**
   * Per article with a stance toward any UN body at a threshold (ascending): its labels and mean score toward them
   * all together (the '@un_system' row), and per UN body it takes a stance toward (entries start[j] .. start[j + 1]).
   * Independent of the filters: the last two thresholds are kept, so a filter or pair change reads one entry per
   * (article, body) instead of every stance row.
   */
  readonly #towardUnCache = new Map<number, TowardUn>();
  #towardUn(thr: number): TowardUn {
    let v = this.#towardUnCache.get(thr);
    if (!v) {
      v = this.#summarise(thr, null, true);
      this.#towardUnCache.set(thr, v);
      if (this.#towardUnCache.size > 2) this.#towardUnCache.delete(this.#towardUnCache.keys().next().value!);
    }
    return v;
  }

  /**
   * One pass over the stance rows at threshold `thr`, toward target `code` (null: any UN body; -1, a target no row
   * has, matches none): per article with such a stance its flags and mean score, and with `perTarget` its entries per
   * target (#towardUn).
   */
  #summarise(thr: number, code: number | null, perTarget: boolean): TowardUn {
    const { art, target, targetIsUn, label, score, confidence } = this.#s;
    const all = code === null;
    const m = art.length;
    let cap = 1024;
    let arts = new Int32Array(cap);
    let flags = new Uint8Array(cap);
    let means = new Float64Array(cap);
    let start = new Int32Array(cap + 1);
    let eCap = perTarget ? 1024 : 0;
    let eTarget = new Int32Array(eCap);
    let eFlags = new Uint8Array(eCap);
    let eSum = new Float64Array(eCap);
    let eN = new Int32Array(eCap);
    let len = 0;
    let nE = 0;
    // One article's rows are one run (#build): its labels and mean score are gathered over the run.
    let k = 0;
    while (k < m) {
      const a = art[k];
      const first = nE;
      let fl = 0;
      let sum = 0;
      let n = 0;
      for (; k < m && art[k] === a; k++) {
        const t = target[k];
        if ((all ? targetIsUn[t] === 0 : t !== code) || !(confidence[k] >= thr)) continue;
        const bit = 1 << label[k];
        const sc = score[k];
        const hasScore = !Number.isNaN(sc);
        fl |= bit;
        if (hasScore) {
          sum += sc;
          n++;
        }
        if (!perTarget) continue;
        // This article's entries so far (an article has few targets).
        let e = first;
        while (e < nE && eTarget[e] !== t) e++;
        if (e === nE) {
          if (nE === eCap) {
            eCap *= 2;
            eTarget = grown(eTarget, new Int32Array(eCap));
            eFlags = grown(eFlags, new Uint8Array(eCap));
            eSum = grown(eSum, new Float64Array(eCap));
            eN = grown(eN, new Int32Array(eCap));
          }
          nE++;
          eTarget[e] = t;
          eFlags[e] = 0;
          eSum[e] = 0;
          eN[e] = 0;
        }
        eFlags[e] |= bit;
        if (hasScore) {
          eSum[e] += sc;
          eN[e]++;
        }
      }
      if (fl === 0) continue;
      if (len === cap) {
        cap *= 2;
        arts = grown(arts, new Int32Array(cap));
        flags = grown(flags, new Uint8Array(cap));
        means = grown(means, new Float64Array(cap));
        start = grown(start, new Int32Array(cap + 1));
      }
      arts[len] = a;
      flags[len] = fl;
      means[len] = n > 0 ? sum / n : NaN;
      start[len] = first;
      start[++len] = nE;
    }
    const eMeans = new Float64Array(nE);
    for (let e = 0; e < nE; e++) eMeans[e] = eN[e] > 0 ? eSum[e] / eN[e] : NaN;
    return {
      arts: arts.subarray(0, len),
      flags: flags.subarray(0, len),
      means: means.subarray(0, len),
      start: start.subarray(0, len + 1),
      eTarget: eTarget.subarray(0, nE),
      eFlags: eFlags.subarray(0, nE),
      eMeans
    };
  }

  /**
   * The rows of `buildCompareStanceQuery(f, o)` (compare.ts), in its order: per country of the pair and per UN body
   * (entity of kind un_body) with any stance at `o.threshold` in that country's articles, plus '@un_system' for all
   * UN bodies together; counts are of articles, `mean_score` the mean of the per-article mean scores. The articles
   * are those of `factsWhere({ ...f, countries: [] })` in country a or b (undated ones too unless a date bound is
   * set); `total` is each country's count of them. `labelOf` gives an entity's label_en (null: none, the id is shown).
   * When a = b the one country is counted once (as the SQL does too: its `IN (a, a)` is `= a`).
   *
   * `totals`: each side's article count under the same filters, when the caller has it (the compare page's totals from
   * the co-mention cube, CoMentionCube.tally): only the articles with a stance are then tested against the filters,
   * not every article (~3× fewer at 1M).
   */
  compare(
    f: Filters,
    o: CompareOptions & { threshold?: number },
    labelOf: (entityId: string) => string | null,
    totals?: { a: number; b: number }
  ): CompareStanceRow[] {
    const facts = this.#s.facts;
    const thr = threshold(o.threshold);
    const sides = o.a === o.b ? [o.a] : [o.a, o.b];
    // Per country code: 0 for a, 1 for b, -1 otherwise (a passing article is always of a or b).
    const sideOf = Int8Array.from(facts.country.values, (v) => (v === o.a ? 0 : v === o.b ? 1 : -1));
    const cc = facts.country.codes;
    let passes: (a: number) => boolean;
    let total: number[];
    if (totals) {
      total = [totals.a, o.a === o.b ? 0 : totals.b];
      const { cM, sM, lM, lo, hi, needDate, anyTopic, tLo, tHi } = this.#filterOf({ ...f, countries: sides }, false);
      const { date, maskLo, maskHi } = facts;
      const source = facts.source_id.codes;
      const lang = facts.lang.codes;
      // #passing's test for one article (#passing keeps its own inline copy: a call per article there cost ~20%).
      passes = (i) => {
        const d = date[i];
        if (d === NULL_DAY ? needDate : d < lo || d > hi) return false;
        if (cM[cc[i]] === 0 || sM[source[i]] === 0 || lM[lang[i]] === 0) return false;
        return !anyTopic || (maskLo[i] & tLo) !== 0 || (maskHi[i] & tHi) !== 0;
      };
    } else {
      const pass = this.#pass({ ...f, countries: sides }, false);
      total = [0, 0];
      for (let i = 0; i < facts.length; i++) if (pass[i]) total[sideOf[cc[i]]]++;
      passes = (i) => pass[i] === 1;
    }
    if (total[0] + total[1] === 0) return [];

    // Cells: side × (target code + 1), column 0 = '@un_system'.
    const width = this.#s.targetKeys.length + 1;
    const articles = new Int32Array(2 * width);
    const support = new Int32Array(2 * width);
    const oppose = new Int32Array(2 * width);
    const neutral = new Int32Array(2 * width);
    const meanSum = new Float64Array(2 * width);
    const meanN = new Int32Array(2 * width);
    const add = (cell: number, fl: number, mean: number) => {
      articles[cell]++;
      if (fl & 1) support[cell]++;
      if (fl & 2) oppose[cell]++;
      if (fl & 4) neutral[cell]++;
      if (!Number.isNaN(mean)) {
        meanSum[cell] += mean;
        meanN[cell]++;
      }
    };
    const u = this.#towardUn(thr);
    for (let j = 0; j < u.arts.length; j++) {
      const a = u.arts[j];
      if (!passes(a)) continue;
      const base = sideOf[cc[a]] * width;
      add(base, u.flags[j], u.means[j]);
      for (let e = u.start[j]; e < u.start[j + 1]; e++) add(base + u.eTarget[e] + 1, u.eFlags[e], u.eMeans[e]);
    }

    const ids = this.#parts().map(([, id]) => id);
    const rows: CompareStanceRow[] = [];
    // Country a first; per country '@un_system' first, then most articles, then target_id in byte order.
    sides.forEach((country, side) => {
      const base = side * width;
      const cols: number[] = [];
      for (let col = 0; col < width; col++) if (articles[base + col] > 0) cols.push(col);
      cols.sort((x, y) => (x === 0 ? -1 : y === 0 ? 1 : articles[base + y] - articles[base + x] || cmpBytes(ids[x - 1], ids[y - 1])));
      for (const col of cols) {
        const cell = base + col;
        const id = col === 0 ? UN_SYSTEM : ids[col - 1];
        rows.push({
          country,
          target_id: id,
          label_en: col === 0 ? 'All UN bodies' : (labelOf(id) ?? id),
          support: support[cell],
          oppose: oppose[cell],
          neutral: neutral[cell],
          articles: articles[cell],
          total: total[side],
          mean_score: meanN[cell] > 0 ? meanSum[cell] / meanN[cell] : null
        });
      }
    });
    return rows;
  }

  /**
   * The rows of `buildStanceTargetsQuery(f)`, in its order: per target with a stance row in the filtered articles
   * (`factsWhere`: undated ones too unless a date bound is set; no threshold), its rows (one per article) and per label,
   * most first, then target_kind and target_id in byte order; first an 'All UN bodies' row counting articles with any
   * UN-body row. `meta` gives an entity's label_en and kind, a topic's label_en (nulls when unknown: the label is then
   * the id).
   */
  targets(f: Filters, meta: (kind: string, id: string) => { label: string | null; entityKind: EntityKind | null }): StanceTargetRow[] {
    const pass = this.#pass(f, false);
    const { art, target, targetIsUn, label, targetKeys } = this.#s;
    const T = targetKeys.length;
    const counts = new Int32Array(T * 4);
    let unArticles = 0;
    const un = [0, 0, 0];
    const m = art.length;
    let k = 0;
    while (k < m) {
      const a = art[k];
      if (!pass[a]) {
        while (++k < m && art[k] === a);
        continue;
      }
      // One article's rows are one run (#build): its UN-body rows are folded into one article.
      let fl = 0;
      for (; k < m && art[k] === a; k++) {
        const t = target[k];
        const l = label[k];
        counts[t * 4]++;
        if (l < 3) counts[t * 4 + 1 + l]++;
        if (targetIsUn[t]) fl |= 8 | (1 << l);
      }
      if (fl === 0) continue;
      unArticles++;
      for (let l = 0; l < 3; l++) if (fl & (1 << l)) un[l]++;
    }
    const rows: StanceTargetRow[] = [];
    if (unArticles > 0)
      rows.push({ target_kind: 'entity', target_id: UN_SYSTEM, label_en: 'All UN bodies', entity_kind: null, articles: unArticles, support: un[0], oppose: un[1], neutral: un[2] });
    const keys = this.#parts();
    const listed: number[] = [];
    for (let t = 0; t < T; t++) if (counts[t * 4] > 0) listed.push(t);
    listed.sort((x, y) => counts[y * 4] - counts[x * 4] || cmpBytes(keys[x][0], keys[y][0]) || cmpBytes(keys[x][1], keys[y][1]));
    for (const t of listed) {
      const [kind, id] = keys[t];
      const md = meta(kind, id);
      rows.push({
        target_kind: kind as TargetKind,
        target_id: id,
        label_en: md.label ?? id,
        entity_kind: kind === 'entity' ? md.entityKind : null,
        articles: counts[t * 4],
        support: counts[t * 4 + 1],
        oppose: counts[t * 4 + 2],
        neutral: counts[t * 4 + 3]
      });
    }
    return rows;
  }

  /** The count of `buildStanceEvidenceCountQuery(f, o)`: the stance rows of the evidence list. */
  evidenceCount(f: Filters, o: StanceEvidenceOptions): number {
    const facts = this.#s.facts;
    const thr = threshold(o.threshold);
    const pass = this.#pass(f, false);
    const code = this.#codeOf(o.target_kind, o.target_id);
    if (code === -1) return 0;
    const all = code === null;
    const want = o.stance ? LABELS.indexOf(o.stance) : -1;
    if (o.stance && want < 0) return 0;
    const from = o.bucketStart ? isoToDay(o.bucketStart) : null;
    const to = o.bucketEnd ? isoToDay(o.bucketEnd) : null;
    const country = o.country ? facts.country.values.indexOf(o.country) : -1;
    if (o.country && country < 0) return 0;
    const { art, target, targetIsUn, label, confidence } = this.#s;
    const { date } = facts;
    const cc = facts.country.codes;
    let n = 0;
    for (let k = 0; k < art.length; k++) {
      const a = art[k];
      if (!pass[a]) continue;
      const t = target[k];
      if ((all ? targetIsUn[t] === 0 : t !== code) || !(confidence[k] >= thr)) continue;
      if (want >= 0 && label[k] !== want) continue;
      const d = date[a];
      if (from !== null && (d === NULL_DAY || d < from)) continue;
      if (to !== null && (d === NULL_DAY || d >= to)) continue;
      if (country >= 0 && cc[a] !== country) continue;
      n++;
    }
    return n;
  }
}
