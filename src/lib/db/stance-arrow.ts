/**
 * Arrow tables (as parquet-wasm decodes stance_cube or stance_facts, article_filters or article_facts, filter_codes,
 * topic_defs and entities) → the typed arrays of the stance cube (queries/stance-cube.ts). Pure, like
 * comention-arrow.ts (whose column readers it shares): the Node tests run it on the fixture's files, the browser loader
 * (stance-loader.ts) on the same files fetched over HTTP.
 */
import type { Table } from 'apache-arrow';
import { StanceCube, type StanceCubeColumns } from '$lib/queries/stance-cube';
import { codedField, factsColumns, filterCodeValues, float64s, int32s, need, plain } from './comention-arrow';

/** The columns each table is read with. */
export const STANCE_CUBE_COLUMNS = {
  article_facts: ['date', 'country', 'source_id', 'lang', 'topic_mask', 'text_row'],
  stance_facts: ['text_row', 'target_kind', 'target_id', 'stance', 'score', 'confidence'],
  topic_defs: ['topic_id'],
  entities: ['entity_id', 'kind']
} as const;

export interface StanceCubeTables {
  /** article_filters (with `filter_codes`), or article_facts' STANCE_CUBE_COLUMNS (`filter_codes` null or absent). */
  article_facts: Table;
  filter_codes?: Table | null;
  /** stance_cube, read with `filter_codes`; else stance_facts' STANCE_CUBE_COLUMNS. */
  stance_cube?: Table | null;
  stance_facts?: Table | null;
  topic_defs: Table;
  entities: Table;
}

/** The stance rows as the cube takes them: from stance_cube's codes when there are codes, else stance_facts' strings. */
function stanceColumns(t: StanceCubeTables): StanceCubeColumns['stances'] {
  const values = t.stance_cube && t.filter_codes ? filterCodeValues(t.filter_codes) : null;
  const s = values ? t.stance_cube : t.stance_facts;
  if (!s) throw new Error('stance cube: neither stance_cube (with filter_codes) nor stance_facts');
  return {
    length: s.numRows,
    text_row: int32s(need(s, 'text_row'), -1),
    target_kind: codedField(s, 'target_kind', values, 'stance_cube'),
    target_id: codedField(s, 'target_id', values, 'stance_cube'),
    stance: codedField(s, 'stance', values, 'stance_cube'),
    score: float64s(need(s, 'score')),
    confidence: float64s(need(s, 'confidence'))
  };
}

export function stanceCubeFromTables(t: StanceCubeTables): StanceCube {
  return new StanceCube({
    facts: factsColumns(t.article_facts, t.filter_codes),
    stances: stanceColumns(t),
    topicIds: plain<{ topic_id: string }>(t.topic_defs).map((r) => r.topic_id),
    unBodies: plain<{ entity_id: string; kind: string | null }>(t.entities)
      .filter((e) => e.kind === 'un_body')
      .map((e) => e.entity_id)
  });
}
