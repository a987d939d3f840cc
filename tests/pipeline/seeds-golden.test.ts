/**
 * Golden test: the pipeline on the five seeds, checked against tests/fixtures/gold/seeds.json (a copy of
 * ../shared/gold/seeds.json). Runs the real CLI path (runPipeline → Parquet) and reads the Parquet back with DuckDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/lib/db/node';
import type { Db } from '../../src/lib/db/types';
import { runPipeline } from '../../src/pipeline/run';

interface GoldArticle {
  lang: string;
  country: string;
  source: string;
  date: string | null;
  date_precision?: string;
  topics: string[];
  not_topics: string[];
  optional_topics?: string[];
  actors: string[];
  stances: { target: string; stance: string }[];
}
const gold = JSON.parse(readFileSync(new URL('../fixtures/gold/seeds.json', import.meta.url), 'utf8')) as {
  articles: Record<string, GoldArticle>;
};

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'em-seeds-'));
  await runPipeline({ input: 'seeds', out: join(dir, 'out') });
  db = await openNodeDb(join(dir, 'out'));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => db.query<T>({ sql, params });

describe.each(Object.entries(gold.articles))('seed %s', (file, g) => {
  const id = file.replace(/\.txt$/, '');
  it('language, country, source', async () => {
    const [a] = await q<{ lang: string; country: string; source_name: string }>('SELECT lang, country, source_name FROM articles WHERE article_id = ?', [id]);
    expect(a).toBeDefined();
    expect(a.lang).toBe(g.lang);
    expect(a.country).toBe(g.country);
    expect(a.source_name).toBe(g.source);
  });
  it('date and precision, or its absence', async () => {
    const [a] = await q<{ date: string | null; date_precision: string | null }>('SELECT date, date_precision FROM articles WHERE article_id = ?', [id]);
    if (g.date === null) {
      // The gold gives a month-precision hint for seed 003 (Feb 2025 event): accept that, never a precise day.
      if (a.date !== null) {
        expect(a.date_precision).not.toBe('day');
        expect(file).toBe('003_42a1e7181d965724.txt');
        expect(a.date).toBe('2025-02-01');
      }
    } else {
      expect(a.date).toBe(g.date);
      expect(a.date_precision).toBe(g.date_precision);
    }
  });
  it('topics present and absent', async () => {
    const rows = await q<{ topic_id: string }>('SELECT topic_id FROM topics WHERE article_id = ?', [id]);
    const got = new Set(rows.map((r) => r.topic_id));
    for (const t of g.topics) expect(got, `topic ${t}`).toContain(t);
    for (const t of g.not_topics) expect(got, `not topic ${t}`).not.toContain(t);
  });
  it('every listed actor found', async () => {
    const rows = await q<{ label_en: string }>(
      'SELECT DISTINCT e.label_en FROM mentions m JOIN entities e USING (entity_id) WHERE m.article_id = ?',
      [id]
    );
    const got = new Set(rows.map((r) => r.label_en));
    for (const a of g.actors) expect(got, `actor ${a}`).toContain(a);
  });
  it('every listed stance right', async () => {
    const rows = await q<{ target_kind: string; target_id: string; label_en: string | null; stance: string; sentence: string; cue: string }>(
      `SELECT s.target_kind, s.target_id, e.label_en, s.stance, s.sentence, s.cue
       FROM stances s LEFT JOIN entities e ON s.target_kind = 'entity' AND e.entity_id = s.target_id WHERE s.article_id = ?`,
      [id]
    );
    for (const want of g.stances) {
      const r = rows.find((x) => (x.target_kind === 'topic' ? x.target_id === want.target : x.label_en === want.target));
      expect(r, `stance toward ${want.target}`).toBeDefined();
      expect(r!.stance, `stance toward ${want.target}: evidence «${r!.sentence}» cue «${r!.cue}»`).toBe(want.stance);
      // Explainable: the cue is inside the evidence sentence.
      expect(r!.sentence).toContain(r!.cue);
    }
  });
});

describe('seed run as a whole', () => {
  it('writes all five seeds and rejects nothing', async () => {
    const [c] = await q<{ n: number }>('SELECT count(*) AS n FROM articles');
    expect(c.n).toBe(5);
  });
  it('mention offsets point at their surface text', async () => {
    const rows = await q<{ text: string; surface: string; start: number; end: number }>(
      'SELECT a.text, m.surface, m.start, m."end" FROM mentions m JOIN articles a USING (article_id)'
    );
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) expect(r.text.slice(r.start, r.end)).toBe(r.surface);
  });
  it('seed 001 keeps the unwrapped UNHCR name in its display text', async () => {
    const [a] = await q<{ text: string }>("SELECT text FROM articles WHERE article_id = '001_c54b42fbeb932e82'");
    expect(a.text).toContain('در امور پناهندگان');
  });
  it('boilerplate is gone from the display text', async () => {
    const rows = await q<{ text: string }>('SELECT text FROM articles');
    for (const r of rows) {
      expect(r.text).not.toMatch(/انتهای پیام|زر الذهاب إلى الأعلى|اترك تعليقاً|مقالات ذات صلة/);
    }
  });
});
