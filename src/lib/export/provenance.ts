/**
 * The words an exported chart carries about itself: which slice of the data (filters, dates, view settings), how
 * many articles, which outlets, when the data was made, and where the method is explained. Pure: every label comes
 * in through `Labels`, so tests need no app state.
 */
import type { Filters } from '$lib/filters';
import {
  parseCoMentionParams,
  parseCompareParams,
  parseStanceParams,
  parseTrendParams
} from '$lib/filters';

export interface Labels {
  country(code: string): string;
  source(id: string): string;
  lang(code: string): string;
  topic(id: string): string;
}

export const METHOD_NOTE = 'Topics and stance detected automatically; see method note';

const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;
/**
 * A left-to-right mark after a Persian/Arabic item keeps a list in reading order: without it, two adjacent
 * right-to-left names and the comma between them form one right-to-left run and appear swapped.
 */
export const bidiItem = (s: string) => (RTL.test(s) ? `${s}\u200e` : s);
const list = (items: string[], max = 6) => {
  const safe = items.map(bidiItem);
  return safe.length <= max ? safe.join(', ') : `${safe.slice(0, max).join(', ')} and ${safe.length - max} more`;
};

/** "Countries: Iran, Algeria · Languages: Persian" or "All countries, outlets, languages and topics". */
export function filterSummary(f: Filters, l: Labels): string {
  const parts: string[] = [];
  if (f.countries.length) parts.push(`Countries: ${list(f.countries.map((c) => l.country(c)))}`);
  if (f.sources.length) parts.push(`Outlets: ${list(f.sources.map((s) => l.source(s)))}`);
  if (f.langs.length) parts.push(`Languages: ${list(f.langs.map((x) => l.lang(x)))}`);
  if (f.topics.length) parts.push(`Topics: ${list(f.topics.map((t) => l.topic(t)))}`);
  return parts.length ? parts.join(' · ') : 'All countries, outlets, languages and topics';
}

/** The period shown: the filter's bounds, or the data's own extent when the filter leaves dates open. */
export function dateRange(f: Filters, extent: { min_date: string | null; max_date: string | null } | null): {
  from: string | null;
  to: string | null;
  text: string;
} {
  const from = f.from ?? extent?.min_date ?? null;
  const to = f.to ?? extent?.max_date ?? null;
  if (f.from || f.to) return { from, to, text: `Dates: ${from ?? 'start'} to ${to ?? 'end'} (undated articles excluded)` };
  if (from || to) return { from, to, text: `Dates: all, ${from ?? '?'} to ${to ?? '?'} (undated articles included where no time axis)` };
  return { from, to, text: 'Dates: all' };
}

const GRAN: Record<string, string> = { week: 'weekly', month: 'monthly', quarter: 'quarterly', year: 'yearly' };

/** Page settings that change what a chart shows, in words ("monthly · share of articles"). */
export function describeView(pathname: string, p: URLSearchParams, l: Labels): string[] {
  const out: string[] = [];
  if (/\/trends\/$/.test(pathname)) {
    const t = parseTrendParams(p);
    out.push(GRAN[t.granularity], t.measure === 'share' ? 'share of articles' : 'article counts');
    if (t.split === 'country') out.push('per country');
    if (t.rolling > 1) out.push(`trailing mean over ${t.rolling} periods`);
  } else if (/\/stance\/$/.test(pathname)) {
    const s = parseStanceParams(p);
    out.push(GRAN[s.granularity], s.split === 'country' ? 'per country' : 'countries together');
    if (s.threshold > 0) out.push(`confidence ≥ ${s.threshold.toFixed(2)}`);
  } else if (/\/comentions\/$/.test(pathname)) {
    const c = parseCoMentionParams(p);
    out.push(`top ${c.n} actors`, `measure: ${c.measure}`);
    if (c.kinds.length) out.push(`actor kinds: ${c.kinds.join(', ')}`);
  } else if (/\/compare\/$/.test(pathname)) {
    const c = parseCompareParams(p);
    out.push(`${l.country(c.a)} vs ${l.country(c.b)}`);
  }
  return out;
}

export function articleCountLine(n: { articles: number; dated: number } | null): string {
  if (!n) return '';
  const fmt = (x: number) => new Intl.NumberFormat('en-US').format(x);
  const undated = n.articles - n.dated;
  return `Based on ${fmt(n.articles)} article${n.articles === 1 ? '' : 's'}${undated > 0 ? ` (${fmt(undated)} undated, left off time axes)` : ''}`;
}

export interface SourceInfo {
  outlets: string[];
  /** Manifest `generated_at` (ISO timestamp) of the data behind the chart. */
  generatedAt: string | null;
  /** When the file was made (ISO date). */
  exportedOn: string;
  /** Absolute URL of the method note. */
  methodUrl: string;
}

export function sourceLine(s: SourceInfo): string {
  const outlets = s.outlets.length ? `Outlets: ${list(s.outlets, 5)}` : 'Outlets: none matched';
  const made = s.generatedAt ? `data generated ${s.generatedAt.slice(0, 10)}` : 'data generation date unknown';
  return `Source: Engagement monitor · ${outlets} · ${made} · exported ${s.exportedOn}`;
}

export function methodLine(s: Pick<SourceInfo, 'methodUrl'>): string {
  return `${METHOD_NOTE}: ${s.methodUrl}`;
}

/** Everything printed above and below a chart, in reading order. */
export interface Provenance {
  title: string;
  /** Chart's own explanation, filters and dates, view settings. */
  subtitle: string[];
  /** Article count, source line, method note. */
  footer: string[];
  /** For file names. */
  countries: string[];
  from: string | null;
  to: string | null;
}

export interface ProvenanceInput {
  title: string;
  chartSubtitle?: string;
  filters: Filters;
  labels: Labels;
  extent: { min_date: string | null; max_date: string | null } | null;
  view: string[];
  counts: { articles: number; dated: number } | null;
  source: SourceInfo;
}

export function buildProvenance(i: ProvenanceInput): Provenance {
  const dates = dateRange(i.filters, i.extent);
  const subtitle = [
    i.chartSubtitle?.trim() ?? '',
    [filterSummary(i.filters, i.labels), dates.text].join(' · '),
    i.view.length ? `View: ${i.view.join(' · ')}` : ''
  ].filter(Boolean);
  const footer = [articleCountLine(i.counts), sourceLine(i.source), methodLine(i.source)].filter(Boolean);
  return { title: i.title, subtitle, footer, countries: i.filters.countries, from: dates.from, to: dates.to };
}
