/**
 * Gathers, in the browser, what an export says about itself: the filters in the URL, the article count and outlets
 * under them (two small queries on the shared DuckDB), the data's generation date, and the method note's address.
 */
import { resolve } from '$app/paths';
import { countryName, langName } from '$lib/charts/labels';
import { getDb, getManifest } from '$lib/db/client';
import { parseCompareParams, parseFilters, type Filters } from '$lib/filters';
import {
  buildCountsBySourceQuery,
  buildOverviewTotalsQuery,
  type CountBySourceRow,
  type OverviewTotalsRow
} from '$lib/queries';
import { app } from '$lib/state/app.svelte';
import { buildProvenance, describeView, type Labels, type Provenance } from './provenance';

export const labels: Labels = {
  country: (c) => countryName(c),
  source: (s) => app.sourceLabel(s),
  lang: (l) => langName(l),
  topic: (t) => app.topicLabel(t)
};

/** Absolute address of the method note, valid from any page and any subpath the site is served under. */
export function methodUrl(): string {
  return new URL(resolve('/method/'), window.location.href).href;
}

/**
 * The filters that decide which articles a chart counts. Compare charts replace the country filter by the pair (or
 * by one side, for that side's actor chart), as the page itself does.
 */
export function chartFilters(chartId: string, url: URL): Filters {
  const f = parseFilters(url.searchParams, app.known);
  if (!/\/compare\/$/.test(url.pathname)) return f;
  const one = /^compare-actors-([A-Z]{2})$/.exec(chartId);
  const pair = parseCompareParams(url.searchParams, app.known?.countries);
  return { ...f, countries: one ? [one[1]] : [pair.a, pair.b] };
}

export async function chartProvenance(o: { chartId: string; title: string; subtitle?: string; url?: URL }): Promise<Provenance> {
  const url = o.url ?? new URL(window.location.href);
  const filters = chartFilters(o.chartId, url);
  const db = await getDb();
  const [totals, sources, manifest] = await Promise.all([
    db.query<OverviewTotalsRow>(buildOverviewTotalsQuery(filters)),
    db.query<CountBySourceRow>(buildCountsBySourceQuery(filters)),
    getManifest().catch(() => null)
  ]);
  const t = totals[0];
  return buildProvenance({
    title: o.title,
    chartSubtitle: o.subtitle,
    filters,
    labels,
    extent: t ? { min_date: t.min_date, max_date: t.max_date } : null,
    view: describeView(url.pathname, url.searchParams, labels),
    counts: t ? { articles: t.articles, dated: t.dated } : null,
    source: {
      outlets: sources.map((s) => s.source_name ?? s.source_id ?? 'unknown outlet'),
      generatedAt: manifest?.generated_at ?? null,
      exportedOn: new Date().toISOString().slice(0, 10),
      methodUrl: methodUrl()
    }
  });
}
