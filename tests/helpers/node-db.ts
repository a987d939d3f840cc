/** Opens the hand-made fixture (tests/fixtures/make-fixture.ts) in a temp folder through the Node `Db`. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeDb, type NodeDb } from '$lib/db/node';
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
