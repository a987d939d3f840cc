/**
 * The trends chart and the filter options computed in JS from `topic_buckets` held as typed arrays (an in-memory
 * cube, ~130k rows at 1M articles), so the first chart needs no DuckDB and a filter change is one scan of the cube
 * (a few ms) instead of a DuckDB round trip. `buildTopicTrendQuery` (trends.ts) stays the reference: tests/queries
 * asserts identical rows on the fixture. Only the days a date range cuts from a stored week/month are not in the
 * cube; they come from `buildTopicTrendEdgeQuery` (article_counts, DuckDB) and are merged with `edges`.
 */
import type { Filters } from '$lib/filters';
import type { Granularity } from './sql';
import type { TopicTrendHitRow, UndatedCountRow } from './trends';
import type { ArticlesPerBucketRow, CountByCountryRow, CountByLangRow, CountBySourceRow, OverviewTotalsRow, TopicShareRow } from './overview';
import type {
  CountryOptionRow,
  DateExtentRow,
  EntityOptionRow,
  LangOptionRow,
  SourceOptionRow,
  TopicOptionRow
} from './options';
import type { EntityKind, Lang } from '$lib/schema';

const DAY_MS = 86_400_000;
/** Day number (days since 1970-01-01, UTC) of an ISO date. */
export function isoToDay(s: string): number {
  return Math.round(Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS);
}
export function dayToIso(d: number): string {
  return new Date(d * DAY_MS).toISOString().slice(0, 10);
}
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Start of the bucket of `day` (a stored week or month start) at `g`, ISO. Weeks and months are stored as is. */
function truncIso(day: number, g: Granularity): string {
  const iso = dayToIso(day);
  if (g === 'week' || g === 'month') return iso;
  if (g === 'year') return `${iso.slice(0, 4)}-01-01`;
  const m = Number(iso.slice(5, 7));
  return `${iso.slice(0, 4)}-${pad2(Math.floor((m - 1) / 3) * 3 + 1)}-01`;
}
/** First day after the stored bucket starting at `day`. */
function storedEnd(day: number, step: 'week' | 'month'): number {
  if (step === 'week') return day + 7;
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS);
}

const NULL_DAY = -2147483648;

/** Column-wise input: one entry per topic_buckets row (null where SQL has NULL). */
export interface CubeColumns {
  length: number;
  step: (i: number) => string;
  /** Day number of the bucket start, or null. */
  bucket: (i: number) => number | null;
  country: (i: number) => string | null;
  source_id: (i: number) => string | null;
  source_name: (i: number) => string | null;
  lang: (i: number) => string | null;
  topic_id: (i: number) => string | null;
  articles: (i: number) => number;
  first_date: (i: number) => number | null;
  last_date: (i: number) => number | null;
}

/** Interns values as small integer codes; code order is first-seen order. */
class Dict {
  readonly values: (string | null)[] = [];
  readonly #index = new Map<string | null, number>();
  code(v: string | null): number {
    let c = this.#index.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.#index.set(v, c);
    }
    return c;
  }
  /** The code of `v`, or -1 when never seen (does not add it). */
  find(v: string | null): number {
    return this.#index.get(v) ?? -1;
  }
  /** Per code: does the value pass an `IN (list)` filter (empty list = no filter; NULL never passes one)? */
  mask(list: readonly string[]): Uint8Array {
    const m = new Uint8Array(this.values.length);
    const set = new Set(list);
    for (let c = 0; c < m.length; c++) m[c] = list.length === 0 || (this.values[c] !== null && set.has(this.values[c]!)) ? 1 : 0;
    return m;
  }
}

/** ASCII-first byte order, as DuckDB sorts VARCHAR (JS `<` on UTF-16 agrees for the ids used here). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** NULLS LAST. */
const cmpNullLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : cmp(a, b));

export interface TrendCubeOptions {
  granularity: Granularity;
  byCountry: boolean;
}

/** An edge cell (see `buildTopicTrendEdgeQuery`): already at the output granularity; topic_id null = all articles. */
export interface TrendEdgeRow {
  bucket: string;
  country: string | null;
  topic_id: string | null;
  articles: number;
}

export class TopicCube {
  readonly n: number;
  /** 0 = week, 1 = month. */
  readonly step: Uint8Array;
  /** Code into `bucketDays`, -1 for NULL (undated). */
  readonly bucket: Int32Array;
  readonly country: Int32Array;
  readonly source: Int32Array;
  readonly lang: Int32Array;
  /** Code into `topics`, -1 for the group-total row. */
  readonly topic: Int32Array;
  readonly articles: Int32Array;
  readonly bucketDays: number[] = [];
  readonly countries = new Dict();
  readonly sources = new Dict();
  readonly langs = new Dict();
  readonly topics = new Dict();
  /** First non-null source_name per source code. */
  readonly sourceNames: (string | null)[] = [];
  /** min(first_date) / max(last_date) over every article (month total rows), as day numbers. */
  minDay = Infinity;
  maxDay = -Infinity;
  /** Per row: first_date / last_date as day numbers (NULL_DAY for NULL). */
  readonly firstDay: Int32Array;
  readonly lastDay: Int32Array;

  constructor(c: CubeColumns) {
    const n = (this.n = c.length);
    this.step = new Uint8Array(n);
    this.bucket = new Int32Array(n);
    this.country = new Int32Array(n);
    this.source = new Int32Array(n);
    this.lang = new Int32Array(n);
    this.topic = new Int32Array(n);
    this.articles = new Int32Array(n);
    this.firstDay = new Int32Array(n);
    this.lastDay = new Int32Array(n);
    const bIndex = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const month = c.step(i) === 'month';
      this.step[i] = month ? 1 : 0;
      const b = c.bucket(i);
      if (b === null) this.bucket[i] = -1;
      else {
        let code = bIndex.get(b);
        if (code === undefined) {
          code = this.bucketDays.length;
          this.bucketDays.push(b);
          bIndex.set(b, code);
        }
        this.bucket[i] = code;
      }
      this.country[i] = this.countries.code(c.country(i));
      const s = (this.source[i] = this.sources.code(c.source_id(i)));
      if (this.sourceNames[s] === undefined || this.sourceNames[s] === null) this.sourceNames[s] = c.source_name(i);
      this.lang[i] = this.langs.code(c.lang(i));
      const t = c.topic_id(i);
      this.topic[i] = t === null ? -1 : this.topics.code(t);
      this.articles[i] = c.articles(i);
      const fd = c.first_date(i);
      const ld = c.last_date(i);
      this.firstDay[i] = fd ?? NULL_DAY;
      this.lastDay[i] = ld ?? NULL_DAY;
      if (month && t === null) {
        if (fd !== null && fd < this.minDay) this.minDay = fd;
        if (ld !== null && ld > this.maxDay) this.maxDay = ld;
      }
    }
  }

  readonly #names = new Map<Granularity, string[]>();
  readonly #ends = new Map<string, Float64Array>();
  /** Per bucket code: the ISO start of its bucket at `g` (computed once per time step). */
  #bucketNames(g: Granularity): string[] {
    let v = this.#names.get(g);
    if (!v) this.#names.set(g, (v = this.bucketDays.map((d) => truncIso(d, g))));
    return v;
  }
  /** Per bucket code: the first day after it, as a stored week or month. */
  #bucketEnds(step: 'week' | 'month'): Float64Array {
    let v = this.#ends.get(step);
    if (!v) this.#ends.set(step, (v = Float64Array.from(this.bucketDays, (d) => storedEnd(d, step))));
    return v;
  }

  /**
   * The overview (see overviewFromDayCounts) from the month rows alone, when they answer it exactly: no topics filter
   * (articles with any of several topics, and topic co-occurrence, need article_counts' topic sets) and a date range
   * of whole months. Null otherwise. At 1M articles this is ~100k rows, already in memory at start-up.
   */
  overview(f: Filters, topicDefs: readonly TopicDefLite[]): OverviewCounts | null {
    if (f.topics.length || TopicCube.cutsBuckets(f, 'month')) return null;
    const cMask = this.countries.mask(f.countries);
    const sMask = this.sources.mask(f.sources);
    const lMask = this.langs.mask(f.langs);
    const from = f.from ? isoToDay(f.from) : null;
    const to = f.to ? isoToDay(f.to) : null;
    const acc = new OverviewAcc(this);
    for (let i = 0; i < this.n; i++) {
      if (this.step[i] !== 1 || !cMask[this.country[i]] || !sMask[this.source[i]] || !lMask[this.lang[i]]) continue;
      const b = this.bucket[i];
      const day = b < 0 ? null : this.bucketDays[b];
      if ((from !== null || to !== null) && day === null) continue;
      if ((from !== null && day! < from) || (to !== null && day! > to)) continue;
      const t = this.topic[i];
      if (t >= 0) acc.addTopic(this.topics.values[t]!, this.articles[i]);
      else {
        const first = this.firstDay[i] === NULL_DAY ? null : this.firstDay[i];
        const last = this.lastDay[i] === NULL_DAY ? null : this.lastDay[i];
        acc.add(this.country[i], this.source[i], this.lang[i], this.articles[i], day, first, last);
      }
    }
    return acc.result(topicDefs);
  }

  /** From plain rows (DuckDB answers: dates as 'YYYY-MM-DD'), for tests and Node. */
  static fromRows(rows: readonly Record<string, unknown>[]): TopicCube {
    const day = (v: unknown) => (v === null || v === undefined ? null : isoToDay(String(v).slice(0, 10)));
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    return new TopicCube({
      length: rows.length,
      step: (i) => String(rows[i].step),
      bucket: (i) => day(rows[i].bucket),
      country: (i) => str(rows[i].country),
      source_id: (i) => str(rows[i].source_id),
      source_name: (i) => str(rows[i].source_name),
      lang: (i) => str(rows[i].lang),
      topic_id: (i) => str(rows[i].topic_id),
      articles: (i) => Number(rows[i].articles),
      first_date: (i) => day(rows[i].first_date),
      last_date: (i) => day(rows[i].last_date)
    });
  }

  /**
   * Does the date range cut a stored bucket (week for weeks, month otherwise)? Then the cut days are not in the cube
   * and `trend` needs the rows of `buildTopicTrendEdgeQuery` as `edges`.
   */
  static cutsBuckets(f: Pick<Filters, 'from' | 'to'>, g: Granularity): boolean {
    const step = g === 'week' ? 'week' : 'month';
    if (f.from) {
      const d = isoToDay(f.from);
      // 1970-01-01 was a Thursday: Monday = day % 7 === 4.
      if (step === 'week' ? (((d % 7) + 7) % 7) !== 4 : f.from.slice(8) !== '01') return true;
    }
    if (f.to) {
      const next = isoToDay(f.to) + 1;
      if (step === 'week' ? (((next % 7) + 7) % 7) !== 4 : dayToIso(next).slice(8) !== '01') return true;
    }
    return false;
  }

  /**
   * The rows `buildTopicTrendQuery(f, { ...o, measure })` returns, in its order: whole stored buckets inside the
   * range from the cube, plus `edges` (required when `cutsBuckets`).
   */
  trend(f: Filters, o: TrendCubeOptions, edges: readonly TrendEdgeRow[] = []): TopicTrendHitRow[] {
    const g = o.granularity;
    const stored = g === 'week' ? 0 : 1;
    const storedName = g === 'week' ? 'week' : 'month';
    const from = f.from ? isoToDay(f.from) : -Infinity;
    const toNext = f.to ? isoToDay(f.to) + 1 : Infinity;
    // Output bucket per stored bucket code (-1: outside the range). Output buckets are indexed by their ISO string.
    const outIndex = new Map<string, number>();
    const outNames: string[] = [];
    const outOf = (iso: string) => {
      let k = outIndex.get(iso);
      if (k === undefined) {
        k = outNames.length;
        outNames.push(iso);
        outIndex.set(iso, k);
      }
      return k;
    };
    const bOut = new Int32Array(this.bucketDays.length);
    const names = this.#bucketNames(g);
    const ends = this.#bucketEnds(storedName);
    for (let b = 0; b < bOut.length; b++) {
      const d = this.bucketDays[b];
      bOut[b] = d >= from && ends[b] <= toNext ? outOf(names[b]) : -1;
    }
    for (const e of edges) outOf(e.bucket.slice(0, 10));
    const nOut = outNames.length;
    const cMask = this.countries.mask(f.countries);
    const sMask = this.sources.mask(f.sources);
    const lMask = this.langs.mask(f.langs);
    const nC = o.byCountry ? this.countries.values.length : 1;
    const nT = this.topics.values.length;
    const tMask = this.topics.mask(f.topics);
    const tot = new Float64Array(nOut * nC);
    const hit = new Float64Array(nOut * nC * nT);
    const { step, bucket, country, source, lang, topic, articles } = this;
    const byCountry = o.byCountry;
    for (let i = 0; i < this.n; i++) {
      if (step[i] !== stored) continue;
      const b = bucket[i];
      if (b < 0) continue;
      const ob = bOut[b];
      if (ob < 0) continue;
      const c = country[i];
      if (!cMask[c] || !sMask[source[i]] || !lMask[lang[i]]) continue;
      const cell = ob * nC + (byCountry ? c : 0);
      const t = topic[i];
      if (t < 0) tot[cell] += articles[i];
      else if (tMask[t]) hit[cell * nT + t] += articles[i];
    }
    for (const e of edges) {
      const ob = outIndex.get(e.bucket.slice(0, 10))!;
      const c = byCountry ? this.countries.find(e.country) : 0;
      // Every dated article has its group's rows in topic_buckets, so an edge's country is always known.
      if (c < 0) throw new Error(`topic cube: edge row of unknown country ${e.country}`);
      const cell = ob * nC + c;
      if (e.topic_id === null) tot[cell] += Number(e.articles);
      else {
        const t = this.topics.find(e.topic_id);
        if (t >= 0 && tMask[t]) hit[cell * nT + t] += Number(e.articles);
      }
    }
    // Output order: bucket, country NULLS LAST, topic_id NULLS LAST.
    const bOrder = outNames.map((_, k) => k).sort((a, b) => cmp(outNames[a], outNames[b]));
    const cVals = byCountry ? this.countries.values.slice(0, nC) : [null];
    const cOrder = cVals.map((_, k) => k).sort((a, b) => cmpNullLast(cVals[a], cVals[b]));
    const tVals = this.topics.values as string[];
    const tOrder = tVals.map((_, k) => k).sort((a, b) => cmp(tVals[a], tVals[b]));
    const out: TopicTrendHitRow[] = [];
    for (const ob of bOrder) {
      const bucketIso = outNames[ob];
      for (const c of cOrder) {
        const cell = ob * nC + c;
        const total = tot[cell];
        if (!(total > 0)) continue;
        const cName = byCountry ? cVals[c] : null;
        let any = false;
        const base = cell * nT;
        for (const t of tOrder) {
          const a = hit[base + t];
          if (a > 0) {
            out.push({ bucket: bucketIso, country: cName, topic_id: tVals[t], articles: a, total });
            any = true;
          }
        }
        if (!any) out.push({ bucket: bucketIso, country: cName, topic_id: null, articles: 0, total });
      }
    }
    return out;
  }

  /** `buildUndatedCountQuery(f)` when `f.topics` is empty (the date range is ignored there, as in SQL). */
  undated(f: Filters): UndatedCountRow {
    const cMask = this.countries.mask(f.countries);
    const sMask = this.sources.mask(f.sources);
    const lMask = this.langs.mask(f.langs);
    let dated = 0;
    let undated = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.step[i] !== 1 || this.topic[i] !== -1) continue;
      if (!cMask[this.country[i]] || !sMask[this.source[i]] || !lMask[this.lang[i]]) continue;
      if (this.bucket[i] < 0) undated += this.articles[i];
      else dated += this.articles[i];
    }
    return { dated, undated };
  }

  /** Articles per code of `dim`, over month rows that are group totals (topic -1) or, for topics, topic rows. */
  #sums(dim: Int32Array, size: number, topicRows: boolean): Float64Array {
    const s = new Float64Array(size);
    for (let i = 0; i < this.n; i++) {
      if (this.step[i] !== 1 || (this.topic[i] === -1) === topicRows) continue;
      s[dim[i]] += this.articles[i];
    }
    return s;
  }

  /** The filter-bar options of options.ts, same rows and order. */
  options(
    topicDefs: readonly { topic_id: string; label_en: string; color: string; core: boolean }[],
    entities: readonly { entity_id: string; label_en: string; kind: EntityKind; country: string | null }[],
    entityArticles: readonly { entity_id: string; articles: number }[]
  ): {
    countries: CountryOptionRow[];
    sources: SourceOptionRow[];
    langs: LangOptionRow[];
    topics: TopicOptionRow[];
    entities: EntityOptionRow[];
    extent: DateExtentRow;
  } {
    const byCount = <T extends { articles: number }>(key: (r: T) => string | null) => (a: T, b: T) =>
      b.articles - a.articles || cmpNullLast(key(a), key(b));
    const cs = this.#sums(this.country, this.countries.values.length, false);
    const countries = this.countries.values
      .map((c, k) => ({ country: c as string, articles: cs[k] }))
      .filter((r) => r.country !== null && r.articles > 0)
      .sort(byCount((r) => r.country));
    const ss = this.#sums(this.source, this.sources.values.length, false);
    // any_value(country) per source: the first total row's.
    const srcCountry = new Map<number, string | null>();
    for (let i = 0; i < this.n; i++) {
      if (this.step[i] === 1 && this.topic[i] === -1 && !srcCountry.has(this.source[i])) {
        srcCountry.set(this.source[i], this.countries.values[this.country[i]]);
      }
    }
    const sources = this.sources.values
      .map((s, k) => ({
        source_id: s as string,
        source_name: this.sourceNames[k] ?? (s as string),
        country: srcCountry.get(k) ?? null,
        articles: ss[k]
      }))
      .filter((r) => r.source_id !== null && r.articles > 0)
      .sort(byCount((r) => r.source_id));
    const ls = this.#sums(this.lang, this.langs.values.length, false);
    const langs = this.langs.values
      .map((l, k) => ({ lang: l as Lang, articles: ls[k] }))
      .filter((r) => r.articles > 0)
      .sort(byCount((r) => r.lang));
    const ts = this.#sums(this.topic.map((t) => (t < 0 ? 0 : t)), this.topics.values.length, true);
    const tArticles = new Map(this.topics.values.map((t, k) => [t as string, ts[k]]));
    const topics = topicDefs
      .map((d) => ({ topic_id: d.topic_id, label_en: d.label_en, color: d.color, core: d.core, articles: tArticles.get(d.topic_id) ?? 0 }))
      .sort((a, b) => Number(b.core) - Number(a.core) || b.articles - a.articles || cmp(a.topic_id, b.topic_id));
    const ea = new Map(entityArticles.map((e) => [e.entity_id, Number(e.articles)]));
    const ents = entities
      .map((e) => ({ entity_id: e.entity_id, label_en: e.label_en, kind: e.kind, country: e.country, articles: ea.get(e.entity_id) ?? 0 }))
      .sort((a, b) => b.articles - a.articles || cmp(a.entity_id, b.entity_id));
    const extent: DateExtentRow = {
      min_date: Number.isFinite(this.minDay) ? dayToIso(this.minDay) : null,
      max_date: Number.isFinite(this.maxDay) ? dayToIso(this.maxDay) : null
    };
    return { countries, sources, langs, topics, entities: ents, extent };
  }
}

/** Column-wise article_counts (see schema.ts ArticleCountRow); dates as day numbers. */
export interface DayCountColumns {
  length: number;
  date: (i: number) => number | null;
  country: (i: number) => string | null;
  source_id: (i: number) => string | null;
  lang: (i: number) => string | null;
  topic_mask: (i: number) => number | bigint;
  articles: (i: number) => number;
}

const NO_DATE = 2147483647;

/** A string column as codes into its own values (first-seen order), e.g. for moving it between threads. */
export interface CodedStrings {
  codes: Int32Array;
  values: (string | null)[];
}

/**
 * article_counts decoded, as DayCounts reads it, without the topic cube: the string columns coded by first sight.
 * Built where the table is decoded (days-worker.ts, off the main thread); `DayCounts` then only maps the codes.
 */
export interface DayCountsCoded {
  length: number;
  /** Day numbers; NO_DATE (2147483647) for none. */
  date: Int32Array;
  country: CodedStrings;
  source_id: CodedStrings;
  lang: CodedStrings;
  maskLo: Uint32Array;
  maskHi: Uint32Array;
  articles: Int32Array;
}

/** The columns of article_counts as DayCountsCoded (pure; its typed arrays can be transferred). */
export function codeDayCounts(c: DayCountColumns): DayCountsCoded {
  const n = c.length;
  const coded = (get: (i: number) => string | null): CodedStrings => {
    const d = new Dict();
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = d.code(get(i));
    return { codes, values: d.values };
  };
  const date = new Int32Array(n);
  const maskLo = new Uint32Array(n);
  const maskHi = new Uint32Array(n);
  const articles = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const d = c.date(i);
    date[i] = d === null ? NO_DATE : d;
    const m = c.topic_mask(i);
    if (typeof m === 'bigint') {
      maskLo[i] = Number(m & 0xffffffffn);
      maskHi[i] = Number((m >> 32n) & 0xffffffffn);
    } else {
      maskLo[i] = m % 4294967296;
      maskHi[i] = Math.floor(m / 4294967296);
    }
    articles[i] = c.articles(i);
  }
  return { length: n, date, country: coded(c.country), source_id: coded(c.source_id), lang: coded(c.lang), maskLo, maskHi, articles };
}

/** The typed arrays of a DayCountsCoded, to transfer. */
export function dayCountsTransferables(c: DayCountsCoded): ArrayBuffer[] {
  return [c.date, c.country.codes, c.source_id.codes, c.lang.codes, c.maskLo, c.maskHi, c.articles].map((a) => a.buffer as ArrayBuffer);
}

/**
 * article_counts as typed arrays, sorted by date (as the pipeline writes it), sharing the cube's value codes: the
 * days a date range cuts from a stored week or month, i.e. what `buildTopicTrendEdgeQuery` answers, found by binary
 * search and summed here, so no filter change on the trends page waits for DuckDB.
 */
export class DayCounts {
  readonly n: number;
  readonly date: Int32Array;
  readonly country: Int32Array;
  readonly source: Int32Array;
  readonly lang: Int32Array;
  readonly maskLo: Uint32Array;
  readonly maskHi: Uint32Array;
  readonly articles: Int32Array;

  /**
   * From article_counts' columns, or from them coded elsewhere (codeDayCounts, e.g. in a worker): either way the
   * cube's dictionaries code the string values in the order the rows first show them. `topicIds`: topic_defs ids; bit
   * i of a mask is the i-th in byte order (schema.ts MAX_MASK_TOPICS).
   */
  constructor(
    c: DayCountColumns | DayCountsCoded,
    readonly cube: TopicCube,
    topicIds: readonly string[]
  ) {
    const k = 'maskLo' in c ? c : codeDayCounts(c);
    const n = (this.n = k.length);
    this.date = k.date;
    this.maskLo = k.maskLo;
    this.maskHi = k.maskHi;
    this.articles = k.articles;
    const recode = (s: CodedStrings, dict: Dict) => {
      const map = Int32Array.from(s.values, (v) => dict.code(v));
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = map[s.codes[i]];
      return out;
    };
    this.country = recode(k.country, cube.countries);
    this.source = recode(k.source_id, cube.sources);
    this.lang = recode(k.lang, cube.langs);
    for (let i = 1; i < n; i++) if (this.date[i] < this.date[i - 1]) throw new Error('article_counts is not sorted by date');
    this.bitTopics = [...topicIds].sort(cmp);
  }
  /** Topic id of each mask bit (bit i = the i-th topic_id in byte order). */
  readonly bitTopics: string[];

  /** The mask bits of `topics` (ids missing from topic_defs have none), split in 32-bit halves. */
  topicBits(topics: readonly string[]): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (const id of topics) {
      const t = this.bitTopics.indexOf(id);
      if (t < 0) continue;
      if (t < 32) lo |= 1 << t;
      else hi |= 1 << (t - 32);
    }
    return { lo, hi };
  }

  static fromRows(rows: readonly Record<string, unknown>[], cube: TopicCube, topicIds: readonly string[]): DayCounts {
    const day = (v: unknown) => (v === null || v === undefined ? null : isoToDay(String(v).slice(0, 10)));
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    // Sorted as the pipeline writes the file (date NULLS LAST); the order within a day does not matter.
    const sorted = [...rows].sort((a, b) => (day(a.date) ?? NO_DATE) - (day(b.date) ?? NO_DATE));
    return new DayCounts(
      {
        length: sorted.length,
        date: (i) => day(sorted[i].date),
        country: (i) => str(sorted[i].country),
        source_id: (i) => str(sorted[i].source_id),
        lang: (i) => str(sorted[i].lang),
        topic_mask: (i) => sorted[i].topic_mask as number | bigint,
        articles: (i) => Number(sorted[i].articles)
      },
      cube,
      topicIds
    );
  }

  /** First row with date ≥ day. */
  lowerBound(day: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.date[mid] < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The rows of `buildTopicTrendEdgeQuery(f, o)` (any order; summed per bucket × country × topic). */
  edges(f: Filters, o: TrendCubeOptions): TrendEdgeRow[] {
    if (!f.from && !f.to) return [];
    const step = o.granularity === 'week' ? 'week' : 'month';
    const from = f.from ? isoToDay(f.from) : null;
    const toNext = f.to ? isoToDay(f.to) + 1 : null;
    // [from, first whole bucket) and [end of the last whole bucket, to]: the cut days.
    const windows: [number, number][] = [];
    const first = from === null ? null : nextStart(from, step);
    if (from !== null) windows.push([from, toNext === null ? first! : Math.min(first!, toNext)]);
    if (toNext !== null) {
      const lastEnd = storedStartOf(toNext, step);
      const lo = Math.max(lastEnd, from ?? -Infinity, first ?? -Infinity);
      windows.push([lo, toNext]);
    }
    const cMask = this.cube.countries.mask(f.countries);
    const sMask = this.cube.sources.mask(f.sources);
    const lMask = this.cube.langs.mask(f.langs);
    const cells = new Map<string, TrendEdgeRow>();
    const add = (bucket: string, country: string | null, topic_id: string | null, n: number) => {
      const k = `${bucket}|${country}|${topic_id}`;
      const e = cells.get(k);
      if (e) e.articles += n;
      else cells.set(k, { bucket, country, topic_id, articles: n });
    };
    const names = new Map<number, string>();
    const nBits = this.bitTopics.length;
    for (const [a, b] of windows) {
      if (!(a < b)) continue;
      for (let i = this.lowerBound(a); i < this.n && this.date[i] < b; i++) {
        if (!cMask[this.country[i]] || !sMask[this.source[i]] || !lMask[this.lang[i]]) continue;
        const d = this.date[i];
        let bucket = names.get(d);
        if (bucket === undefined) names.set(d, (bucket = truncIso(storedStartOf(d, step), o.granularity)));
        const country = o.byCountry ? this.cube.countries.values[this.country[i]] : null;
        const n = this.articles[i];
        add(bucket, country, null, n);
        const lo = this.maskLo[i];
        const hi = this.maskHi[i];
        for (let t = 0; t < nBits; t++) {
          if (t < 32 ? (lo >>> t) & 1 : (hi >>> (t - 32)) & 1) add(bucket, country, this.bitTopics[t], n);
        }
      }
    }
    return [...cells.values()];
  }
}

/** The overview's counts (queries/overview.ts builders, same rows in the same order), from `DayCounts.overview`. */
export interface OverviewCounts {
  totals: OverviewTotalsRow[];
  byCountry: CountByCountryRow[];
  byLang: CountByLangRow[];
  bySource: CountBySourceRow[];
  /** buildArticlesPerBucketQuery(f, 'month'). */
  coverage: ArticlesPerBucketRow[];
  topicShares: TopicShareRow[];
}

/** Topic definitions as the overview shows them (topic_defs; app options carry them). */
export interface TopicDefLite {
  topic_id: string;
  label_en: string;
  color: string;
  core: boolean;
}

/** First day of the month holding `day`, as a day number. */
function monthStart(day: number): number {
  return storedStartOf(day, 'month');
}

/** Rows of `byCode` (code → articles) as [value, articles], by articles desc then value (NULLS LAST). */
function ranked(byCode: Map<number, number>, values: readonly (string | null)[]): [string | null, number][] {
  return [...byCode].map(([c, n]): [string | null, number] => [values[c], n]).sort((a, b) => b[1] - a[1] || cmpNullLast(a[0], b[0]));
}

/**
 * The overview's sums, fed by groups of articles (article_counts rows or month total rows of the cube). Indexed by
 * dictionary code in typed arrays (the dictionaries are complete once the cube and DayCounts are built), so a row is
 * a few array additions, not Map lookups; `months` keeps one per-country array per month, the last one at hand.
 */
class OverviewAcc {
  total = 0;
  dated = 0;
  minDay = Infinity;
  maxDay = -Infinity;
  readonly byCountry: Float64Array;
  readonly byLang: Float64Array;
  readonly bySource: Float64Array;
  /** Per code: was any group of it added (even of 0 articles, as a GROUP BY row would be)? */
  readonly seenCountry: Uint8Array;
  readonly seenLang: Uint8Array;
  readonly seenSource: Uint8Array;
  /** Per source code: the first non-null country code seen (SQL's any_value skips NULLs), -1 for none. */
  readonly sourceCountry: Int32Array;
  /** Month start day → articles per country code. */
  readonly months = new Map<number, Float64Array>();
  readonly monthCountries: Uint8Array;
  readonly perTopic = new Map<string, number>();
  #lastMonth = NaN;
  #lastRow: Float64Array | null = null;

  constructor(private readonly cube: TopicCube) {
    this.byCountry = new Float64Array(cube.countries.values.length);
    this.byLang = new Float64Array(cube.langs.values.length);
    this.bySource = new Float64Array(cube.sources.values.length);
    this.seenCountry = new Uint8Array(cube.countries.values.length);
    this.seenLang = new Uint8Array(cube.langs.values.length);
    this.seenSource = new Uint8Array(cube.sources.values.length);
    this.sourceCountry = new Int32Array(cube.sources.values.length).fill(-1);
    this.monthCountries = new Uint8Array(cube.countries.values.length);
  }

  /** `n` articles of one country/source/lang, dated within [first, last] of `month` (null: undated). */
  add(c: number, s: number, l: number, n: number, month: number | null, first: number | null, last: number | null): void {
    this.total += n;
    this.byCountry[c] += n;
    this.byLang[l] += n;
    this.bySource[s] += n;
    this.seenCountry[c] = 1;
    this.seenLang[l] = 1;
    this.seenSource[s] = 1;
    if (this.sourceCountry[s] < 0 && this.cube.countries.values[c] !== null) this.sourceCountry[s] = c;
    if (month === null) return;
    this.dated += n;
    if (first !== null && first < this.minDay) this.minDay = first;
    if (last !== null && last > this.maxDay) this.maxDay = last;
    let row = this.#lastRow;
    if (month !== this.#lastMonth || !row) {
      row = this.months.get(month) ?? null;
      if (!row) this.months.set(month, (row = new Float64Array(this.byCountry.length)));
      this.#lastMonth = month;
      this.#lastRow = row;
    }
    row[c] += n;
    this.monthCountries[c] = 1;
  }

  addTopic(topicId: string, n: number): void {
    this.perTopic.set(topicId, (this.perTopic.get(topicId) ?? 0) + n);
  }

  /** The codes added (`seen`), with their sums, for `ranked`. */
  static #added(sums: Float64Array, seen: Uint8Array): Map<number, number> {
    const m = new Map<number, number>();
    for (let c = 0; c < sums.length; c++) if (seen[c]) m.set(c, sums[c]);
    return m;
  }

  result(topicDefs: readonly TopicDefLite[]): OverviewCounts {
    const { cube, total } = this;
    const byCountry = OverviewAcc.#added(this.byCountry, this.seenCountry);
    const byLang = OverviewAcc.#added(this.byLang, this.seenLang);
    const bySource = OverviewAcc.#added(this.bySource, this.seenSource);
    const distinct = (m: Map<number, number>, values: readonly (string | null)[]) => [...m.keys()].filter((c) => values[c] !== null).length;
    const share = (n: number) => n / total;
    const coverage: ArticlesPerBucketRow[] = [];
    if (this.months.size) {
      const countries = [...this.monthCountries.keys()].filter((c) => this.monthCountries[c]).sort((a, b) => cmpNullLast(cube.countries.values[a], cube.countries.values[b]));
      const last = Math.max(...this.months.keys());
      for (let m = Math.min(...this.months.keys()); m <= last; m = storedEnd(m, 'month')) {
        const row = this.months.get(m);
        const bucket = dayToIso(m);
        for (const c of countries) coverage.push({ bucket, country: cube.countries.values[c], articles: row ? row[c] : 0 });
      }
    }
    return {
      totals: [
        {
          articles: total,
          dated: this.dated,
          undated: total - this.dated,
          min_date: Number.isFinite(this.minDay) ? dayToIso(this.minDay) : null,
          max_date: Number.isFinite(this.maxDay) ? dayToIso(this.maxDay) : null,
          countries: distinct(byCountry, cube.countries.values),
          sources: distinct(bySource, cube.sources.values),
          langs: distinct(byLang, cube.langs.values)
        }
      ],
      byCountry: ranked(byCountry, cube.countries.values).map(([country, articles]) => ({ country, articles, share: share(articles) })),
      byLang: ranked(byLang, cube.langs.values).map(([lang, articles]) => ({ lang: lang as Lang, articles, share: share(articles) })),
      bySource: [...bySource]
        .map(([c, articles]) => ({
          source_id: cube.sources.values[c],
          source_name: cube.sourceNames[c] ?? null,
          country: this.sourceCountry[c] >= 0 ? cube.countries.values[this.sourceCountry[c]] : null,
          articles,
          share: share(articles)
        }))
        .sort((a, b) => b.articles - a.articles || cmpNullLast(a.source_id, b.source_id)),
      coverage,
      topicShares: topicDefs
        .map((d) => {
          const articles = this.perTopic.get(d.topic_id) ?? 0;
          return { topic_id: d.topic_id, label_en: d.label_en, color: d.color, core: d.core, articles, total, share: total === 0 ? null : articles / total };
        })
        .sort((a, b) => b.articles - a.articles || cmp(a.topic_id, b.topic_id))
    };
  }
}

/**
 * The overview in one scan of article_counts, for every shared filter, without DuckDB: the rows of
 * buildOverviewTotalsQuery, buildCountsBy{Country,Lang,Source}Query, buildArticlesPerBucketQuery(f, 'month') and
 * buildTopicSharesQuery (tests/queries/cube.test.ts asserts the same rows on the fixture).
 */
export function overviewFromDayCounts(days: DayCounts, f: Filters, topicDefs: readonly TopicDefLite[]): OverviewCounts {
  const cube = days.cube;
  const cMask = cube.countries.mask(f.countries);
  const sMask = cube.sources.mask(f.sources);
  const lMask = cube.langs.mask(f.langs);
  const from = f.from ? isoToDay(f.from) : null;
  const to = f.to ? isoToDay(f.to) : null;
  const { lo: tLo, hi: tHi } = days.topicBits(f.topics);
  const anyTopic = f.topics.length > 0;
  const nBits = days.bitTopics.length;
  const perBit = new Float64Array(nBits);
  const acc = new OverviewAcc(cube);
  let lastDay = NaN;
  let lastMonth = 0;
  for (let i = from === null ? 0 : days.lowerBound(from); i < days.n; i++) {
    const d = days.date[i];
    const undated = d === NO_DATE;
    if ((from !== null || to !== null) && undated) break; // NULL dates sort last and fail any bound
    if (to !== null && d > to) break;
    if (!cMask[days.country[i]] || !sMask[days.source[i]] || !lMask[days.lang[i]]) continue;
    const mLo = days.maskLo[i];
    const mHi = days.maskHi[i];
    if (anyTopic && (mLo & tLo) === 0 && (mHi & tHi) === 0) continue;
    const n = days.articles[i];
    // Rows come by date: the month start is computed once per day seen, not per row.
    if (d !== lastDay) {
      lastDay = d;
      lastMonth = undated ? 0 : monthStart(d);
    }
    acc.add(days.country[i], days.source[i], days.lang[i], n, undated ? null : lastMonth, undated ? null : d, undated ? null : d);
    for (let t = 0; t < nBits; t++) if (t < 32 ? (mLo >>> t) & 1 : (mHi >>> (t - 32)) & 1) perBit[t] += n;
  }
  days.bitTopics.forEach((id, t) => acc.addTopic(id, perBit[t]));
  return acc.result(topicDefs);
}

/** Start of the stored week (Monday) or month holding `day`. */
function storedStartOf(day: number, step: 'week' | 'month'): number {
  if (step === 'week') return day - ((((day - 4) % 7) + 7) % 7);
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS);
}
/** `day` if it starts a stored bucket, else the next start. */
function nextStart(day: number, step: 'week' | 'month'): number {
  const s = storedStartOf(day, step);
  return s === day ? s : storedEnd(s, step);
}
