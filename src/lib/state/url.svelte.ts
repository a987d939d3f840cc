/**
 * The URL is the only home of view state. These helpers read it through `$app/state` and write it with `goto`
 * (a new history entry each time, so back/forward step through views).
 */
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { filtersEqual, filtersToParams, parseFilters, type Filters } from '$lib/filters';
import { app } from './app.svelte';

export const FILTER_KEYS = ['from', 'to', 'countries', 'sources', 'langs', 'topics'] as const;

let last: { search: string; known: unknown; filters: Filters } | null = null;

/**
 * The shared filters of the current URL. The same object while they do not change (a time-step or measure click,
 * or the same filters reached again), so `$derived`s built on them are not recomputed and charts not redrawn.
 */
export function currentFilters(): Filters {
  const search = page.url.search;
  const known = app.known;
  if (last && last.search === search && last.known === known) return last.filters;
  const next = parseFilters(page.url.searchParams, known);
  const filters = last && filtersEqual(last.filters, next) ? last.filters : next;
  last = { search, known, filters };
  return filters;
}

/** Navigates to the current path with the params changed by `edit`; `page` (pagination) resets unless kept. */
export function updateParams(edit: (p: URLSearchParams) => void, opts: { keepPage?: boolean } = {}): Promise<void> {
  const url = new URL(page.url);
  const p = url.searchParams;
  edit(p);
  if (!opts.keepPage) p.delete('page');
  url.search = p.toString();
  return goto(url, { keepFocus: true, noScroll: true, replaceState: false });
}

export function setFilters(next: Filters): Promise<void> {
  return updateParams((p) => {
    for (const k of FILTER_KEYS) p.delete(k);
    for (const [k, v] of filtersToParams(next)) p.set(k, v);
  });
}

/** Replaces one page parameter; `null` (or the default) removes it so URLs stay short. */
export function setParam(key: string, value: string | null, fallback?: string): Promise<void> {
  return updateParams((p) => {
    if (value === null || value === '' || value === fallback) p.delete(key);
    else p.set(key, value);
  });
}
