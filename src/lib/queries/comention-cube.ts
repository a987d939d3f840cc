/**
 * The co-mention matrix computed in JS from typed arrays (a "co-mention cube"): article_facts (one row per article:
 * the filter-bar columns and topic_mask) and article_entities (one row per article × entity) held as a CSR list of
 * entity indexes per article, so a filter or option change is a scan of typed arrays (tens of ms at 1M articles)
 * instead of a DuckDB-WASM query over 8M joined rows. `buildCoMentionQuery` (comentions.ts) stays the reference and
 * the fallback: tests/queries/comention-cube.test.ts asserts identical rows on the fixture.
 *
 * Semantics reproduced from the SQL (factsWhere / whereClause and buildCoMentionQuery):
 *   - date range on DATE, inclusive; either bound drops undated articles (NULL never compares true);
 *   - countries / sources / languages `IN (list)`: NULL never passes a non-empty list;
 *   - topics: any of the chosen topics, `topic_mask & bits <> 0`, bit i = i-th topic_id of topic_defs in byte order;
 *     unknown topic ids add no bit (so only unknown ids select nothing);
 *   - an (article, entity) row counts once per row of article_entities; rows whose entity_no is not in
 *     entity_articles, or whose text_row is not in article_facts, are not counted (the SQL joins drop them);
 *   - top-N actors by filtered articles, ties by entity_id (byte order), kinds as `e.kind IN (...)` (an entity missing
 *     from `entities` has kind NULL and passes only when no kind is chosen);
 *   - every top actor × every topic of topic_defs (zero pairs included), or × every other top actor (no diagonal);
 *   - jaccard = a / (r + c − a), pmi = log2(a·N / (r·c)) or null when a = 0, value per measure;
 *   - ORDER BY row_articles DESC, row_id, col_articles DESC, col_id.
 */
import type { CoMentionOptions, CoMentionRow } from './comentions';
import type { Filters } from '$lib/filters';
import type { EntityKind } from '$lib/schema';
import { clampInt } from './sql';

/** Day number of a NULL date (never inside a range). */
export const NULL_DAY = -2147483648;

const DAY_MS = 86_400_000;
function isoToDay(s: string): number {
  return Math.round(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS);
}

/** Byte order of UTF-8 strings, as DuckDB compares VARCHAR (UTF-16 order differs only past U+FFFF vs U+E000+). */
export function cmpBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (U+D800–U+DFFF, a code point ≥ U+10000) sorts after every other BMP code unit in UTF-8.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** A dictionary-encoded string column: `codes[i]` indexes `values` (which may hold null). */
export interface CodedColumn {
  codes: Int32Array;
  values: readonly (string | null)[];
}

/** Column-wise input. Arrays of article_facts rows share one length, article_entities rows another. */
export interface CoMentionCubeColumns {
  facts: {
    length: number;
    /** Day numbers (days since 1970-01-01), NULL_DAY where NULL. */
    date: Int32Array;
    country: CodedColumn;
    source_id: CodedColumn;
    lang: CodedColumn;
    /** topic_mask split into its low and high 32 bits (a NULL mask as 0: it passes no topic test either way). */
    maskLo: Int32Array;
    maskHi: Int32Array;
    text_row: Int32Array;
  };
  /** article_entities. */
  pairs: { length: number; text_row: Int32Array; entity_no: Int32Array };
  entityArticles: readonly { entity_id: string; entity_no: number }[];
  entities: readonly { entity_id: string; label_en: string | null; kind: EntityKind | null }[];
  topicDefs: readonly { topic_id: string; label_en: string | null }[];
}

/** Which algorithm serves which size; the defaults suit every case, tests lower them to cover the other paths. */
export interface CoMentionCubeTuning {
  /**
   * Largest distinct-masks × entities matrix kept per selection (an actors × topics grid is then read from it without
   * a second scan); past it, a second scan counts the pairs.
   */
  maxMaskCells?: number;
  /**
   * Largest top-N whose actors × actors pairs are counted through per-article bitmasks (8 actors a byte, byte × byte
   * histograms); past it, or when an article lists an entity twice, every pair in every article is counted.
   */
  maxByteActors?: number;
  /**
   * How many of the most mentioned entities (over every article, at most 64) each article keeps as a bitmask, so an
   * actors × actors grid whose top actors are all among them is counted from two integers per article instead of its
   * entity list.
   */
  maxGlobalActors?: number;
  /** False: never build month totals (prepareTallies says 'unavailable'), so tallies and grids always scan (tests). */
  monthTotals?: boolean;
  /**
   * Largest share of the articles an actors × topics grid with a topic filter reads row by row from the month totals'
   * lists (#indexedSelection) rather than by a scan of every article (default 1/8; tests set 1 to use it always).
   */
  indexedShare?: number;
}

/** Per filter: the selected articles and their per-entity and per-topic counts (kinds and options apply later). */
interface Selection {
  /** Selected article_facts rows. */
  rows: Int32Array;
  count: number;
  /** Per entity index: selected articles mentioning it (article_entities rows). */
  entityCount: Int32Array;
  /** Per mask bit: selected articles carrying it. */
  bitCount: Float64Array;
  /** Per (mask code, entity index), at [code * E + entity]: selected articles with that mask mentioning the entity. */
  byMask: Int32Array | null;
}

/** One side of the compare page, counted by the cube (see CoMentionCube.tally). */
export interface CubeTally {
  articles: number;
  entities: { id: string; label: string; kind: EntityKind | null; rank: number; articles: number }[];
  topics: { id: string; articles: number }[];
}

/** The built cube (see the fields of the same names in CoMentionCube). */
export interface CoMentionCubeState {
  nArticles: number;
  date: Int32Array;
  country: CodedColumn;
  source: CodedColumn;
  lang: CodedColumn;
  maskCode: Int32Array;
  maskBitStart: Int32Array;
  maskBits: Uint8Array;
  maskLo: Int32Array;
  maskHi: Int32Array;
  byMask: boolean;
  start: Int32Array;
  ent: Uint16Array | Int32Array;
  entId: string[];
  entLabel: string[];
  entKind: (EntityKind | null)[];
  entRank: Int32Array;
  topics: { id: string; label: string; bit: number }[];
  maxByteActors: number;
  repeats: boolean;
  hereLength: number;
  /** Per entity index: its bit in globalLo/globalHi (its rank among the most mentioned entities), or -1. */
  globalBit: Int32Array;
  /** Per article: which of those entities it mentions, bits 0–31 and 32–63. */
  globalLo: Int32Array;
  globalHi: Int32Array;
}

/**
 * CoMentionCube.#monthTotals: per country code, running totals by calendar month of its dated articles, in layers:
 * layer 0 all of them, layer 1 + t those carrying topic bit t (t < `bits`).
 */
interface MonthTotals {
  /** First day of each month holding dated articles (of any country), and the day after the last one. */
  starts: number[];
  /** Per country code: how many of its rows (in #countryRows order) are dated; the undated ones follow. */
  nDated: number[];
  /** Topic bits with a layer: 0 .. bits - 1. */
  bits: number;
  /**
   * Per country code, cell (b, layer) = b * (bits + 1) + layer holds the sums over months before b: `count` articles,
   * `entity` mentions per entity (E wide per cell), `bit` articles per topic bit (`bits` wide per cell). Row B + 1
   * (B months) holds the undated articles' totals, so a tally without dates never scans them.
   */
  count: Int32Array[];
  entity: Int32Array[];
  bit: Int32Array[];
  /**
   * Per country code and topic bit (< bits): the country's rows carrying it, in #countryRows order (dated ones in date
   * order, then undated), and how many of them are dated. A selection by countries, dates and one topic is then a
   * binary search and a copy, without visiting the other articles.
   */
  topicRows: Int32Array[][];
  topicDated: Int32Array[];
}

export class CoMentionCube {
  readonly nArticles: number;
  readonly #date: Int32Array;
  readonly #country: CodedColumn;
  readonly #source: CodedColumn;
  readonly #lang: CodedColumn;
  /** Per article: the code of its topic_mask among the distinct masks. */
  readonly #maskCode: Int32Array;
  /** Per mask code: its set bits, #maskBits[#maskBitStart[c] .. #maskBitStart[c + 1]). */
  readonly #maskBitStart: Int32Array;
  readonly #maskBits: Uint8Array;
  /** Per mask code: the mask's low and high 32 bits. */
  readonly #maskLo: Int32Array;
  readonly #maskHi: Int32Array;
  /** Whether selections keep per-mask entity counts (distinct masks × entities small enough). */
  readonly #byMask: boolean;
  /** CSR: the entity indexes of article_facts row i are #ent[#start[i] .. #start[i + 1]). */
  readonly #start: Int32Array;
  readonly #ent: Uint16Array | Int32Array;
  /** Per entity index (the rows of entity_articles). */
  readonly #entId: string[];
  readonly #entLabel: string[];
  readonly #entKind: (EntityKind | null)[];
  /** Position of each entity index in entity_id byte order (the tie-break). */
  readonly #entRank: Int32Array;
  /** topic_defs rows, and per row its mask bit (-1 past bit 63). */
  readonly #topics: { id: string; label: string; bit: number }[];
  /** topic_id → mask bit, for the topics filter. */
  readonly #bitOf = new Map<string, number>();
  readonly #buf: Int32Array;
  readonly #maxByteActors: number;
  /** Whether some article lists an entity twice in article_entities (each row counts, as in the SQL joins). */
  readonly #repeats: boolean;
  readonly #globalBit: Int32Array;
  readonly #globalLo: Int32Array;
  readonly #globalHi: Int32Array;
  /** Scratch for one article's top actors (as long as the longest entity list). */
  readonly #here: Int32Array;
  /** The last few selections, most recent last (a filter toggled back and forth is not counted again). */
  readonly #sels = new Map<string, Selection>();
  #last: { key: string; base: CoMentionRow[] } | null = null;

  /** Built from the tables' columns, or adopted from another cube's `state()` (e.g. built in a worker). */
  constructor(c: CoMentionCubeColumns | { state: CoMentionCubeState }, tuning: CoMentionCubeTuning = {}) {
    const s = 'state' in c ? c.state : CoMentionCube.#build(c, tuning);
    this.#state = s;
    if (tuning.monthTotals === false) this.#months = null;
    this.#indexedShare = tuning.indexedShare ?? 1 / 8;
    this.nArticles = s.nArticles;
    this.#date = s.date;
    this.#country = s.country;
    this.#source = s.source;
    this.#lang = s.lang;
    this.#maskCode = s.maskCode;
    this.#maskBitStart = s.maskBitStart;
    this.#maskBits = s.maskBits;
    this.#maskLo = s.maskLo;
    this.#maskHi = s.maskHi;
    this.#byMask = s.byMask;
    this.#start = s.start;
    this.#ent = s.ent;
    this.#entId = s.entId;
    this.#entLabel = s.entLabel;
    this.#entKind = s.entKind;
    this.#entRank = s.entRank;
    this.#topics = s.topics;
    this.#maxByteActors = s.maxByteActors;
    this.#repeats = s.repeats;
    this.#globalBit = s.globalBit;
    this.#globalLo = s.globalLo;
    this.#globalHi = s.globalHi;
    for (const t of this.#topics) if (t.bit >= 0) this.#bitOf.set(t.id, t.bit);
    this.#buf = new Int32Array(s.nArticles);
    this.#here = new Int32Array(s.hereLength);
  }

  readonly #state: CoMentionCubeState;
  readonly #indexedShare: number;
  /** Everything the cube is built into: structured-cloneable, its typed arrays listed by `transferables`. */
  state(): CoMentionCubeState {
    return this.#state;
  }
  static transferables(s: CoMentionCubeState): ArrayBuffer[] {
    const arrays = [s.date, s.country.codes, s.source.codes, s.lang.codes, s.maskCode, s.maskBitStart, s.maskBits, s.maskLo, s.maskHi, s.start, s.ent, s.entRank, s.globalBit, s.globalLo, s.globalHi];
    return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
  }

  static #build(c: CoMentionCubeColumns, tuning: CoMentionCubeTuning): CoMentionCubeState {
    const s = {} as CoMentionCubeState;
    const maxMaskCells = tuning.maxMaskCells ?? 4_000_000;
    s.maxByteActors = tuning.maxByteActors ?? 64;
    const f = c.facts;
    const n = (s.nArticles = f.length);
    s.date = f.date;
    s.country = f.country;
    s.source = f.source_id;
    s.lang = f.lang;
    // Distinct topic masks (at most 2^topics, and in practice a few hundred) as codes, with their bits.
    s.maskCode = new Int32Array(n);
    const maskIndex = new Map<number | string, number>();
    // Masks of the first 16 topics (most taxonomies) are looked up in an array, others in the Map.
    const dense = new Int32Array(65536).fill(-1);
    const los: number[] = [];
    const his: number[] = [];
    let prevLo = 0;
    let prevHi = 0;
    let prevCode = -1;
    for (let i = 0; i < n; i++) {
      const lo = f.maskLo[i];
      const hi = f.maskHi[i];
      if (prevCode >= 0 && lo === prevLo && hi === prevHi) {
        s.maskCode[i] = prevCode;
        continue;
      }
      let code = hi === 0 && lo >= 0 && lo < 65536 ? dense[lo] : -1;
      if (code < 0) {
        const key = hi === 0 ? lo : `${hi}:${lo}`;
        code = maskIndex.get(key) ?? -1;
        if (code < 0) {
          maskIndex.set(key, (code = los.length));
          los.push(lo);
          his.push(hi);
        }
        if (hi === 0 && lo >= 0 && lo < 65536) dense[lo] = code;
      }
      s.maskCode[i] = prevCode = code;
      prevLo = lo;
      prevHi = hi;
    }
    const M = los.length;
    s.maskLo = Int32Array.from(los);
    s.maskHi = Int32Array.from(his);
    s.maskBitStart = new Int32Array(M + 1);
    const bits: number[] = [];
    for (let m = 0; m < M; m++) {
      for (let b = 0; b < 64; b++) if (((b < 32 ? los[m] : his[m]) >>> (b & 31)) & 1) bits.push(b);
      s.maskBitStart[m + 1] = bits.length;
    }
    s.maskBits = Uint8Array.from(bits);
    
    // Entities: entity_articles LEFT JOIN entities.
    const meta = new Map<string, { label_en: string | null; kind: EntityKind | null }>();
    for (const e of c.entities) if (!meta.has(e.entity_id)) meta.set(e.entity_id, e);
    const E = c.entityArticles.length;
    s.entId = c.entityArticles.map((e) => e.entity_id);
    s.entLabel = c.entityArticles.map((e) => meta.get(e.entity_id)?.label_en ?? e.entity_id);
    s.entKind = c.entityArticles.map((e) => meta.get(e.entity_id)?.kind ?? null);
    const byId = [...s.entId.keys()].sort((a, b) => cmpBytes(s.entId[a], s.entId[b]));
    s.entRank = new Int32Array(E);
    byId.forEach((k, r) => (s.entRank[k] = r));
    s.byMask = E * M <= maxMaskCells;
    const entOfNo = new Map<number, number>();
    c.entityArticles.forEach((e, k) => {
      if (!entOfNo.has(e.entity_no)) entOfNo.set(e.entity_no, k);
    });

    // Topics: bit i = i-th topic_id in byte order (row_number over topic_defs ORDER BY topic_id).
    const ids = c.topicDefs.map((t) => t.topic_id);
    const order = [...ids.keys()].sort((a, b) => cmpBytes(ids[a], ids[b]));
    const bitOfRow = new Int32Array(ids.length);
    order.forEach((row, i) => (bitOfRow[row] = i < 64 ? i : -1));
    s.topics = c.topicDefs.map((t, row) => ({ id: t.topic_id, label: t.label_en ?? t.topic_id, bit: bitOfRow[row] }));

    // Entity index per entity_no (dense lookup when the numbers are small, as the pipeline writes them).
    let maxNo = -1;
    for (const no of entOfNo.keys()) if (no > maxNo) maxNo = no;
    const entOfNoArr = new Int32Array(Math.max(0, maxNo + 1)).fill(-1);
    for (const [no, k] of entOfNo) if (no >= 0) entOfNoArr[no] = k;

    // CSR by article_facts row: per article, its entities (start[i] .. start[i + 1] of ent).
    const p = c.pairs;
    const pText = p.text_row;
    const pNo = p.entity_no;
    const L = p.length;
    const start = (s.start = new Int32Array(n + 1));
    const prefixSums = () => {
      let maxDeg = 0;
      for (let i = 0; i < n; i++) {
        if (start[i + 1] > maxDeg) maxDeg = start[i + 1];
        start[i + 1] += start[i];
      }
      s.hereLength = maxDeg;
    };
    // Per entity: its article_entities rows (ranks the global bits below). `repeats`: some article lists an entity
    // twice.
    const total = new Int32Array(E);
    const seen = new Int32Array(E).fill(-1);
    let repeats = false;
    let ent: Uint16Array | Int32Array | null = null;
    // As the pipeline writes them, article i of article_facts has text_row i and article_entities is sorted by
    // text_row: each pair then goes where it stands, and is counted, in one pass (the general way below, a counting
    // sort then two more passes, took ~280 ms at 1M articles and 8M pairs in Node). Abandoned at the first pair out of
    // order.
    const textRow = f.text_row;
    let inOrder = true;
    for (let i = 0; inOrder && i < n; i++) if (textRow[i] !== i) inOrder = false;
    if (inOrder) {
      const all = E <= 65535 ? new Uint16Array(L) : new Int32Array(L);
      let w = 0;
      let prev = -Infinity;
      for (let j = 0; j < L; j++) {
        const t = pText[j];
        if (t < prev) {
          inOrder = false;
          break;
        }
        prev = t;
        const no = pNo[j];
        if (t < 0 || t >= n || no < 0 || no > maxNo) continue;
        const k = entOfNoArr[no];
        if (k < 0) continue;
        start[t + 1]++;
        all[w++] = k;
        total[k]++;
        if (seen[k] === t) repeats = true;
        seen[k] = t;
      }
      if (inOrder) {
        prefixSums();
        ent = w === L ? all : all.slice(0, w);
      } else {
        start.fill(0);
        total.fill(0);
        seen.fill(-1);
        repeats = false;
      }
    }
    if (!ent) {
      // article_facts row of each text_row.
      let maxText = -1;
      for (let i = 0; i < n; i++) if (textRow[i] > maxText) maxText = textRow[i];
      const rowOfText = new Int32Array(maxText + 1).fill(-1);
      for (let i = 0; i < n; i++) if (textRow[i] >= 0) rowOfText[textRow[i]] = i;
      // Per article_entities row: its article_facts row, -1 when it has none or its entity is not in entity_articles.
      const rowOfPair = new Int32Array(L);
      for (let j = 0; j < L; j++) {
        const t = pText[j];
        const no = pNo[j];
        const r = t >= 0 && t <= maxText && no >= 0 && no <= maxNo && entOfNoArr[no] >= 0 ? rowOfText[t] : -1;
        rowOfPair[j] = r;
        if (r >= 0) start[r + 1]++;
      }
      prefixSums();
      const e = (ent = E <= 65535 ? new Uint16Array(start[n]) : new Int32Array(start[n]));
      const fill = start.slice(0, n);
      for (let j = 0; j < L; j++) {
        const r = rowOfPair[j];
        if (r >= 0) e[fill[r]++] = entOfNoArr[pNo[j]];
      }
      for (let i = 0; i < n && !repeats; i++) {
        for (let j = start[i]; j < start[i + 1]; j++) {
          if (seen[e[j]] === i) repeats = true;
          seen[e[j]] = i;
        }
      }
      for (let j = 0; j < e.length; j++) total[e[j]]++;
    }
    s.ent = ent;
    s.repeats = repeats;

    // The most mentioned entities (ties by entity_id) as bits of two integers per article.
    const G = Math.max(0, Math.min(64, tuning.maxGlobalActors ?? 64, E));
    const ranked = [...total.keys()].sort((a, b) => total[b] - total[a] || s.entRank[a] - s.entRank[b]);
    s.globalBit = new Int32Array(E).fill(-1);
    ranked.slice(0, G).forEach((k, bit) => (s.globalBit[k] = bit));
    const globalLo = (s.globalLo = new Int32Array(G > 0 ? n : 0));
    const globalHi = (s.globalHi = new Int32Array(G > 32 ? n : 0));
    if (G > 0) {
      // Locals only in the loop (1M articles, 8M entities): `s` is a dictionary of some twenty arrays.
      const gb = s.globalBit;
      const wide = G > 32;
      for (let i = 0, j = 0; i < n; i++) {
        let lo = 0;
        let hi = 0;
        for (const e = start[i + 1]; j < e; j++) {
          const b = gb[ent[j]];
          if (b < 0) continue;
          if (b < 32) lo |= 1 << b;
          else hi |= 1 << (b - 32);
        }
        globalLo[i] = lo;
        if (wide) globalHi[i] = hi;
      }
    }
    return s;
  }

  /** From plain rows (DuckDB answers: dates as 'YYYY-MM-DD', BIGINT masks as numbers or bigints), for tests and Node. */
  static fromRows(t: {
    facts: readonly Record<string, unknown>[];
    pairs: readonly Record<string, unknown>[];
    entityArticles: readonly Record<string, unknown>[];
    entities: readonly Record<string, unknown>[];
    topicDefs: readonly Record<string, unknown>[];
  }, tuning?: CoMentionCubeTuning): CoMentionCube {
    const coded = (rows: readonly Record<string, unknown>[], key: string): CodedColumn => {
      const values: (string | null)[] = [];
      const index = new Map<string | null, number>();
      const codes = new Int32Array(rows.length);
      rows.forEach((r, i) => {
        const v = r[key] === null || r[key] === undefined ? null : String(r[key]);
        let k = index.get(v);
        if (k === undefined) index.set(v, (k = values.push(v) - 1));
        codes[i] = k;
      });
      return { codes, values };
    };
    const n = t.facts.length;
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    t.facts.forEach((r, i) => {
      const m = r.topic_mask === null || r.topic_mask === undefined ? 0n : BigInt(r.topic_mask as number | bigint);
      lo[i] = Number(BigInt.asIntN(32, m));
      hi[i] = Number(BigInt.asIntN(32, m >> 32n));
    });
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    return new CoMentionCube({
      facts: {
        length: n,
        date: Int32Array.from(t.facts, (r) => (r.date === null || r.date === undefined ? NULL_DAY : isoToDay(String(r.date).slice(0, 10)))),
        country: coded(t.facts, 'country'),
        source_id: coded(t.facts, 'source_id'),
        lang: coded(t.facts, 'lang'),
        maskLo: lo,
        maskHi: hi,
        text_row: Int32Array.from(t.facts, (r) => Number(r.text_row))
      },
      pairs: {
        length: t.pairs.length,
        text_row: Int32Array.from(t.pairs, (r) => Number(r.text_row)),
        entity_no: Int32Array.from(t.pairs, (r) => Number(r.entity_no))
      },
      entityArticles: t.entityArticles.map((r) => ({ entity_id: String(r.entity_id), entity_no: Number(r.entity_no) })),
      entities: t.entities.map((r) => ({ entity_id: String(r.entity_id), label_en: str(r.label_en), kind: str(r.kind) as EntityKind | null })),
      topicDefs: t.topicDefs.map((r) => ({ topic_id: String(r.topic_id), label_en: str(r.label_en) }))
    }, tuning);
  }

  /** Which codes of a dictionary column pass `IN (list)` (an empty list: no filter; NULL never passes a list). */
  static #pass(col: CodedColumn, list: readonly string[]): Uint8Array {
    const set = new Set(list);
    return Uint8Array.from(col.values, (v) => (list.length === 0 || (v !== null && set.has(v)) ? 1 : 0));
  }

  #byCountry: Int32Array[] | null = null;
  /** Per country code: its articles' rows, ascending (built on first use: one pass). */
  #countryRows(): Int32Array[] {
    if (this.#byCountry) return this.#byCountry;
    const codes = this.#country.codes;
    const n = new Int32Array(this.#country.values.length);
    for (let i = 0; i < this.nArticles; i++) n[codes[i]]++;
    const lists = Array.from(n, (k) => new Int32Array(k));
    n.fill(0);
    for (let i = 0; i < this.nArticles; i++) lists[codes[i]][n[codes[i]]++] = i;
    return (this.#byCountry = lists);
  }

  /** The articles the shared filters select, with their entity and topic-bit counts (the last 4 filters cached). */
  #select(f: Filters, perMaskEntities = true): Selection {
    const key = JSON.stringify([f.from, f.to, f.countries, f.sources, f.langs, f.topics, perMaskEntities && this.#byMask]);
    const hit = this.#sels.get(key);
    if (hit) {
      this.#sels.delete(key);
      this.#sels.set(key, hit);
      return hit;
    }
    const from = f.from ? isoToDay(f.from) : null;
    const to = f.to ? isoToDay(f.to) : null;
    const lo = from ?? -2147483647;
    const hi = to ?? 2147483647;
    const dated = from !== null || to !== null;
    const cPass = CoMentionCube.#pass(this.#country, f.countries);
    const sPass = CoMentionCube.#pass(this.#source, f.sources);
    const lPass = CoMentionCube.#pass(this.#lang, f.langs);
    const cCodes = this.#country.codes;
    const sCodes = this.#source.codes;
    const lCodes = this.#lang.codes;
    let wantLo = 0;
    let wantHi = 0;
    for (const t of f.topics) {
      const bit = this.#bitOf.get(t);
      if (bit === undefined) continue;
      if (bit < 32) wantLo |= 1 << bit;
      else wantHi |= 1 << (bit - 32);
    }
    const M = this.#maskLo.length;
    const maskPass = new Uint8Array(M);
    for (let m = 0; m < M; m++) maskPass[m] = !f.topics.length || (this.#maskLo[m] & wantLo) !== 0 || (this.#maskHi[m] & wantHi) !== 0 ? 1 : 0;
    const date = this.#date;
    const mc = this.#maskCode;
    const rows = this.#buf;
    let count = 0;
    // Only the chosen countries' articles when a country is chosen (e.g. each side of the compare page).
    const lists = f.countries.length ? this.#countryRows().filter((_, c) => cPass[c]) : null;
    for (let l = 0; l < (lists ? lists.length : 1); l++) {
      const list = lists ? lists[l] : null;
      const end = list ? list.length : this.nArticles;
      for (let k = 0; k < end; k++) {
        const i = list ? list[k] : k;
        if (dated) {
          const d = date[i];
          if (d === NULL_DAY || d < lo || d > hi) continue;
        }
        if (!cPass[cCodes[i]] || !sPass[sCodes[i]] || !lPass[lCodes[i]] || !maskPass[mc[i]]) continue;
        rows[count++] = i;
      }
    }
    const E = this.#entId.length;
    const entityCount = new Int32Array(E);
    const perMask = new Float64Array(M);
    const start = this.#start;
    const ent = this.#ent;
    // Per-mask entity counts only for the grid's topic columns: tally needs none, and their M × E cells (1.2 MB at
    // 1M articles) made its per-mention increments miss the cache (~2× slower).
    const byMask = this.#byMask && perMaskEntities ? new Int32Array(M * E) : null;
    if (byMask) {
      for (let r = 0; r < count; r++) {
        const i = rows[r];
        const base = mc[i] * E;
        perMask[mc[i]]++;
        for (let j = start[i], e = start[i + 1]; j < e; j++) byMask[base + ent[j]]++;
      }
      for (let m = 0; m < M; m++) {
        const base = m * E;
        for (let k = 0; k < E; k++) entityCount[k] += byMask[base + k];
      }
    } else {
      for (let r = 0; r < count; r++) {
        const i = rows[r];
        perMask[mc[i]]++;
        for (let j = start[i], e = start[i + 1]; j < e; j++) entityCount[ent[j]]++;
      }
    }
    const bitCount = new Float64Array(64);
    for (let m = 0; m < M; m++) {
      if (perMask[m] === 0) continue;
      for (let x = this.#maskBitStart[m]; x < this.#maskBitStart[m + 1]; x++) bitCount[this.#maskBits[x]] += perMask[m];
    }
    const sel = { rows: rows.slice(0, count), count, entityCount, bitCount, byMask };
    this.#sels.set(key, sel);
    if (this.#sels.size > 4) this.#sels.delete(this.#sels.keys().next().value!);
    return sel;
  }

  /**
   * What the compare page counts for one side (compare-cube.ts): the articles `f` selects, and per entity of
   * entity_articles (in its row order) and per topic_defs row (in its row order) how many of them mention it (one per
   * article_entities row, as the SQL's count(*)) or carry its topic bit. `rank`: the entity's place in entity_id byte
   * order (the SQL's tie-break); `label`: label_en or the id; `kind`: null when the entity is not in `entities`.
   */
  tally(f: Filters): CubeTally {
    const sel = this.#tallyByMonth(f) ?? this.#select(f, false);
    return {
      articles: sel.count,
      entities: this.#entId.map((id, k) => ({ id, label: this.#entLabel[k], kind: this.#entKind[k], rank: this.#entRank[k], articles: sel.entityCount[k] })),
      topics: this.#topics.map((t) => ({ id: t.id, articles: t.bit >= 0 ? sel.bitCount[t.bit] : 0 }))
    };
  }

  /**
   * Per country code: its dated articles in date order, with running totals per calendar month, so that a tally
   * filtered by countries and dates only adds up whole months and scans just the days at either end (compare page at
   * 1M articles: ~0.2 ms instead of 5–20 ms of per-mention counting). Null when some country's rows are not in date
   * order (dated ones first): tallies then scan. Undefined until `prepareTallies`.
   */
  #months: MonthTotals | null | undefined = undefined;
  /** The month totals being built (prepareTallies): the next country code, row and month to count. */
  #monthJob: (MonthTotals & { c: number; k: number; b: number }) | null = null;

  /** A job for the month totals (all zero), or null when some country's rows are not in date order. */
  #monthJobStart(): (MonthTotals & { c: number; k: number; b: number }) | null {
    const lists = this.#countryRows();
    const date = this.#date;
    // The months holding dated articles, by their first day. Only those: a stray date decades away (a text's
    // "1900" or "2090") would otherwise add every month in between to the totals (1,478 months instead of ~190 in
    // the 1M benchmark, 19 MB of totals per country).
    const monthDays = new Set<number>();
    let lastDay = -Infinity;
    const monthOf = (day: number, next: 0 | 1) => {
      const d = new Date(day * DAY_MS);
      return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + next, 1) / DAY_MS);
    };
    const nDated = lists.map((list) => {
      let k = 0;
      let monthEnd = -Infinity;
      while (k < list.length && date[list[k]] !== NULL_DAY) {
        const d = date[list[k]];
        if (k > 0 && d < date[list[k - 1]]) return -1;
        if (d >= monthEnd) {
          monthDays.add(monthOf(d, 0));
          monthEnd = monthOf(d, 1);
          if (monthEnd > lastDay) lastDay = monthEnd;
        }
        k++;
      }
      for (let j = k; j < list.length; j++) if (date[list[j]] !== NULL_DAY) return -1;
      return k;
    });
    if (nDated.includes(-1)) return null;
    // Month b holds the days [starts[b], starts[b + 1]): from its first day up to the next month with articles (the
    // days between hold none); starts[B] is the day after the last month.
    const starts = [...monthDays].sort((a, b) => a - b);
    if (starts.length) starts.push(lastDay);
    const B = Math.max(0, starts.length - 1);
    const E = this.#entId.length;
    const bits = Math.min(64, Math.max(0, ...this.#topics.map((t) => t.bit + 1)));
    const L = bits + 1;
    return {
      starts,
      nDated,
      bits,
      count: lists.map(() => new Int32Array((B + 2) * L)),
      entity: lists.map(() => new Int32Array((B + 2) * L * E)),
      bit: lists.map(() => new Int32Array((B + 2) * L * bits)),
      topicRows: lists.map(() => []),
      topicDated: lists.map(() => new Int32Array(bits)),
      c: 0,
      k: 0,
      b: 0
    };
  }

  /**
   * Builds the month totals (#months) a slice at a time: works until `more()` returns false (checked every few
   * thousand articles; ~300 ms in all at 1M articles), so they can be built in idle time (comention-loader.ts does).
   * 'done' once built (later tallies by countries, dates and one topic, and actors × topics grids by countries and
   * dates, add them up), 'pending' when stopped early (call again), 'unavailable' when they cannot be built (the rows
   * are not in date order, or `monthTotals: false`): tallies then keep scanning.
   */
  prepareTallies(more: () => boolean = () => true): 'done' | 'pending' | 'unavailable' {
    if (this.#months !== undefined) return this.#months ? 'done' : 'unavailable';
    // The articles by country first, in a slice of their own when it ends the slice (the job's start walks them).
    if (!this.#monthJob && !this.#byCountry) {
      this.#countryRows();
      if (!more()) return 'pending';
    }
    const job = (this.#monthJob ??= this.#monthJobStart());
    if (!job) {
      this.#months = null;
      return 'unavailable';
    }
    const lists = this.#countryRows();
    const date = this.#date;
    const { starts, bits } = job;
    const B = Math.max(0, starts.length - 1);
    const L = bits + 1;
    const E = this.#entId.length;
    const mc = this.#maskCode;
    const maskBitStart = this.#maskBitStart;
    const maskBits = this.#maskBits;
    const start = this.#start;
    const ent = this.#ent;
    const layers = new Int32Array(L);
    for (; job.c < lists.length; job.c++, job.k = 0, job.b = 0) {
      const list = lists[job.c];
      const n = job.nDated[job.c];
      const cnt = job.count[job.c];
      const en = job.entity[job.c];
      const bt = job.bit[job.c];
      while (job.k < list.length) {
        if (!more()) return 'pending';
        let b = job.b;
        for (const end = Math.min(list.length, job.k + 4096); job.k < end; job.k++) {
          const i = list[job.k];
          // Undated articles (after the dated ones) are counted into row B + 1, which the running sums leave alone.
          if (job.k >= n) b = B;
          else while (date[i] >= starts[b + 1]) b++;
          // The article's layers: all (0), and 1 + t per topic bit t it carries; counted into row b + 1 (summed below).
          let nl = 0;
          layers[nl++] = 0;
          const m = mc[i];
          for (let x = maskBitStart[m]; x < maskBitStart[m + 1]; x++) if (maskBits[x] < bits) layers[nl++] = 1 + maskBits[x];
          for (let l = 0; l < nl; l++) {
            const cell = (b + 1) * L + layers[l];
            cnt[cell]++;
            for (let x = 1; x < nl; x++) bt[cell * bits + layers[x] - 1]++;
            const base = cell * E;
            for (let j = start[i], e = start[i + 1]; j < e; j++) en[base + ent[j]]++;
          }
        }
        job.b = b;
      }
      // Per topic bit, the country's rows carrying it (in list order: dated by date, then undated).
      const perBit = new Int32Array(bits);
      for (let k = 0; k < list.length; k++) {
        const m = mc[list[k]];
        for (let x = maskBitStart[m]; x < maskBitStart[m + 1]; x++) if (maskBits[x] < bits) perBit[maskBits[x]]++;
      }
      const tr = Array.from(perBit, (size) => new Int32Array(size));
      const td = job.topicDated[job.c];
      perBit.fill(0);
      for (let k = 0; k < list.length; k++) {
        const i = list[k];
        const m = mc[i];
        for (let x = maskBitStart[m]; x < maskBitStart[m + 1]; x++) {
          const u = maskBits[x];
          if (u >= bits) continue;
          tr[u][perBit[u]++] = i;
          if (k < n) td[u]++;
        }
      }
      job.topicRows[job.c] = tr;
      // Running sums over months: row r += row r - 1.
      for (let r = 1; r <= B; r++) {
        for (let x = r * L, y = (r - 1) * L, e = x + L; x < e; x++, y++) cnt[x] += cnt[y];
        for (let x = r * L * E, y = (r - 1) * L * E, e = x + L * E; x < e; x++, y++) en[x] += en[y];
        for (let x = r * L * bits, y = (r - 1) * L * bits, e = x + L * bits; x < e; x++, y++) bt[x] += bt[y];
      }
    }
    this.#months = { starts, nDated: job.nDated, bits, count: job.count, entity: job.entity, bit: job.bit, topicRows: job.topicRows, topicDated: job.topicDated };
    this.#monthJob = null;
    return 'done';
  }

  /**
   * `tally`'s counts from the month totals, or null when they cannot answer: filters past countries, dates and one
   * topic (sources, languages, two topics or more). With `perBit` (no topic filter only), also each entity's mentions
   * in the articles of each topic bit (`perBit[bit * E + entity]`: the actors × topics grid's cells).
   */
  #tallyByMonth(f: Filters, perBit = false): { count: number; entityCount: Int32Array; bitCount: Float64Array; perBit: Int32Array | null } | null {
    const mt = this.#months;
    if (!mt || f.sources.length || f.langs.length || f.topics.length > (perBit ? 0 : 1)) return null;
    const topicBit = f.topics.length ? (this.#bitOf.get(f.topics[0]) ?? -1) : -1;
    if (f.topics.length && (topicBit < 0 || topicBit >= mt.bits)) return null;
    const layer = topicBit + 1;
    const lo = f.from ? isoToDay(f.from) : -Infinity;
    const hi = f.to ? isoToDay(f.to) : Infinity;
    const undated = !f.from && !f.to;
    const { starts, bits } = mt;
    const L = bits + 1;
    const B = Math.max(0, starts.length - 1);
    // Whole months [b0, b1): the first month starting on or after lo, up to the last one ending on or before hi.
    let b0 = 0;
    while (b0 < B && starts[b0] < lo) b0++;
    let b1 = B;
    while (b1 > b0 && starts[b1] - 1 > hi) b1--;
    const E = this.#entId.length;
    const entityCount = new Int32Array(E);
    const bitCount = new Float64Array(64);
    const byBit = perBit ? new Int32Array(bits * E) : null;
    let count = 0;
    const date = this.#date;
    const mc = this.#maskCode;
    const start = this.#start;
    const ent = this.#ent;
    const maskBitStart = this.#maskBitStart;
    const maskBits = this.#maskBits;
    const wantLo = topicBit >= 0 && topicBit < 32 ? 1 << topicBit : 0;
    const wantHi = topicBit >= 32 ? 1 << (topicBit - 32) : 0;
    const lists = this.#countryRows();
    const add = (i: number) => {
      const m = mc[i];
      if (topicBit >= 0 && (this.#maskLo[m] & wantLo) === 0 && (this.#maskHi[m] & wantHi) === 0) return;
      count++;
      for (let x = maskBitStart[m]; x < maskBitStart[m + 1]; x++) bitCount[maskBits[x]]++;
      for (let j = start[i], e = start[i + 1]; j < e; j++) entityCount[ent[j]]++;
      if (byBit)
        for (let x = maskBitStart[m]; x < maskBitStart[m + 1]; x++) {
          if (maskBits[x] >= bits) continue;
          const base = maskBits[x] * E;
          for (let j = start[i], e = start[i + 1]; j < e; j++) byBit[base + ent[j]]++;
        }
    };
    const wanted = new Set(f.countries);
    this.#country.values.forEach((v, c) => {
      if (f.countries.length && (v === null || !wanted.has(v))) return;
      const list = lists[c];
      const n = mt.nDated[c];
      // Days in [from, to] outside the whole months: before month b0 and from month b1 on (all of them when b0 = b1).
      const scan = (dFrom: number, dTo: number) => {
        for (let k = lowerBound(date, list, n, dFrom); k < n && date[list[k]] <= dTo; k++) add(list[k]);
      };
      if (b1 > b0) {
        const c1 = b1 * L + layer;
        const c0 = b0 * L + layer;
        count += mt.count[c][c1] - mt.count[c][c0];
        const en = mt.entity[c];
        for (let x = 0, p = c1 * E, q = c0 * E; x < E; x++, p++, q++) entityCount[x] += en[p] - en[q];
        const bt = mt.bit[c];
        for (let x = 0, p = c1 * bits, q = c0 * bits; x < bits; x++, p++, q++) bitCount[x] += bt[p] - bt[q];
        if (byBit)
          for (let u = 0; u < bits; u++)
            for (let x = 0, p = (b1 * L + 1 + u) * E, q = (b0 * L + 1 + u) * E, o = u * E; x < E; x++, p++, q++, o++) byBit[o] += en[p] - en[q];
        scan(lo, starts[b0] - 1);
        scan(starts[b1], hi);
      } else scan(lo, hi);
      if (undated) {
        // The undated articles' totals: row B + 1.
        const cu = (B + 1) * L + layer;
        count += mt.count[c][cu];
        const en = mt.entity[c];
        for (let x = 0, p = cu * E; x < E; x++, p++) entityCount[x] += en[p];
        const bt = mt.bit[c];
        for (let x = 0, p = cu * bits; x < bits; x++, p++) bitCount[x] += bt[p];
        if (byBit) for (let u = 0; u < bits; u++) for (let x = 0, p = ((B + 1) * L + 1 + u) * E, o = u * E; x < E; x++, p++, o++) byBit[o] += en[p];
      }
    });
    return { count, entityCount, bitCount, perBit: byBit };
  }

  /**
   * The selection of `f` without a scan of every article, when the month totals can answer it (countries, dates and
   * at most one topic): the counts from them (#tallyByMonth), and the selected rows (ascending within each country, in
   * the shared scratch buffer: use them before the next selection) copied from each chosen country's rows, or its
   * rows carrying the topic, between the dates (two binary searches). Null otherwise, or past `maxRows` rows.
   */
  #indexedSelection(f: Filters, maxRows = Infinity): { count: number; entityCount: Int32Array; bitCount: Float64Array; rows: Int32Array } | null {
    const mt = this.#months;
    const t = mt ? this.#tallyByMonth(f) : null;
    if (!mt || !t || t.count > maxRows) return null;
    const bit = f.topics.length ? this.#bitOf.get(f.topics[0])! : -1;
    const lo = f.from ? isoToDay(f.from) : -2147483647;
    const hi = f.to ? isoToDay(f.to) : 2147483647;
    const dated = Boolean(f.from || f.to);
    const wanted = new Set(f.countries);
    const lists = this.#countryRows();
    const date = this.#date;
    const rows = this.#buf;
    let n = 0;
    for (let c = 0; c < lists.length; c++) {
      const v = this.#country.values[c];
      if (f.countries.length && (v === null || !wanted.has(v))) continue;
      const list = bit >= 0 ? mt.topicRows[c][bit] : lists[c];
      const nd = bit >= 0 ? mt.topicDated[c][bit] : mt.nDated[c];
      if (!dated) {
        rows.set(list, n);
        n += list.length;
        continue;
      }
      const k0 = lowerBound(date, list, nd, lo);
      const k1 = hi === 2147483647 ? nd : lowerBound(date, list, nd, hi + 1);
      if (k1 > k0) {
        rows.set(list.subarray(k0, k1), n);
        n += k1 - k0;
      }
    }
    // The rows and the totals count the same articles, or the totals cannot be trusted with them.
    if (n !== t.count) return null;
    return { count: t.count, entityCount: t.entityCount, bitCount: t.bitCount, rows };
  }

  /** The rows `buildCoMentionQuery(f, opts)` returns, in its order. */
  query(f: Filters, opts: CoMentionOptions): CoMentionRow[] {
    const n = clampInt(opts.n, 1, 200, 15);
    const kinds = opts.kinds?.length ? opts.kinds : null;
    const byActors = opts.cols === 'actors';
    const key = JSON.stringify([f.from, f.to, f.countries, f.sources, f.langs, f.topics, n, kinds, byActors]);
    let base = this.#last?.key === key ? this.#last.base : null;
    if (!base) {
      base = this.#grid(f, n, kinds, byActors);
      this.#last = { key, base };
    }
    const m = opts.measure;
    return base.map((r) => ({ ...r, value: m === 'jaccard' ? r.jaccard : m === 'pmi' ? r.pmi : m === 'count' ? r.articles : r.articles }));
  }

  #hist: Int32Array | null = null;
  /** A zeroed scratch histogram of `size` cells, reused across queries (up to 4M cells: 16 MB) to spare the GC. */
  #histogram(size: number): Int32Array {
    if (size > 4 * 1024 * 1024) return new Int32Array(size);
    if (!this.#hist || this.#hist.length < size) this.#hist = new Int32Array(Math.max(size, 1024 * 1024));
    const h = this.#hist.subarray(0, size);
    h.fill(0);
    return h;
  }

  /**
   * Actors × actors pair counts without visiting every pair in every article: each article's top actors become bytes
   * (actor t is bit t % 8 of byte t / 8), and each pair of bytes of an article one histogram increment; the histograms
   * (at most 256 × 256 cells per byte pair) are expanded into pairs at the end. Exact when no article lists an entity
   * twice (then the SQL would count the pair once per row).
   */
  #actorPairsByBytes(rows: Int32Array, count: number, topOf: Int32Array, N: number, pair: Float64Array): void {
    const C = (N + 7) >> 3;
    const start = this.#start;
    const ent = this.#ent;
    // Byte pair (p, q), p <= q, is histogram p * C + q.
    const hist = this.#histogram(C * C * 65536);
    const bytes = new Int32Array(C);
    const used = new Int32Array(C);
    for (let r = 0; r < count; r++) {
      const i = rows[r];
      let u = 0;
      for (let j = start[i], e = start[i + 1]; j < e; j++) {
        const t = topOf[ent[j]];
        if (t < 0) continue;
        const c = t >> 3;
        if (bytes[c] === 0) used[u++] = c;
        bytes[c] |= 1 << (t & 7);
      }
      if (u === 0) continue;
      for (let x = 0; x < u; x++) {
        const p0 = used[x];
        for (let y = x; y < u; y++) {
          const q0 = used[y];
          const p = p0 < q0 ? p0 : q0;
          const q = p0 < q0 ? q0 : p0;
          hist[((p * C + q) << 16) | (bytes[p] << 8) | bytes[q]]++;
        }
      }
      for (let x = 0; x < u; x++) bytes[used[x]] = 0;
    }
    // Actor t is bit t of the byte sequence.
    expandPairHistogram(hist, C, Int32Array.from({ length: C * 8 }, (_, t) => t), N, pair);
  }

  /**
   * As #actorPairsByBytes, when every top actor is one of the most mentioned entities each article keeps as bits
   * (#globalLo/#globalHi): an article's top actors are its bits masked by theirs, without reading its entity list.
   */
  #actorPairsByGlobalBits(rows: Int32Array, count: number, top: readonly number[], N: number, pair: Float64Array): void {
    let wantLo = 0;
    let wantHi = 0;
    const topOfBit = new Int32Array(64).fill(-1);
    top.forEach((k, t) => {
      const b = this.#globalBit[k];
      topOfBit[b] = t;
      if (b < 32) wantLo |= 1 << b;
      else wantHi |= 1 << (b - 32);
    });
    const gLo = this.#globalLo;
    const gHi = this.#globalHi;
    const withHi = wantHi !== 0;
    if (N <= 16) {
      this.#actorPairsByCodes(rows, count, topOfBit, withHi, N, pair);
      return;
    }
    // Byte pair (p, q), p <= q, of the 8 bytes (bits 0–31 in lo, 32–63 in hi) is histogram p * 8 + q.
    const hist = this.#histogram((withHi ? 64 : 16) * 65536);
    const C = withHi ? 8 : 4;
    const bytes = new Int32Array(8);
    const used = new Int32Array(8);
    for (let r = 0; r < count; r++) {
      const i = rows[r];
      const lo = gLo[i] & wantLo;
      const hi = withHi ? gHi[i] & wantHi : 0;
      if (lo === 0 && hi === 0) continue;
      let u = 0;
      for (let c = 0; c < C; c++) {
        const b = ((c < 4 ? lo : hi) >>> ((c & 3) * 8)) & 255;
        if (b !== 0) {
          bytes[u] = b;
          used[u++] = c;
        }
      }
      for (let x = 0; x < u; x++) {
        const px = (used[x] * C) << 16;
        const bx = bytes[x] << 8;
        for (let y = x; y < u; y++) hist[(px + (used[y] << 16)) | bx | bytes[y]]++;
      }
    }
    expandPairHistogram(hist, C, topOfBit, N, pair);
  }

  /**
   * #actorPairsByGlobalBits for at most 16 top actors: each article's top actors as one 16-bit code (its global bits
   * looked up a byte at a time), one histogram increment per article with two or more of them, and the 65,536 codes
   * expanded into pairs at the end. The byte-pair histograms (up to 4M cells, zeroed and expanded on every query)
   * cost ~20–50 ms at 1M articles whatever the selection; this costs ~1 ms plus a pass over the selected rows.
   */
  #actorPairsByCodes(rows: Int32Array, count: number, topOfBit: Int32Array, withHi: boolean, N: number, pair: Float64Array): void {
    // codeOf[c * 256 + v]: the top actors (as code bits) among the global bits of byte value v in byte c.
    const codeOf = new Int32Array(8 * 256);
    for (let c = 0; c < 8; c++)
      for (let v = 1; v < 256; v++) {
        let code = 0;
        for (let x = 0; x < 8; x++) if ((v >> x) & 1 && topOfBit[c * 8 + x] >= 0) code |= 1 << topOfBit[c * 8 + x];
        codeOf[c * 256 + v] = code;
      }
    const gLo = this.#globalLo;
    const gHi = this.#globalHi;
    const hist = this.#histogram(65536);
    for (let r = 0; r < count; r++) {
      const i = rows[r];
      const lo = gLo[i];
      let code = codeOf[lo & 255] | codeOf[256 + ((lo >>> 8) & 255)] | codeOf[512 + ((lo >>> 16) & 255)] | codeOf[768 + (lo >>> 24)];
      if (withHi) {
        const hi = gHi[i];
        code |= codeOf[1024 + (hi & 255)] | codeOf[1280 + ((hi >>> 8) & 255)] | codeOf[1536 + ((hi >>> 16) & 255)] | codeOf[1792 + (hi >>> 24)];
      }
      // Only articles with two top actors or more make pairs.
      if ((code & (code - 1)) !== 0) hist[code]++;
    }
    const bits = new Int32Array(16);
    for (let code = 3; code < 65536; code++) {
      const a = hist[code];
      if (a === 0) continue;
      let k = 0;
      for (let t = 0; t < N; t++) if ((code >> t) & 1) bits[k++] = t;
      for (let x = 0; x < k; x++)
        for (let y = x + 1; y < k; y++) {
          pair[bits[x] * N + bits[y]] += a;
          pair[bits[y] * N + bits[x]] += a;
        }
    }
  }

  #grid(f: Filters, n: number, kinds: readonly string[] | null, byActors: boolean): CoMentionRow[] {
    // Actors × topics by countries and dates only: from the month totals when built (prepareTallies), no scan.
    const months = byActors ? null : this.#tallyByMonth(f, true);
    // Otherwise, by countries, dates and at most one topic: the counts from the month totals, and only the selected
    // rows visited (#indexedSelection; actors × actors at 1M articles, all countries: 104–113 → ~18 ms in Node).
    // Else a scan of every article (#select).
    // (An actors × topics grid still reads every selected article's mentions: past an eighth of the articles, the
    // sequential scan reads them faster than the rows picked country by country.)
    const indexed = months ? null : this.#indexedSelection(f, byActors ? Infinity : this.nArticles * this.#indexedShare);
    const sel = months || indexed ? null : this.#select(f);
    const { count, entityCount, bitCount } = months ?? indexed ?? sel!;
    // Top-N among the entities of the chosen kinds mentioned in the selection: count DESC, entity_id.
    const kindSet = kinds ? new Set(kinds) : null;
    const cand: number[] = [];
    for (let k = 0; k < entityCount.length; k++) {
      if (entityCount[k] === 0) continue;
      if (kindSet && (this.#entKind[k] === null || !kindSet.has(this.#entKind[k]!))) continue;
      cand.push(k);
    }
    cand.sort((a, b) => entityCount[b] - entityCount[a] || this.#entRank[a] - this.#entRank[b]);
    const top = cand.slice(0, n);
    const N = top.length;
    if (N === 0) return [];
    const topOf = new Int32Array(entityCount.length).fill(-1);
    top.forEach((k, t) => (topOf[k] = t));
    const start = this.#start;
    const ent = this.#ent;

    // Columns: every topic of topic_defs, or the top actors (in their own order, which is the column order).
    const cols: { id: string; label: string; n: number; bit: number }[] = byActors
      ? top.map((k) => ({ id: this.#entId[k], label: this.#entLabel[k], n: entityCount[k], bit: -1 }))
      : this.#topics
          .map((t) => ({ id: t.id, label: t.label, n: t.bit >= 0 ? bitCount[t.bit] : 0, bit: t.bit }))
          .sort((a, b) => b.n - a.n || cmpBytes(a.id, b.id));
    const C = cols.length;
    const pair = new Float64Array(N * (byActors ? N : 64));
    const rows = indexed?.rows ?? sel?.rows ?? new Int32Array(0);
    if (months?.perBit) {
      const E = entityCount.length;
      const bits = months.perBit.length / E;
      for (let t = 0; t < N; t++) for (let b = 0; b < bits; b++) pair[t * 64 + b] = months.perBit[b * E + top[t]];
    } else if (byActors && N <= this.#maxByteActors && !this.#repeats && top.every((k) => this.#globalBit[k] >= 0)) {
      this.#actorPairsByGlobalBits(rows, count, top, N, pair);
    } else if (byActors && N <= this.#maxByteActors && !this.#repeats) {
      this.#actorPairsByBytes(rows, count, topOf, N, pair);
    } else if (byActors) {
      const buf = this.#here;
      for (let r = 0; r < count; r++) {
        const i = rows[r];
        let h = 0;
        for (let j = start[i], e = start[i + 1]; j < e; j++) {
          const t = topOf[ent[j]];
          if (t >= 0) buf[h++] = t;
        }
        for (let x = 0; x < h; x++) {
          const base = buf[x] * N;
          for (let y = 0; y < h; y++) if (buf[y] !== buf[x]) pair[base + buf[y]]++;
        }
      }
    } else if (indexed && this.#maskLo.length * N <= 4_000_000) {
      // Actors × topics of the selected rows: per (mask, top actor) mention counts, then spread over each mask's bits.
      const M = this.#maskLo.length;
      const mc = this.#maskCode;
      const byMaskTop = new Int32Array(M * N);
      for (let r = 0; r < count; r++) {
        const i = rows[r];
        const base = mc[i] * N;
        for (let j = start[i], e = start[i + 1]; j < e; j++) {
          const t = topOf[ent[j]];
          if (t >= 0) byMaskTop[base + t]++;
        }
      }
      for (let m = 0; m < M; m++) {
        const b0 = this.#maskBitStart[m];
        const b1 = this.#maskBitStart[m + 1];
        for (let t = 0; t < N && b0 < b1; t++) {
          const a = byMaskTop[m * N + t];
          if (a !== 0) for (let x = b0; x < b1; x++) pair[t * 64 + this.#maskBits[x]] += a;
        }
      }
    } else if (sel?.byMask) {
      const E = entityCount.length;
      const bm = sel.byMask;
      const M = this.#maskLo.length;
      for (let t = 0; t < N; t++) {
        const k = top[t];
        for (let m = 0; m < M; m++) {
          const a = bm[m * E + k];
          if (a === 0) continue;
          for (let x = this.#maskBitStart[m]; x < this.#maskBitStart[m + 1]; x++) pair[t * 64 + this.#maskBits[x]] += a;
        }
      }
    } else {
      const mc = this.#maskCode;
      const bitStart = this.#maskBitStart;
      const bits = this.#maskBits;
      for (let r = 0; r < count; r++) {
        const i = rows[r];
        const m = mc[i];
        const b0 = bitStart[m];
        const b1 = bitStart[m + 1];
        if (b0 === b1) continue;
        for (let j = start[i], e = start[i + 1]; j < e; j++) {
          const t = topOf[ent[j]];
          if (t < 0) continue;
          for (let x = b0; x < b1; x++) pair[t * 64 + bits[x]]++;
        }
      }
    }

    const total = count;
    const out: CoMentionRow[] = [];
    for (let t = 0; t < N; t++) {
      const k = top[t];
      const rn = entityCount[k];
      for (let c = 0; c < C; c++) {
        const col = cols[c];
        if (byActors && c === t) continue;
        const a = byActors ? pair[t * N + c] : col.bit >= 0 ? pair[t * 64 + col.bit] : 0;
        out.push({
          row_id: this.#entId[k],
          row_label: this.#entLabel[k],
          row_kind: this.#entKind[k] as EntityKind,
          row_articles: rn,
          col_id: col.id,
          col_label: col.label,
          col_articles: col.n,
          articles: a,
          jaccard: a / (rn + col.n - a),
          pmi: a === 0 ? null : Math.log2((a * total) / (rn * col.n)),
          value: null
        });
      }
    }
    return out;
  }
}

/** First position in list[0, n) (rows in date order) whose day is >= day. */
function lowerBound(date: Int32Array, list: Int32Array, n: number, day: number): number {
  let a = 0;
  let z = n;
  while (a < z) {
    const mid = (a + z) >> 1;
    if (date[list[mid]] < day) a = mid + 1;
    else z = mid;
  }
  return a;
}

/**
 * Adds a byte-pair histogram's counts to `pair` (N × N): cell ((p * C + q) << 16) | (byte p << 8) | byte q, p <= q,
 * counts the articles with those two bytes; bit b of the byte sequence stands for actor actorOfBit[b].
 */
function expandPairHistogram(hist: Int32Array, C: number, actorOfBit: Int32Array, N: number, pair: Float64Array): void {
  for (let p = 0; p < C; p++) {
    for (let q = p; q < C; q++) {
      const base = (p * C + q) << 16;
      for (let v = 0; v < 65536; v++) {
        const a = hist[base + v];
        if (a === 0) continue;
        const bp = v >> 8;
        const bq = v & 255;
        for (let x = 0; x < 8; x++) {
          if (((bp >> x) & 1) === 0) continue;
          const tx = actorOfBit[p * 8 + x];
          for (let y = 0; y < 8; y++) {
            if (((bq >> y) & 1) === 0) continue;
            const ty = actorOfBit[q * 8 + y];
            if (tx === ty) continue;
            pair[tx * N + ty] += a;
            if (p !== q) pair[ty * N + tx] += a;
          }
        }
      }
    }
  }
}
