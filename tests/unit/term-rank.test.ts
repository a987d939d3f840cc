/**
 * Distinctive terms ranked by the sinks (term-rank.ts) give what the DuckDB query they replaced gave: the same rows,
 * scores, ranks and tie order, with duplicates, over-frequent and unknown words left out, and ids and surfaces that
 * CSV must quote coming back whole.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCodePoints, maxDocFreq, rankTermCands, TermCandWriter, termsCsvSource, type TermCand } from '../../src/pipeline/term-rank';
import { mulberry32 } from '../../src/lib/random';

interface Article {
  ord: number;
  id: string;
  len: number;
  cands: TermCand[];
}

let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'em-term-rank-'));
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The query the sinks' ranking replaced (write.ts before it), over the same candidates: rows ordered by article and rank. */
async function reference(keys: string[], df: Int32Array, articles: Article[], skip: Set<number>, N: number, per: number): Promise<unknown[][]> {
  await conn.run('CREATE OR REPLACE TABLE term_df (key VARCHAR, df INTEGER); CREATE OR REPLACE TABLE cands (_o BIGINT, article_id VARCHAR, len INTEGER, k VARCHAR, n INTEGER, s VARCHAR)');
  const dfRows = keys.flatMap((k, id) => (df[id] > 0 ? [`(${q(k)}, ${df[id]})`] : []));
  if (dfRows.length) await conn.run(`INSERT INTO term_df VALUES ${dfRows.join(', ')}`);
  const rows = articles.flatMap((a) => a.cands.map((c) => `(${a.ord}, ${q(a.id)}, ${a.len}, ${q(keys[c.id])}, ${c.n}, ${q(c.surface.toWellFormed())})`));
  if (rows.length) await conn.run(`INSERT INTO cands VALUES ${rows.join(', ')}`);
  const keep = skip.size ? `WHERE _o NOT IN (${[...skip].join(', ')})` : '';
  const maxDf = maxDocFreq(N);
  const r = await conn.runAndReadAll(`
    SELECT article_id, s AS term, round(score, 5) AS score, CAST(rank AS INTEGER) AS rank FROM (
      SELECT c.article_id, c.s, (c.n::DOUBLE / c.len) * ln((1 + ${N}) / (1 + d.df) + 1) AS score,
             row_number() OVER (PARTITION BY c._o ORDER BY (c.n::DOUBLE / c.len) * ln((1 + ${N}) / (1 + d.df) + 1) DESC, c.k) AS rank
      FROM (SELECT * FROM cands ${keep}) c JOIN term_df d ON c.k = d.key
      WHERE d.df < ${maxDf === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : maxDf}
    ) WHERE rank <= ${per} ORDER BY article_id, rank`);
  return r.getRows();
}

/** Writes the articles' candidates, ranks them and reads the CSV back as DuckDB will: rows ordered by article and rank. */
async function ranked(name: string, keys: string[], df: Int32Array, articles: Article[], skip: Set<number>, N: number, per: number): Promise<{ rows: unknown[][]; written: number }> {
  const cands = join(dir, `${name}.bin`);
  const csv = join(dir, `${name}.csv`);
  const w = new TermCandWriter(cands);
  for (const a of articles) w.put(a.ord, a.id, a.len, a.cands);
  w.close();
  const written = rankTermCands(cands, csv, { df, key: (id) => keys[id], skip, nArticles: N, perArticle: per });
  const r = await conn.runAndReadAll(`SELECT * FROM ${termsCsvSource([q(csv)])} ORDER BY article_id, rank`);
  return { rows: r.getRows(), written };
}

describe('rankTermCands', () => {
  it('ranks as the TF-IDF query did, on random candidates with ties, duplicates and over-frequent words', async () => {
    const rnd = mulberry32(7);
    // Keys whose code point order differs from UTF-16 order (an astral letter against U+FB50…), and Arabic ones.
    const keys = ['سازمان', 'تحریم', 'مهاجران', '\u{1D400}bc', '\uFB50ab', 'سوريا', 'حقوق', 'اللاجئين', 'مجلس', 'الأمن', 'zeta', 'alpha', 'قطعنامه', 'نشست'];
    const N = 40;
    const df = Int32Array.from(keys, (_, id) => (id === 6 ? 0 : id === 1 ? 20 : id === 8 ? 25 : 1 + Math.floor(rnd() * 12)));
    const articles: Article[] = [];
    for (let ord = 0; ord < N; ord++) {
      const ids = keys.map((_, id) => id).filter(() => rnd() < 0.7);
      articles.push({
        ord,
        id: ord === 3 ? 'a3 "quoted", with comma\nand a line break' : `a${String(ord).padStart(2, '0')}`,
        len: 20 + Math.floor(rnd() * 20),
        // Equal counts and equal frequencies make ties: broken by key.
        cands: ids.map((id) => ({ id, n: 1 + Math.floor(rnd() * 3), surface: id === 0 ? 'سازمانِ "ملل"' : id === 2 && ord === 5 ? 'lone \ud800 surrogate' : keys[id] }))
      });
    }
    const skip = new Set([4, 17]);
    const want = await reference(keys, df, articles, skip, N, 5);
    const got = await ranked('random', keys, df, articles, skip, N, 5);
    expect(want.length).toBeGreaterThan(100);
    expect(got.rows).toEqual(want);
    expect(got.written).toBe(want.length);
    // Left out: the duplicates, the word no accepted article counted (df 0), and words in half the articles or more.
    const terms = new Set(got.rows.map((r) => r[1]));
    expect(terms.has('حقوق')).toBe(false);
    expect(terms.has('تحریم')).toBe(false);
    expect(terms.has('مجلس')).toBe(false);
    expect(got.rows.some((r) => r[0] === 'a04' || r[0] === 'a17')).toBe(false);
    expect(got.rows.some((r) => r[0] === 'a3 "quoted", with comma\nand a line break')).toBe(true);
    expect(got.rows.some((r) => r[1] === 'lone \ufffd surrogate')).toBe(true);
  });

  it('keeps every word when there are fewer than four articles, and reads records larger than its buffers', async () => {
    const keys = ['کلمه', 'واژه', 'long'];
    const df = Int32Array.from([3, 3, 1]);
    const huge = 'ب'.repeat(3_000_000); // 6 MB of UTF-8: more than the writer's and the reader's buffers
    const articles: Article[] = [
      { ord: 0, id: 'x', len: 4, cands: [{ id: 0, n: 2, surface: 'کلمه' }, { id: 1, n: 2, surface: 'واژه' }] },
      { ord: 1, id: 'y', len: 9, cands: [{ id: 2, n: 1, surface: huge }, { id: 1, n: 3, surface: 'واژه' }] },
      { ord: 2, id: 'z', len: 1, cands: [] }
    ];
    const want = await reference(keys, df, articles, new Set(), 3, 10);
    const got = await ranked('small', keys, df, articles, new Set(), 3, 10);
    expect(got.rows).toEqual(want);
    expect(got.rows.map((r) => [r[0], r[3]])).toEqual([['x', 1], ['x', 2], ['y', 1], ['y', 2]]);
    expect(got.rows.some((r) => r[1] === huge)).toBe(true);
  });

  it('refuses a truncated candidates file instead of ranking part of it', () => {
    const cands = join(dir, 'cut.bin');
    const w = new TermCandWriter(cands);
    w.put(0, 'a', 3, [{ id: 0, n: 1, surface: 'کلمه' }]);
    w.close();
    const bytes = readFileSync(cands);
    const cut = join(dir, 'cut2.bin');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
    expect(() => rankTermCands(cut, join(dir, 'cut.csv'), { df: Int32Array.from([1]), key: () => 'کلمه', skip: new Set(), nArticles: 1, perArticle: 10 })).toThrow(/truncated/);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, as UTF-8 bytes do', () => {
    const words = ['\uFB50', '\u{1D400}', 'a', 'ab', '', 'سازمان', '\uFFFF'];
    const byBytes = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...words].sort(compareCodePoints)).toEqual(byBytes);
  });
});
