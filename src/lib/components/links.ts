/**
 * Builds in-app links. Every chart click goes through `articlesHref`, so "the articles behind this point" is always
 * the current shared filters plus exactly the point's drill-down, in the Articles view's own URL vocabulary.
 */
import { resolve } from '$app/paths';
import type { Drill } from '$lib/charts/drill';
import {
  ARTICLE_LIST_DEFAULTS,
  articleListParamsToParams,
  filtersToParams,
  parseTarget,
  STANCE_LABELS,
  type ArticleListParams,
  type Filters
} from '$lib/filters';
import type { StanceLabel } from '$lib/schema';

export type AppPath = '/' | '/trends/' | '/stance/' | '/comentions/' | '/compare/' | '/articles/' | '/articles/view/' | '/method/';

export function href(path: AppPath, params?: URLSearchParams): string {
  const qs = params?.toString();
  return resolve(path) + (qs ? `?${qs}` : '');
}

/** Shared filters narrowed by the drill (country/source/lang) and the Articles view parameters it implies. */
export function drillToArticleParams(f: Filters, drill: Drill, extra: Partial<ArticleListParams> = {}): URLSearchParams {
  const filters: Filters = { ...f };
  if (drill.country) filters.countries = [drill.country];
  if (drill.source) filters.sources = [drill.source];
  if (drill.lang) filters.langs = [drill.lang as Filters['langs'][number]];
  const list: ArticleListParams = {
    ...ARTICLE_LIST_DEFAULTS,
    ...extra,
    topic: drill.topic ?? extra.topic ?? null,
    entity: drill.entity ?? extra.entity ?? null,
    entity2: drill.entity2 ?? extra.entity2 ?? null,
    bucketStart: drill.bucketStart ?? extra.bucketStart ?? null,
    bucketEnd: drill.bucketEnd ?? extra.bucketEnd ?? null,
    stanceTarget: (drill.stanceTarget ? parseTarget(drill.stanceTarget) : null) ?? extra.stanceTarget ?? null,
    stanceLabel:
      drill.stanceLabel && (STANCE_LABELS as readonly string[]).includes(drill.stanceLabel)
        ? (drill.stanceLabel as StanceLabel)
        : (extra.stanceLabel ?? null),
    page: 1
  };
  return articleListParamsToParams(list, filtersToParams(filters));
}

export function articlesHref(f: Filters, drill: Drill, extra: Partial<ArticleListParams> = {}): string {
  return href('/articles/', drillToArticleParams(f, drill, extra));
}

export function articleHref(id: string, back?: URLSearchParams): string {
  const p = new URLSearchParams();
  p.set('id', id);
  // Keeping the shared filters on the reader's URL lets the nav links lead back to the same view.
  if (back) for (const [k, v] of back) if (['from', 'to', 'countries', 'sources', 'langs', 'topics'].includes(k)) p.set(k, v);
  return href('/articles/view/', p);
}
