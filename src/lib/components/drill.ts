import { goto } from '$app/navigation';
import type { Drill } from '$lib/charts/drill';
import type { ArticleListParams, Filters } from '$lib/filters';
import { articlesHref } from './links';

/** Chart click handler: open the Articles view with the current filters plus the clicked element's drill-down. */
export function drillTo(filters: () => Filters, extra: () => Partial<ArticleListParams> = () => ({})) {
  return (drill: Drill | null) => {
    // An element without a usable key (e.g. the "Unknown country" bar) has an empty drill: listing every article
    // would claim they are its articles, so such clicks do nothing.
    if (!drill || Object.keys(drill).length === 0) return;
    void goto(articlesHref(filters(), drill, extra()));
  };
}
