import { browser } from '$app/environment';
import { goto } from '$app/navigation';
import type { Drill } from '$lib/charts/drill';
import { getDb } from '$lib/db/client';
import {
  articleListOptions,
  FULL_TEXT_SEARCH_MAX_BYTES,
  PAGE_SIZE,
  parseArticleListParams,
  parseFilters,
  type ArticleListParams,
  type Filters
} from '$lib/filters';
import { buildArticleCountQuery, buildArticleListQuery } from '$lib/queries';
import { articlesHref, drillToArticleParams } from './links';

/** Chart click handler: open the Articles view with the current filters plus the clicked element's drill-down. */
export function drillTo(filters: () => Filters, extra: () => Partial<ArticleListParams> = () => ({})) {
  return (drill: Drill | null) => {
    // An element without a usable key (e.g. the "Unknown country" bar) has an empty drill: listing every article
    // would claim they are its articles, so such clicks do nothing.
    if (!drill || Object.keys(drill).length === 0) return;
    void goto(articlesHref(filters(), drill, extra()));
  };
}

/** Pages whose drill-down has been warmed (or is being warmed) in this session. */
const warmed = new Set<string>();
/**
 * How long the user must have left the page alone before a warm-up starts. It keeps DuckDB and the Parquet worker
 * busy for 4–7 s at 1M articles, which on two cores slows the page's own redraws (co-mentions: ~60–100 ms → 150–300 ms
 * per filter change); so it waits for a pause in the user's work, not only for the browser's.
 */
const QUIET_MS = 3000;
let lastInput = 0;
let listening = false;

/**
 * Gets a page's chart clicks ready before the user clicks. The co-mentions and compare pages draw from their cubes
 * without DuckDB, so at 1M articles a click waited 3–5 s on the Articles view for DuckDB-WASM to start and to load
 * the tables its list reads (article_facts, article_entities, article_titles, article_rows). Once per page and
 * session, once the page has drawn and the user has left it alone for QUIET_MS, this runs the Articles view's own
 * count and first page for `drill` (an element the page shows, e.g. its largest cell): the tables those queries read
 * stay loaded, and any other element of the same chart reads the same ones. Failures only warn: the Articles view
 * reports its own.
 */
export function warmDrillDown(page: string, filters: Filters, drill: Drill | null, extra: Partial<ArticleListParams> = {}): void {
  if (!browser || !drill || Object.keys(drill).length === 0 || warmed.has(page)) return;
  warmed.add(page);
  const run = async () => {
    // The same parameters the Articles view will parse from the link a click opens.
    const params = drillToArticleParams(filters, drill, extra);
    const f = parseFilters(params);
    const db = await getDb();
    const bytes = (await db.textBytes?.()) ?? null;
    const opts = {
      ...articleListOptions(parseArticleListParams(params)),
      search: bytes !== null && bytes > FULL_TEXT_SEARCH_MAX_BYTES ? ('titles' as const) : ('text' as const)
    };
    await Promise.all([db.query(buildArticleCountQuery(f, opts)), db.query(buildArticleListQuery(f, { ...opts, limit: PAGE_SIZE, offset: 0 }))]);
    performance.mark(`drill-down warmed: ${page}`);
  };
  const start = () => void run().catch((e: unknown) => console.warn('warming the drill-down failed', e));
  if (!listening) {
    listening = true;
    for (const type of ['pointerdown', 'keydown', 'input', 'change'])
      document.addEventListener(type, () => (lastInput = performance.now()), { capture: true, passive: true });
  }
  const whenQuiet = () => {
    const wait = lastInput + QUIET_MS - performance.now();
    if (wait > 0) setTimeout(whenQuiet, wait);
    else if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 1000 });
    else start();
  };
  // The quiet time counts from now, the page drawn, at the earliest.
  lastInput = Math.max(lastInput, performance.now());
  whenQuiet();
}
