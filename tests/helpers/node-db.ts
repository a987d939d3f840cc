/** Opens the hand-made fixture (tests/fixtures/make-fixture.ts) in a temp folder through the Node `Db`. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeDb, type NodeDb } from '$lib/db/node';
import { DERIVED_PARQUET_FILES, PARQUET_FILES } from '$lib/schema';
import { makeFixture } from '../fixtures/make-fixture';

export async function openFixtureDb(): Promise<{ db: NodeDb; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'em-fixture-'));
  await makeFixture(dir);
  const db = await openNodeDb(dir);
  return {
    db,
    dir,
    cleanup: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/**
 * The views the Node Db opens for the entity tables of a fixture folder, as SQL: tests that add rows replace a view
 * with `<its SQL> UNION ALL …` and put these back afterwards.
 */
export function entityViews(dir: string): Record<'entities' | 'entity_articles' | 'article_entities', string> {
  const file = (f: string) => join(dir, f).replace(/'/g, "''");
  return {
    entities: `SELECT * FROM read_parquet('${file(PARQUET_FILES.entities)}')`,
    entity_articles: `SELECT * FROM read_parquet('${file(DERIVED_PARQUET_FILES.entity_articles)}')`,
    article_entities: `SELECT * FROM read_parquet('${file(DERIVED_PARQUET_FILES.article_entities)}')`
  };
}

/**
 * Rows comparable between a JS answer and DuckDB's: BIGINTs as numbers, and every number rounded to 12 decimals
 * (sums of doubles added in another order may differ in the last bits).
 */
export function normRows(rows: readonly object[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? Math.round(v * 1e12) / 1e12 : v])));
}
