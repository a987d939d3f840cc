/**
 * The staging path (worker.ts RowSink → NDJSON → DuckDB): two worker threads give the same tables and rejects as
 * processing in this thread; duplicates across batches and workers name the first occurrence and their rows (and
 * their words' document frequencies) are dropped; article_facts.text_row points at the article's row in articles.parquet.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DERIVED_PARQUET_FILES, PARQUET_FILES, type RejectRow } from '../../src/lib/schema';
import { runPipeline } from '../../src/pipeline/run';

const fa = ['به گزارش خبرگزاری مهر، وزیر امور خارجه با دبیرکل سازمان ملل متحد دیدار کرد.', 'شورای امنیت درباره تحریم‌ها و برنامه هسته‌ای ایران نشست برگزار کرد.', 'نماینده ایران در آژانس بین‌المللی انرژی اتمی گفت همکاری ادامه دارد.'];
const ar = ['أكد وزير الخارجية الجزائري دعم بلاده للمفوضية السامية لشؤون اللاجئين في جنيف.', 'ناقش مجلس الأمن الدولي الوضع في سوريا والعقوبات المفروضة.'];
const N = 520;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'em-staging-'));
  const lines: string[] = [];
  for (let i = 1; i <= N; i++) {
    const text = i % 3 === 0 ? `${ar[i % 2]} ${ar[(i + 1) % 2]} رقم ${i} كلمة${i % 17}` : `${fa[i % 3]} ${fa[(i + 1) % 3]} شماره ${i} واژه${i % 23}`;
    lines.push(JSON.stringify({ id: `a${i}`, date: i % 5 ? `2024-0${1 + (i % 9)}-1${i % 10}` : undefined, source: i % 2 ? 'Mehr News Agency (mehrnews.com)' : 'Echorouk', text }));
  }
  // Line 300 repeats line 5's text in the same outlet (another batch, likely another worker); line 450 reuses id a10.
  lines[299] = JSON.stringify({ ...JSON.parse(lines[4]), id: 'dup-text' });
  lines[449] = JSON.stringify({ id: 'a10', source: 'Echorouk', text: `${ar[0]} نص مختلف تماما` });
  // An id that CSV must quote (the ranked terms are staged as CSV).
  lines[6] = JSON.stringify({ ...JSON.parse(lines[6]), id: 'a7 "quoted", with comma\nand a line break' });
  // A lone surrogate must not break the bulk JSON ingest.
  lines[100] = JSON.stringify({ id: 'lone', text: `${fa[0]} \ud800 ${fa[1]}` });
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('staging through worker files', () => {
  it('gives the same output with two workers as in one thread', async () => {
    await runPipeline({ input: join(dir, 'in.jsonl'), out: join(dir, 'w2'), workers: 2 });
    await runPipeline({ input: join(dir, 'in.jsonl'), out: join(dir, 'w1'), workers: 1 });
    // Workers on the TypeScript source (the fallback when the esbuild bundle cannot be built) give the same again.
    await runPipeline({ input: join(dir, 'in.jsonl'), out: join(dir, 'w2ts'), workers: 2, workerSource: 'typescript' });
    // Streamed, as a file over 16 MB is: the workers decode and parse the lines themselves.
    await runPipeline({ input: join(dir, 'in.jsonl'), out: join(dir, 'w2s'), workers: 2, streamJsonlBytes: 0 });
    const rejects = JSON.parse(readFileSync(join(dir, 'w2', 'rejects.json'), 'utf8')) as RejectRow[];
    expect(readFileSync(join(dir, 'w1', 'rejects.json'), 'utf8')).toBe(readFileSync(join(dir, 'w2', 'rejects.json'), 'utf8'));
    expect(rejects.map((r) => [r.input_line, r.reason, r.detail])).toEqual([
      [300, 'duplicate', 'duplicate text of a5'],
      [450, 'duplicate', 'duplicate id of in.jsonl:10']
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'w2', 'manifest.json'), 'utf8'));
    expect(manifest.rows.articles).toBe(N - 2);
    expect(manifest.rows.terms).toBeGreaterThan(0);

    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const one = async (sql: string) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);
    expect(readFileSync(join(dir, 'w2ts', 'rejects.json'), 'utf8')).toBe(readFileSync(join(dir, 'w2', 'rejects.json'), 'utf8'));
    expect(readFileSync(join(dir, 'w2s', 'rejects.json'), 'utf8')).toBe(readFileSync(join(dir, 'w2', 'rejects.json'), 'utf8'));
    for (const [f, other] of [...Object.values(PARQUET_FILES), ...Object.values(DERIVED_PARQUET_FILES)].flatMap((f) => [[f, 'w2'], [f, 'w2ts'], [f, 'w2s']])) {
      const a = `read_parquet('${join(dir, 'w1', f)}', file_row_number = true)`;
      const b = `read_parquet('${join(dir, other, f)}', file_row_number = true)`;
      // Same rows in the same order (file_row_number included).
      expect([f, await one(`SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`)]).toEqual([f, 0]);
      expect([f, await one(`SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})`)]).toEqual([f, 0]);
    }
    const out = (f: string) => `'${join(dir, 'w2', f)}'`;
    // No row of a duplicate survives: a10's mentions are those of the first a10 only (it is Persian, the repeat Arabic).
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.articles)} WHERE article_id IN ('dup-text')`)).toBe(0);
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.articles)} WHERE article_id = 'a10' AND lang = 'fa'`)).toBe(1);
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.articles)} WHERE article_id = 'lone' AND text LIKE '%\ufffd%'`)).toBe(1);
    // Terms: none for a duplicate; every article's ranks are 1..k; the id CSV must quote comes back whole.
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.terms)} WHERE article_id = 'dup-text'`)).toBe(0);
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.terms)} WHERE article_id = 'a7 "quoted", with comma' || chr(10) || 'and a line break'`)).toBeGreaterThan(0);
    expect(await one(`SELECT count(*) FROM (SELECT article_id FROM ${out(PARQUET_FILES.terms)} GROUP BY article_id HAVING max(rank) <> count(*) OR min(rank) <> 1)`)).toBe(0);
    expect(await one(`SELECT count(*) FROM ${out(PARQUET_FILES.terms)} t ANTI JOIN ${out(PARQUET_FILES.articles)} a USING (article_id)`)).toBe(0);
    // articles in the documented order; text_row is the article's row in articles.parquet, where its text is read.
    expect(
      await one(`SELECT count(*) FROM (SELECT article_id, row_number() OVER () - 1 AS r FROM ${out(PARQUET_FILES.articles)}) a
        JOIN (SELECT article_id, row_number() OVER (ORDER BY date NULLS LAST, article_id) - 1 AS r FROM ${out(PARQUET_FILES.articles)}) b USING (article_id)
        WHERE a.r <> b.r`)
    ).toBe(0);
    expect(
      await one(`SELECT count(*) FROM ${out(DERIVED_PARQUET_FILES.article_facts)} f
        JOIN read_parquet(${out(PARQUET_FILES.articles)}, file_row_number = true) t ON t.file_row_number = f.text_row
        WHERE t.article_id = f.article_id AND length(t.text) > 0`)
    ).toBe(N - 2);
    // The text is stored once, in articles.parquet; manifest.json says how big it is compressed (the dashboard's
    // full-text search limit).
    expect(existsSync(join(dir, 'w2', 'article_text.parquet'))).toBe(false);
    expect(manifest.text_bytes).toBeGreaterThan(0);
    expect(manifest.text_bytes).toBe(await one(`SELECT sum(total_compressed_size) FROM parquet_metadata(${out(PARQUET_FILES.articles)}) WHERE path_in_schema = 'text'`));
    // article_filters is article_facts without article_id, its strings as filter_codes' codes: the same rows in the
    // same order once decoded.
    const facts = `(SELECT * EXCLUDE (article_id) FROM read_parquet(${out(DERIVED_PARQUET_FILES.article_facts)}, file_row_number = true))`;
    const codes = out(DERIVED_PARQUET_FILES.filter_codes);
    const value = (field: string, col: string) => `(SELECT value FROM read_parquet(${codes}) WHERE field = '${field}' AND code = f.${col})`;
    const filters = `(SELECT date, ${value('country', 'country_code')} AS country, ${value('source_id', 'source_code')} AS source_id,
      ${value('lang', 'lang_code')} AS lang, topic_mask, text_row, file_row_number
      FROM read_parquet(${out(DERIVED_PARQUET_FILES.article_filters)}, file_row_number = true) f)`;
    expect(await one(`SELECT count(*) FROM ${filters}`)).toBe(N - 2);
    // Every code is decodable (no NULL from a missing code), and each field's codes are 0..n-1, NULL values included.
    expect(await one(`SELECT count(*) FROM read_parquet(${out(DERIVED_PARQUET_FILES.article_filters)})
      WHERE country_code IS NULL OR source_code IS NULL OR lang_code IS NULL`)).toBe(0);
    expect(await one(`SELECT count(*) FROM (SELECT field FROM read_parquet(${codes}) GROUP BY field HAVING min(code) <> 0 OR max(code) <> count(*) - 1 OR count(DISTINCT code) <> count(*))`)).toBe(0);
    expect(await one(`SELECT count(DISTINCT field) FROM read_parquet(${codes})`)).toBe(6);
    // stance_cube is stance_facts in article order (text_row, then stance_row), its strings as codes.
    const stanceFacts = `(SELECT text_row, target_kind, target_id, stance, score, confidence, row_number() OVER (ORDER BY text_row, stance_row) AS n
      FROM read_parquet(${out(DERIVED_PARQUET_FILES.stance_facts)}))`;
    const stanceCube = `(SELECT text_row, ${value('target_kind', 'target_kind_code')} AS target_kind, ${value('target_id', 'target_id_code')} AS target_id,
      ${value('stance', 'stance_code')} AS stance, score, confidence, file_row_number + 1 AS n
      FROM read_parquet(${out(DERIVED_PARQUET_FILES.stance_cube)}, file_row_number = true) f)`;
    expect(await one(`SELECT count(*) FROM ${stanceCube}`)).toBeGreaterThan(0);
    expect(await one(`SELECT count(*) FROM ${stanceCube}`)).toBe(await one(`SELECT count(*) FROM ${stanceFacts}`));
    expect(await one(`SELECT count(*) FROM (SELECT * FROM ${stanceFacts} EXCEPT ALL SELECT * FROM ${stanceCube})`)).toBe(0);
    expect(await one(`SELECT count(*) FROM (SELECT * FROM ${facts} EXCEPT ALL SELECT * FROM ${filters})`)).toBe(0);
    expect(await one(`SELECT count(*) FROM (SELECT * FROM ${filters} EXCEPT ALL SELECT * FROM ${facts})`)).toBe(0);
    // Row-number columns of the derived tables are delta-encoded (derived.ts ROW_NUMBER_OPTS); base tables are not.
    const encodings = async (f: string, col: string) =>
      String((await c.runAndReadAll(`SELECT string_agg(DISTINCT encodings, ' ') FROM parquet_metadata(${out(f)}) WHERE path_in_schema = '${col}'`)).getRows()[0][0]);
    for (const [f, col] of [
      [DERIVED_PARQUET_FILES.article_facts, 'text_row'],
      [DERIVED_PARQUET_FILES.stance_facts, 'stance_row'],
      [DERIVED_PARQUET_FILES.article_rows, 'article_row'],
      [DERIVED_PARQUET_FILES.article_entities, 'text_row']
    ]) {
      expect([f, await encodings(f, col)]).toEqual([f, 'DELTA_BINARY_PACKED']);
    }
    expect(await encodings(PARQUET_FILES.mentions, 'start')).not.toContain('DELTA');
    c.closeSync();
    db.closeSync();
  }, 120_000);

  it('rejects the bad lines of a streamed file in the workers as the main thread does, each under its line number', async () => {
    const good = (i: number) => JSON.stringify({ id: `g${i}`, source: 'Echorouk', text: `${ar[i % 2]} رقم ${i}` });
    const parts: Buffer[] = [Buffer.from(`\ufeff${good(1)}\r\n\n   \n`)];
    for (let i = 2; i <= 450; i++) {
      parts.push(Buffer.from(`${good(i)}\n`));
      if (i === 120) parts.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a])); // not UTF-8
      if (i === 210) parts.push(Buffer.from('{not json}\n[1, 2]\n{"id": "e1", "text": "   "}\n{"id": "n1", "text": 5}\n'));
      if (i === 330) parts.push(Buffer.from(`${JSON.stringify({ id: 'g7', text: 'نص آخر تماما' })}\n${good(9).replace('"g9"', '"again9"')}\n`));
    }
    writeFileSync(join(dir, 'bad.jsonl'), Buffer.concat(parts));
    const run = async (name: string, workers: number) => {
      const out = join(dir, name);
      await runPipeline({ input: join(dir, 'bad.jsonl'), out, workers, streamJsonlBytes: 0 });
      return { rejects: readFileSync(join(out, 'rejects.json'), 'utf8'), manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) };
    };
    const inThread = await run('bad1', 1);
    const inWorkers = await run('bad2', 2);
    expect(inWorkers.rejects).toBe(inThread.rejects);
    expect(inWorkers.manifest.rows).toEqual(inThread.manifest.rows);
    expect(inWorkers.manifest.input_hash).not.toBe('');
    const rejects = JSON.parse(inWorkers.rejects) as RejectRow[];
    expect(rejects.map((r) => [r.input_line, r.reason, r.input_id])).toEqual([
      [123, 'undecodable', null],
      [214, 'malformed', null],
      [215, 'malformed', null],
      [216, 'empty', 'e1'],
      [217, 'malformed', 'n1'],
      [338, 'duplicate', 'g7'],
      [339, 'duplicate', 'again9']
    ]);
    expect(inWorkers.manifest.rows.articles).toBe(450);
  });
});
