/**
 * The compare page's totals, topics and actors computed in JS from the co-mention cube (comention-cube.ts: the
 * filter columns of every article and its entity list as typed arrays), so after a filter or pair change they are
 * two scans of typed arrays instead of three DuckDB-WASM queries. The SQL builders of compare.ts stay the reference:
 * tests/queries/compare-cube.test.ts asserts the same rows, in the same order, on the fixture. Each side is counted
 * with the shared filters and that one country (compare.ts: `factsWhere({ ...f, countries: [] })` and `country IN
 * (a, b)`). The page's stance chart comes from the stance cube (StanceCube.compare); its terms stay on DuckDB.
 */
import type { Filters } from '$lib/filters';
import type { EntityKind } from '$lib/schema';
import type { CoMentionCube, CubeTally } from './comention-cube';
import { cmpBytes } from './comention-cube';
import type { CompareActorRow, CompareOptions, CompareTopicRow, CompareTotalsRow } from './compare';
import { clampInt } from './sql';

export interface CompareCubeRows {
  totals: CompareTotalsRow[];
  topics: CompareTopicRow[];
  actors: CompareActorRow[];
}

/**
 * The rows of buildCompareTotalsQuery, buildCompareTopicsQuery (`topicDefs`: topic_defs' labels and colours) and
 * buildCompareActorsQuery (`n`, `kinds`). When a = b the SQL's pair collapses oddly (doubled totals); here that one
 * country is counted once.
 */
export function compareFromCube(
  cube: CoMentionCube,
  f: Filters,
  o: CompareOptions & { n?: number; kinds?: readonly EntityKind[] },
  topicDefs: readonly { topic_id: string; label_en: string; color: string }[]
): CompareCubeRows {
  const sides = o.a === o.b ? [o.a] : [o.a, o.b];
  const tallies: [string, CubeTally][] = sides.map((c) => [c, cube.tally({ ...f, countries: [c] })]);
  const defs = new Map(topicDefs.map((d) => [d.topic_id, d]));
  const n = clampInt(o.n ?? 15, 1, 100, 15);
  const kinds = o.kinds?.length ? new Set<string>(o.kinds) : null;
  const totals: CompareTotalsRow[] = [];
  const topics: CompareTopicRow[] = [];
  const actors: CompareActorRow[] = [];
  for (const [country, t] of tallies) {
    const total = t.articles;
    totals.push({ country, articles: total });
    // Every topic_defs row, by topic_id.
    for (const tp of [...t.topics].sort((x, y) => cmpBytes(x.id, y.id))) {
      const d = defs.get(tp.id);
      topics.push({
        country,
        topic_id: tp.id,
        label_en: d?.label_en ?? tp.id,
        color: d?.color ?? '',
        articles: tp.articles,
        total,
        share: total === 0 ? null : tp.articles / total
      });
    }
    // The entities it mentions (of the chosen kinds), most articles first, then entity_id.
    const top = t.entities
      .filter((e) => e.articles > 0 && (!kinds || (e.kind !== null && kinds.has(e.kind))))
      .sort((x, y) => y.articles - x.articles || x.rank - y.rank)
      .slice(0, n);
    top.forEach((e, i) =>
      actors.push({ country, entity_id: e.id, label_en: e.label, kind: e.kind as EntityKind, articles: e.articles, total, share: e.articles / total, rank: i + 1 })
    );
  }
  return { totals, topics, actors };
}
