import { goto } from '$app/navigation';
import type { Drill } from '$lib/charts/drill';
import type { ArticleListParams, Filters } from '$lib/filters';
import { articlesHref } from './links';

/** Chart click handler: open the Articles view with the current filters plus the clicked element's drill-down. */
export function drillTo(filters: () => Filters, extra: () => Partial<ArticleListParams> = () => ({})) {
  return (drill: Drill | null) => {
    if (!drill) return;
    void goto(articlesHref(filters(), drill, extra()));
  };
}
