/**
 * Dates in Persian and Arabic news text.
 *
 * ## Publication-date rule (pickPublicationDate)
 * Dates written inside an article are usually EVENT dates, not its publication date. So:
 *   1. When `notAfter` is given (e.g. the crawl date), candidates after it are ignored.
 *   2. The LATEST remaining candidate is taken: news reports the most recent events, and
 *      older dates in a text are background ("founded in 1945", "born 6 Azar 1313").
 *   3. Its precision is downgraded one step, day -> month (month stays month, year stays
 *      year), because an article is published around, not on, the day of its event.
 *   4. No candidates -> null. Nothing is guessed: a date without a year (ششم آذر ماه,
 *      24 فيفري) and a bare year (سال ۲۰۲۲, عام 2015) never become candidates.
 *   Example: "... المنعقدة في جنيف خلال الفترة الممتدة من 24 إلى 26 فيفري 2025" gives
 *   2025-02-01, precision month.
 *
 * ## What extractDates recognises
 * - numeric: 2025-08-14, 2025/8/14 (year first), 14/08/2025, 14-8-2025, 14.08.2025 (day
 *   first; impossible dates such as 31/02/2020 are rejected). A year of 1300-1480 is Jalali
 *   (۱۴۰۲/۰۶/۰۴) and converted with jalaali-js, except in Arabic-script text with no Persian
 *   letters, where such numbers are lunar Hijri (30/8/1436) and skipped.
 * - named: [day] month [year] in Persian Jalali, Persian-Gregorian and the three Arabic
 *   naming systems (Mashriq يناير, Maghreb جانفي, Levantine كانون الثاني), with digit or
 *   ordinal-word days (ششم آذر ماه ۱۴۰۰, الثامن عشر من ديسمبر 2015) and a doubled name
 *   (فبراير/شباط 2016, كانون الثاني (يناير) 2015). Day+month+year -> precision day;
 *   month+year -> precision month.
 * - a day range (من 24 إلى 26 فيفري 2025, ۲۴ تا ۲۶ آذر ۱۴۰۰) is ONE candidate: its END day,
 *   with the whole range as evidence (the end is the latest day the event is known to cover).
 * - Hijri dates (14 شوال 1436 هـ, 30/8/1436هـ, ۱۴۳۶ ه.ق) are matched and dropped, so their
 *   numbers are never read as Gregorian or Jalali.
 * Plausible years: Gregorian 1900-2100, Jalali 1300-1480.
 *
 * A Jalali month at month precision maps to the Gregorian month holding its 15th day
 * (آذر ۱۴۰۰ = 22 Nov-21 Dec 2021 -> 2021-12-01): Jalali months start on the 19th-23rd, so
 * most of each Jalali month lies in the following Gregorian month.
 */
import { boundedMemo } from './memo';
import { readFileSync } from 'node:fs';
import { isValidJalaaliDate, toGregorian } from 'jalaali-js';
import { codesToString } from './normalize';

export type DatePrecision = 'day' | 'month' | 'year';

export interface DateCandidate {
  date: string;
  precision: DatePrecision;
  start: number;
  end: number;
  evidence: string;
  calendar: 'gregorian' | 'jalali';
}

type Calendar = 'gregorian' | 'jalali' | 'hijri';
type NameList = string[][];

const CONNECTOR_KEYS = [
  'day_of',
  'month_prefix',
  'month_suffix',
  'year_intro',
  'range_from',
  'range_to',
  'gregorian_year_suffix',
  'solar_year_suffix',
  'lunar_year_suffix'
] as const;

export interface MonthLexicon {
  families: Record<string, { label?: string; calendar: Calendar; months: NameList }>;
  metadata_months: { months: NameList };
  ordinals: { fa: { days: NameList }; ar: { days: NameList } };
  connectors: Record<(typeof CONNECTOR_KEYS)[number], string[]>;
}

export const GREGORIAN_YEARS = { min: 1900, max: 2100 } as const;
export const JALALI_YEARS = { min: 1300, max: 1480 } as const;

// ---------------------------------------------------------------------------------------
// Normalisation with an offset map, so matches on the normalised text point back into the
// original string.

const DROP = /[\u0640\u064B-\u065F\u0670\u06D6-\u06ED\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/;
const CHAR_MAP: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ك': 'ک', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا', 'ۀ': 'ه', 'ە': 'ه',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-'
};

export interface NormalizedText {
  text: string;
  /** map[i] = index in the original string of normalised char i; map[text.length] = original length */
  map: number[];
}

/** Per UTF-16 code unit: 0 = dropped, otherwise the replacement code (digits → ASCII, CHAR_MAP). Built once. */
const DATE_TABLE = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (DROP.test(ch)) continue;
    let out = c;
    if (c >= 0x06f0 && c <= 0x06f9) out = 0x30 + c - 0x06f0;
    else if (c >= 0x0660 && c <= 0x0669) out = 0x30 + c - 0x0660;
    else if (CHAR_MAP[ch]) out = CHAR_MAP[ch].charCodeAt(0);
    t[c] = out;
  }
  // U+0000 is kept as itself; 0 marks "dropped" for every other code.
  t[0] = 0;
  return t;
})();

export function normalizeForDates(original: string): NormalizedText {
  const len = original.length;
  const out = new Uint16Array(len);
  const map: number[] = [];
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = original.charCodeAt(i);
    const r = DATE_TABLE[c];
    if (r === 0 && c !== 0) continue;
    out[n++] = r;
    map.push(i);
  }
  map.push(len);
  return { text: codesToString(out, n), map };
}

const normWord = (w: string) => normalizeForDates(w).text.trim();

// ---------------------------------------------------------------------------------------
// Lexicon loading and validation (once).

export function loadMonthLexicon(raw: unknown): MonthLexicon {
  const lex = raw as MonthLexicon;
  const fail = (msg: string): never => {
    throw new Error(`months.json: ${msg}`);
  };
  if (!lex || typeof lex !== 'object' || !lex.families) fail('missing families');
  const twelve = (list: NameList | undefined, what: string) => {
    if (!Array.isArray(list) || list.length !== 12) fail(`${what} must list 12 months`);
    list!.forEach((names, i) => {
      if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || !n.trim()))
        fail(`${what} month ${i + 1} needs non-empty names`);
    });
  };
  for (const [key, fam] of Object.entries(lex.families)) {
    if (!['gregorian', 'jalali', 'hijri'].includes(fam.calendar)) fail(`${key}: bad calendar`);
    twelve(fam.months, key);
  }
  twelve(lex.metadata_months?.months, 'metadata_months');
  for (const lang of ['fa', 'ar'] as const) {
    const days = lex.ordinals?.[lang]?.days;
    if (!Array.isArray(days) || days.length !== 31) fail(`ordinals.${lang} must list 31 days`);
  }
  for (const k of CONNECTOR_KEYS) {
    const list = lex.connectors?.[k];
    if (!Array.isArray(list) || list.length === 0 || list.some((w) => typeof w !== 'string' || !w.trim()))
      fail(`connectors.${k} must be a non-empty list of words`);
  }
  // One spelling must mean one (calendar, month): آذار (March) and آذر (Jalali 9) differ.
  const seen = new Map<string, string>();
  for (const [key, fam] of Object.entries(lex.families))
    fam.months.forEach((names, i) => {
      for (const n of names) {
        const k = normWord(n);
        const v = `${fam.calendar}:${i + 1}`;
        if (seen.has(k) && seen.get(k) !== v) fail(`"${n}" in ${key} conflicts with ${seen.get(k)}`);
        seen.set(k, v);
      }
    });
  return lex;
}

export const monthLexicon: MonthLexicon = loadMonthLexicon(
  JSON.parse(readFileSync(new URL('./lexicons/months.json', import.meta.url), 'utf8'))
);

// ---------------------------------------------------------------------------------------
// Matchers compiled from a lexicon (cached per lexicon object).

interface MonthInfo {
  calendar: Calendar;
  month: number;
}

interface Matchers {
  named: RegExp;
  numeric: RegExp;
  months: Map<string, MonthInfo>;
  faOrdinals: Map<string, number>;
  arOrdinals: Map<string, number>;
  lunarSuffix: RegExp;
  solarSuffix: RegExp;
  gregorianSuffix: RegExp;
  /**
   * Most non-space characters any attempt of `named` or `numeric` reads from its start, with what yearSuffix reads
   * after a match (see extractDates' `before`).
   */
  maxSolid: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Multi-word names match with any (or no) space: ZWNJ is dropped, so بیست‌و‌یکم -> بیستویکم.
const wordRe = (w: string) => w.split(/\s+/).map(escapeRe).join('\\s*');
const alternation = (words: Iterable<string>) =>
  [...new Set([...words].map(normWord))]
    .sort((a, b) => b.length - a.length)
    .map(wordRe)
    .join('|');
/** key for Map lookups: matched text without spaces */
const key = (s: string) => s.replace(/\s+/g, '');

const B = '(?<![\\p{L}\\p{N}])'; // word start
const E = '(?!\\p{L})'; // word end; a digit may follow: حزيران/يونيو2011
// Arabic "and" is written joined to the next word: وشباط/فبراير 2012, وتموز (يوليو) 2015.
const B_OR_WA = '(?:(?<![\\p{L}\\p{N}])|(?<=(?<![\\p{L}\\p{N}])و))';

const cache = new WeakMap<MonthLexicon, Matchers>();

function matchersFor(lex: MonthLexicon): Matchers {
  const hit = cache.get(lex);
  if (hit) return hit;
  const months = new Map<string, MonthInfo>();
  const gregNames: string[] = [];
  for (const fam of Object.values(lex.families))
    fam.months.forEach((names, i) =>
      names.forEach((n) => {
        months.set(key(normWord(n)), { calendar: fam.calendar, month: i + 1 });
        if (fam.calendar === 'gregorian') gregNames.push(n);
      })
    );
  const ordMap = (days: NameList) => {
    const m = new Map<string, number>();
    days.forEach((names, i) => names.forEach((n) => m.set(key(normWord(n)), i + 1)));
    return m;
  };
  const faOrdinals = ordMap(lex.ordinals.fa.days);
  const arOrdinals = ordMap(lex.ordinals.ar.days);
  const c = lex.connectors;
  const allNames = Object.values(lex.families).flatMap((f) => f.months.flat());
  const rangeTo = alternation(c.range_to);
  const named = new RegExp(
    B_OR_WA +
      '(?:' +
      // optional range start: من 24 إلى | ۲۴ تا | 24-
      `(?:(?:(?:${alternation(c.range_from)})\\s+)?(?<from>\\d{1,2})\\s*(?:${rangeTo})\\s*)?` +
      '(?:' +
      `(?<dayNum>\\d{1,2})(?:\\s+(?:${alternation(c.day_of)}))?` +
      `|(?<dayFa>${alternation(lex.ordinals.fa.days.flat())})` +
      `|(?<dayAr>${alternation(lex.ordinals.ar.days.flat())})\\s+(?:${alternation(c.day_of)})` +
      ')\\s*' +
      // "۲۱ ماه مه ۲۰۰۴", "الثاني من شهر يونيه": a month word between day and name
      `(?:(?:${alternation(c.month_prefix)})\\s+)?` +
      ')?' +
      `(?<month>${alternation(allNames)})(?:\\s*(?:${alternation(c.month_suffix)}))?${E}` +
      // a second name for the same month: فبراير/شباط, كانون الثاني (يناير), يونيه - حزيران, فبراير شباط
      `(?:\\s*(?:\\(\\s*(?<alt1>${alternation(gregNames)})\\s*\\)|[/-]\\s*(?<alt2>${alternation(gregNames)})${E}|\\s+(?<alt3>${alternation(gregNames)})${E}))?` +
      `(?:(?<comma>\\s*[،,])?\\s*(?:(?:${alternation(c.year_intro)})\\s*)?(?<year>\\d{4})(?!\\d))?`,
    'gu'
  );
  const numeric =
    /(?<![\d/.\-])(?:(?<y1>\d{4})(?<s1>[/.\-])(?<m1>\d{1,2})\k<s1>(?<d1>\d{1,2})|(?<d2>\d{1,2})(?<s2>[/.\-])(?<m2>\d{1,2})\k<s2>(?<y2>\d{4}))(?!\d|[/.\-]\d)/gu;
  // Non-space characters a path through `named` can consume: each alternation at its longest word.
  const solid = (words: Iterable<string>) => Math.max(0, ...[...words].map((w) => key(normWord(w)).length));
  const greg = solid(gregNames);
  const namedSolid =
    solid(c.range_from) + 2 + solid(c.range_to) +
    Math.max(2 + solid(c.day_of), solid(lex.ordinals.fa.days.flat()), solid(lex.ordinals.ar.days.flat()) + solid(c.day_of)) +
    solid(c.month_prefix) + solid(allNames) + solid(c.month_suffix) + (2 + greg) + 1 + solid(c.year_intro) + 4;
  // + the failing character, look-aheads (≤ 2) and the 16 characters yearSuffix reads; generous on purpose.
  const maxSolid = Math.max(namedSolid, 10) + 32;
  const suffix = (words: string[]) => new RegExp(`^\\s*(?:${alternation(words)})(?![\\p{L}\\p{N}])`, 'u');
  const m: Matchers = {
    named,
    numeric,
    months,
    faOrdinals,
    arOrdinals,
    lunarSuffix: suffix(c.lunar_year_suffix),
    solarSuffix: suffix(c.solar_year_suffix),
    gregorianSuffix: suffix(c.gregorian_year_suffix),
    maxSolid
  };
  cache.set(lex, m);
  return m;
}

// ---------------------------------------------------------------------------------------
// Calendar helpers.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

function validGregorian(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

type Resolved = { date: string; precision: DatePrecision; calendar: 'gregorian' | 'jalali' } | null;

/** Year + month (+ day) in a calendar -> Gregorian ISO date, or null when implausible/impossible. */
export function resolveDate(calendar: 'gregorian' | 'jalali', y: number, m: number, d?: number): Resolved {
  if (calendar === 'gregorian') {
    if (y < GREGORIAN_YEARS.min || y > GREGORIAN_YEARS.max || m < 1 || m > 12) return null;
    if (d === undefined) return { date: iso(y, m, 1), precision: 'month', calendar };
    return validGregorian(y, m, d) ? { date: iso(y, m, d), precision: 'day', calendar } : null;
  }
  if (y < JALALI_YEARS.min || y > JALALI_YEARS.max || m < 1 || m > 12) return null;
  if (d === undefined) {
    const g = toGregorian(y, m, 15);
    return { date: iso(g.gy, g.gm, 1), precision: 'month', calendar };
  }
  if (!isValidJalaaliDate(y, m, d)) return null;
  const g = toGregorian(y, m, d);
  return { date: iso(g.gy, g.gm, g.gd), precision: 'day', calendar };
}

/**
 * Arabic-script text with no Persian-only letters (پ چ ژ گ ی ک) or Persian digits: a number
 * like 1436 there is a lunar Hijri year, not a Jalali one. Old Persian text typed with
 * Arabic ي/ك still has پ/چ/گ, so it stays Persian.
 */
export function looksArabic(text: string): boolean {
  if (/[پچژگیک۰-۹]/.test(text)) return false;
  return /[\u0621-\u064A]/.test(text);
}

// ---------------------------------------------------------------------------------------

/** How much text after `before` extractDates reads when it can stop early (see below). */
const BEFORE_MARGIN = 400;
/** Candidates may start this far past `before` and still overlap a numeric date starting before it. */
const OVERLAP_REACH = 30;

/**
 * Every full date written in `text`, sorted by start. With `before`, only the candidates starting before that offset,
 * exactly as the whole-text scan finds them, but reading only a prefix when that provably gives the same answer: every
 * attempt of the date patterns reads a bounded number of non-space characters (Matchers.maxSolid), so when the prefix
 * holds more than that many after `before` (+ OVERLAP_REACH), no attempt starting before it can see the cut.
 */
export function extractDates(text: string, lexicon: MonthLexicon = monthLexicon, opts: { before?: number } = {}): DateCandidate[] {
  const mx = matchersFor(lexicon);
  const before = opts.before;
  if (before === undefined) return extractIn(text, looksArabic(text), mx);
  // Arabic-vs-Persian is a property of the whole text.
  const arabic = looksArabic(text);
  const cut = before + OVERLAP_REACH + BEFORE_MARGIN;
  if (text.length > cut) {
    const prefix = extractIn(text.slice(0, cut), arabic, mx, before + OVERLAP_REACH);
    if (prefix) return prefix.filter((c) => c.start < before);
  }
  return extractIn(text, arabic, mx).filter((c) => c.start < before);
}

const SPACE_RE = /\s/;
const FOUR_DIGITS = /\d{4}/;
/** Whether norm[from, end) holds more than `n` characters that are not \s (regex whitespace). */
function moreSolidThan(norm: string, from: number, n: number): boolean {
  let k = 0;
  for (let i = from; i < norm.length; i++) {
    const c = norm.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) k++;
    else if (!SPACE_RE.test(norm[i])) k++;
    if (k > n) return true;
  }
  return false;
}

function extractIn(text: string, arabic: boolean, mx: Matchers): DateCandidate[];
function extractIn(text: string, arabic: boolean, mx: Matchers, safeFrom: number): DateCandidate[] | null;
/** With `safeFrom`, null when `text` (a prefix) may not decide the candidates before safeFrom as the whole text would. */
function extractIn(text: string, arabic: boolean, mx: Matchers, safeFrom?: number): DateCandidate[] | null {
  const norm = normalizeForDates(text);
  const t = norm.text;
  if (safeFrom !== undefined && !moreSolidThan(t, safeFrom, mx.maxSolid)) return null;
  // Every candidate has a four-digit year (named: `year`, numeric: y1/y2), and only candidates are returned: without
  // four digits in a row there is nothing to find (most article leads), and the date patterns need not run.
  if (!FOUR_DIGITS.test(t)) return [];
  const out: DateCandidate[] = [];
  const taken: Array<[number, number]> = []; // normalised spans already used (incl. Hijri)

  const emit = (s: number, e: number, r: Resolved) => {
    taken.push([s, e]);
    if (!r) return;
    const start = norm.map[s];
    const end = norm.map[e - 1] + 1;
    out.push({ ...r, start, end, evidence: text.slice(start, end) });
  };
  /** Looks after the year for هـ / ه.ش / م and returns [kind, end of suffix]. */
  const yearSuffix = (at: number): ['lunar' | 'solar' | 'gregorian' | null, number] => {
    const rest = t.slice(at, at + 16);
    // ه.ش (solar) must be tried before ه (lunar): it starts with the same letter.
    for (const [kind, re] of [
      ['solar', mx.solarSuffix],
      ['lunar', mx.lunarSuffix],
      ['gregorian', mx.gregorianSuffix]
    ] as const) {
      const m = re.exec(rest);
      if (m) return [kind, at + m[0].length];
    }
    return [null, at];
  };

  // Named dates first: they also swallow Hijri spans (14 شوال 1436 هـ).
  mx.named.lastIndex = 0;
  for (let m = mx.named.exec(t); m; m = mx.named.exec(t)) {
    const g = m.groups!;
    const info = mx.months.get(key(g.month))!;
    const alt = g.alt1 ?? g.alt2 ?? g.alt3;
    const hasDay = g.dayNum !== undefined || g.dayFa !== undefined || g.dayAr !== undefined;
    // A doubled name must agree (فبراير/شباط); otherwise retry from the next character so
    // the second name can start its own match (يناير/فبراير 2015 -> فبراير 2015).
    const altBad = alt !== undefined && mx.months.get(key(alt))?.month !== info.month;
    // "خبرگزاری مهر، ۱۴۰۰ نفر": a comma between month and year only after a day.
    const commaBad = g.comma !== undefined && !hasDay;
    if (altBad || commaBad) {
      mx.named.lastIndex = m.index + 1;
      continue;
    }
    let end = m.index + m[0].length;
    if (g.year === undefined) {
      // Year-less (ششم آذر ماه, 24 فيفري): never output, but a Hijri day+month is consumed.
      if (info.calendar === 'hijri' && hasDay) taken.push([m.index, end]);
      continue;
    }
    const [suffix, suffixEnd] = yearSuffix(end);
    if (suffix) end = suffixEnd;
    if (info.calendar === 'hijri' || suffix === 'lunar') {
      taken.push([m.index, end]);
      continue;
    }
    const cal = info.calendar;
    if ((suffix === 'solar' && cal !== 'jalali') || (suffix === 'gregorian' && cal !== 'gregorian')) continue;
    const day = hasDay
      ? g.dayNum !== undefined
        ? Number(g.dayNum)
        : g.dayFa !== undefined
          ? mx.faOrdinals.get(key(g.dayFa))
          : mx.arOrdinals.get(key(g.dayAr))
      : undefined;
    emit(m.index, end, resolveDate(cal, Number(g.year), info.month, day));
  }

  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && a < e);
  mx.numeric.lastIndex = 0;
  for (let m = mx.numeric.exec(t); m; m = mx.numeric.exec(t)) {
    const g = m.groups!;
    const y = Number(g.y1 ?? g.y2);
    const mo = Number(g.m1 ?? g.m2);
    const d = Number(g.d1 ?? g.d2);
    let end = m.index + m[0].length;
    const [suffix, suffixEnd] = yearSuffix(end);
    if (suffix) end = suffixEnd;
    if (overlaps(m.index, end)) continue;
    if (suffix === 'lunar') {
      taken.push([m.index, end]);
      continue;
    }
    let cal: 'gregorian' | 'jalali';
    if (y >= GREGORIAN_YEARS.min && y <= GREGORIAN_YEARS.max && suffix !== 'solar') cal = 'gregorian';
    else if (y >= JALALI_YEARS.min && y <= JALALI_YEARS.max && suffix !== 'gregorian') {
      if (arabic && suffix !== 'solar') continue; // 30/8/1436 in Arabic text is Hijri
      cal = 'jalali';
    } else continue;
    emit(m.index, end, resolveDate(cal, y, mo, d));
  }
  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------
// Metadata values and seed headers.

/**
 * JSONL/CSV/sidecar date values. Datetimes keep the calendar date as written (the
 * publisher's local date), ignoring any time zone. Years 1300-1480 are Jalali; a Jalali
 * bare year maps to the Gregorian year in which it starts (1402 -> 2023, from 21 March).
 */
export function parseMetadataDate(
  value: string,
  lexicon: MonthLexicon = monthLexicon
): { date: string; precision: DatePrecision } | null {
  if (typeof value !== 'string') return null;
  // Articles of a feed share a handful of date values: each is parsed once per lexicon (a copy is returned, so a
  // caller may change what it gets).
  const hit = metadataDates(lexicon, value, (v) => parseMetadataDateUncached(v, lexicon));
  return hit && { date: hit.date, precision: hit.precision };
}

const metadataDates = boundedMemo<MonthLexicon, { date: string; precision: DatePrecision } | null>(4096);

/** The English month names of a lexicon as a longest-first alternation, and each name's month. Built once per lexicon. */
const englishCache = new WeakMap<MonthLexicon, { en: Map<string, number>; dayFirst: RegExp; monthFirst: RegExp }>();
function englishMonths(lexicon: MonthLexicon): { en: Map<string, number>; dayFirst: RegExp; monthFirst: RegExp } {
  let hit = englishCache.get(lexicon);
  if (!hit) {
    const en = new Map<string, number>();
    lexicon.metadata_months.months.forEach((names, i) => names.forEach((n) => en.set(n.toLowerCase(), i + 1)));
    const names = [...en.keys()].sort((a, b) => b.length - a.length).join('|');
    hit = {
      en,
      dayFirst: new RegExp(`^(?:[a-z]{3,9},?\\s+)?(\\d{1,2})\\s+(${names})\\.?,?\\s+(\\d{4})(?:\\s+\\d{1,2}:\\d{2}.*)?$`, 'i'),
      monthFirst: new RegExp(`^(?:[a-z]{3,9},?\\s+)?(${names})\\.?\\s+(\\d{1,2}),?\\s+(\\d{4})(?:\\s+\\d{1,2}:\\d{2}.*)?$`, 'i')
    };
    englishCache.set(lexicon, hit);
  }
  return hit;
}

/** Printable ASCII (and tab/newline): normalizeForDates leaves such a value as it is. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

function parseMetadataDateUncached(value: string, lexicon: MonthLexicon): { date: string; precision: DatePrecision } | null {
  const v = (PLAIN_ASCII.test(value) ? value : normalizeForDates(value).text).trim();
  if (!v) return null;
  const calOf = (y: number): 'gregorian' | 'jalali' | null =>
    y >= GREGORIAN_YEARS.min && y <= GREGORIAN_YEARS.max
      ? 'gregorian'
      : y >= JALALI_YEARS.min && y <= JALALI_YEARS.max
        ? 'jalali'
        : null;
  const strip = (r: Resolved) => (r ? { date: r.date, precision: r.precision } : null);

  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?$/i.exec(v);
  if (m) {
    const cal = calOf(+m[1]);
    return cal ? strip(resolveDate(cal, +m[1], +m[2], +m[3])) : null;
  }
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) {
    const cal = calOf(+m[3]);
    return cal ? strip(resolveDate(cal, +m[3], +m[2], +m[1])) : null;
  }
  m = /^(\d{4})[-/](\d{1,2})$/.exec(v);
  if (m) {
    const cal = calOf(+m[1]);
    return cal ? strip(resolveDate(cal, +m[1], +m[2])) : null;
  }
  m = /^(\d{4})$/.exec(v);
  if (m) {
    const y = +m[1];
    const cal = calOf(y);
    if (!cal) return null;
    return { date: iso(cal === 'jalali' ? y + 621 : y, 1, 1), precision: 'year' };
  }
  // English month names: RSS "Fri, 24 Jul 2015 10:00:00 GMT", "July 24, 2015".
  const { en, dayFirst, monthFirst } = englishMonths(lexicon);
  m = dayFirst.exec(v);
  if (m) return strip(resolveDate('gregorian', +m[3], en.get(m[2].toLowerCase())!, +m[1]));
  m = monthFirst.exec(v);
  if (m) return strip(resolveDate('gregorian', +m[3], en.get(m[1].toLowerCase())!, +m[2]));
  // A value that is just one written date: "۱۴ مرداد ۱۴۰۲", "24 فيفري 2025".
  const cands = extractDates(value, lexicon);
  if (cands.length === 1 && value.slice(0, cands[0].start).trim() === '' && value.slice(cands[0].end).trim() === '')
    return { date: cands[0].date, precision: cands[0].precision };
  return null;
}

/**
 * Seeds may start with `date YYYY-MM-DD`. The body can continue on the same line (seed 000:
 * " date 2025-08-14 به گزارش ..."), so only the token after `date` is read.
 */
export function parseHeaderLine(line: string): { date: string; precision: DatePrecision } | null {
  if (typeof line !== 'string') return null;
  const m = /^[\uFEFF\s]*date\s*[:=]?\s+(\S+)(?:\s|$)/i.exec(line);
  return m ? parseMetadataDate(m[1]) : null;
}

// ---------------------------------------------------------------------------------------

const PRECISION_RANK: Record<DatePrecision, number> = { day: 2, month: 1, year: 0 };

/** See the rule at the top of this file. */
export function pickPublicationDate(
  cands: DateCandidate[],
  opts: { notAfter?: string } = {}
): { date: string; precision: DatePrecision; evidence: string } | null {
  const limit = opts.notAfter ? parseMetadataDate(opts.notAfter)?.date : undefined;
  let best: DateCandidate | null = null;
  for (const c of cands) {
    if (limit && c.date > limit) continue;
    if (
      !best ||
      c.date > best.date ||
      (c.date === best.date && PRECISION_RANK[c.precision] > PRECISION_RANK[best.precision])
    )
      best = c;
  }
  if (!best) return null;
  if (best.precision === 'year') return { date: best.date, precision: 'year', evidence: best.evidence };
  return { date: `${best.date.slice(0, 7)}-01`, precision: 'month', evidence: best.evidence };
}
