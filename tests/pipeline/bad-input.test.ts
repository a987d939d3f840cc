/**
 * Bad input gets a clear reason and nothing is lost: every input article is either written or listed in rejects.json,
 * one bad file never stops the rest, and a failed run leaves the previous output untouched.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/lib/db/node';
import type { Manifest, RejectRow } from '../../src/lib/schema';
import { MAX_ARTICLE_CHARS } from '../../src/pipeline/input';
import { runPipeline } from '../../src/pipeline/run';

let root: string;
const fa = 'به گزارش خبرگزاری مهر، وزیر امور خارجه با دبیرکل سازمان ملل متحد دیدار کرد و بر همکاری تأکید کرد.';
const ar = 'أكد وزير الخارجية الجزائري دعم بلاده للمفوضية السامية لشؤون اللاجئين في جنيف.';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'em-bad-'));
  const inp = join(root, 'in');
  mkdirSync(inp);
  writeFileSync(join(inp, 'a_ok.txt'), `date 2024-03-01\nعنوان خبر\n\n${fa}`);
  writeFileSync(join(inp, 'b_empty.txt'), '   \n\n  ');
  writeFileSync(join(inp, 'c_binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0x80, 0x81]));
  writeFileSync(join(inp, 'd_dup.txt'), `date 2024-03-01\nعنوان خبر\n\n${fa}`);
  writeFileSync(join(inp, 'e_big.txt'), 'ا'.repeat(MAX_ARTICLE_CHARS + 10));
  writeFileSync(join(inp, 'f_cp1256.txt'), Buffer.from([0xc7, 0xe1, 0xd3, 0xe1, 0xc7, 0xe3, 0x20, 0xda, 0xe1, 0xed, 0xdf, 0xe3, 0x20, 0xdd, 0xed, 0x20, 0xc7, 0xe1, 0xc3, 0xe3, 0xe3, 0x20, 0xc7, 0xe1, 0xe3, 0xca, 0xcd, 0xcf, 0xc9]));
  writeFileSync(join(inp, 'g_utf16.txt'), Buffer.from(`\ufeff${ar}`, 'utf16le'));
  writeFileSync(join(inp, 'notes.pdf'), 'x');
  writeFileSync(
    join(inp, 'h_articles.jsonl'),
    [
      JSON.stringify({ id: 'j1', date: '2015-07-24', source: 'Al Jazeera Net (aljazeera.net)', country_of_source: 'QA', lang: 'ar', title: 'عنوان', text: ar, url: 'https://example.org/j1' }),
      '{"id": "j2", "text": "broken',
      JSON.stringify({ id: 'j3', text: '' }),
      JSON.stringify({ id: 'j1', text: `${ar} نص مختلف` }),
      '[1, 2]',
      JSON.stringify({ id: 'j4', date: '۱۴۰۲-۶-۴', source: 'ISNA (isna.ir)', text: fa })
    ].join('\n')
  );
  writeFileSync(join(inp, 'i_articles.csv'), `id,date,source,country,text\nc1,2020-01-05,Some Outlet,DZ,"${ar} هذا نص آخر"\nc2,,,,""\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a run over bad input', () => {
  let rejects: RejectRow[];
  let manifest: Manifest;
  beforeAll(async () => {
    await runPipeline({ input: join(root, 'in'), out: join(root, 'out') });
    rejects = JSON.parse(readFileSync(join(root, 'out', 'rejects.json'), 'utf8'));
    manifest = JSON.parse(readFileSync(join(root, 'out', 'manifest.json'), 'utf8'));
  });
  const reasonOf = (file: string, line: number | null = null) =>
    rejects.find((r) => r.input_file === file && (line === null || r.input_line === line));

  it('rejects an empty file', () => expect(reasonOf('b_empty.txt')?.reason).toBe('empty'));
  it('rejects an undecodable file', () => expect(reasonOf('c_binary.txt')?.reason).toBe('undecodable'));
  it('rejects a duplicate, naming the original', () => {
    expect(reasonOf('d_dup.txt')?.reason).toBe('duplicate');
    expect(reasonOf('d_dup.txt')?.detail).toContain('a_ok');
  });
  it('rejects a too large article', () => expect(reasonOf('e_big.txt')?.reason).toBe('too_large'));
  it('rejects an unsupported file type', () => expect(reasonOf('notes.pdf')?.reason).toBe('unsupported'));
  it('rejects a malformed JSONL line with its number and keeps the others', () => {
    const r = reasonOf('h_articles.jsonl', 2);
    expect(r?.reason).toBe('malformed');
    expect(r?.detail).toContain('line 2');
    expect(reasonOf('h_articles.jsonl', 3)?.reason).toBe('empty');
    expect(reasonOf('h_articles.jsonl', 4)?.reason).toBe('duplicate');
    expect(reasonOf('h_articles.jsonl', 5)?.reason).toBe('malformed');
    expect(reasonOf('i_articles.csv', 3)?.reason).toBe('empty');
  });
  it('accounts for every input article', () => {
    // 9 files: a, f, g, j1, j4, c1 written; b, c, d, e, pdf + 5 JSONL/CSV problems rejected
    expect(manifest.rows.articles).toBe(6);
    expect(manifest.rejects).toBe(rejects.length);
    expect(rejects.length).toBe(10);
  });
  it('keeps what the input said and decodes every supported encoding', async () => {
    const db = await openNodeDb(join(root, 'out'));
    const rows = await db.query<{ article_id: string; input_id: string | null; url: string | null; source_input: string | null; source_name: string | null; country: string | null; date: string | null; date_input: string | null; date_origin: string; lang: string; text: string }>({
      sql: 'SELECT article_id, input_id, url, source_input, source_name, country, CAST(date AS VARCHAR) AS date, date_input, date_origin, lang, text FROM articles ORDER BY article_id',
      params: []
    });
    await db.close();
    const by = Object.fromEntries(rows.map((r) => [r.article_id, r]));
    expect(by.j1).toMatchObject({ input_id: 'j1', url: 'https://example.org/j1', source_input: 'Al Jazeera Net (aljazeera.net)', country: 'QA', date: '2015-07-24', date_input: '2015-07-24', date_origin: 'metadata', lang: 'ar' });
    expect(by.j4).toMatchObject({ date: '2023-08-26', date_input: '۱۴۰۲-۶-۴', source_input: 'ISNA (isna.ir)' });
    expect(by.c1).toMatchObject({ source_input: 'Some Outlet', source_name: 'Some Outlet', country: 'DZ', date: '2020-01-05' });
    expect(by.a_ok).toMatchObject({ date: '2024-03-01', date_origin: 'header', lang: 'fa' });
    expect(by.f_cp1256.text).toContain('السلام عليكم');
    expect(by.g_utf16.text).toContain('للمفوضية السامية');
  });
});

describe('a failed run', () => {
  it('leaves the previous output untouched and no temp folder behind', async () => {
    const out = join(root, 'out2');
    await runPipeline({ input: join(root, 'in', 'a_ok.txt'), out });
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    await expect(runPipeline({ input: join(root, 'does-not-exist'), out })).rejects.toThrow();
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(existsSync(join(out, 'articles.parquet'))).toBe(true);
  });
});

describe('streamed JSONL (large files)', () => {
  it('reads the same articles and line numbers as the whole-file path, and rejects a non-UTF-8 line alone', async () => {
    const { readInput } = await import('../../src/pipeline/input');
    const dir = mkdtempSync(join(tmpdir(), 'em-stream-'));
    const lines = [
      JSON.stringify({ id: 's1', text: 'متن یک' }),
      '',
      JSON.stringify({ id: 's2', text: 'متن دو' })
    ];
    const good = Buffer.from(`\ufeff${lines.join('\n')}\n`);
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    writeFileSync(join(dir, 'a.jsonl'), Buffer.concat([good, bad, Buffer.from(`\n${JSON.stringify({ id: 's3', text: 'آخر' })}`)]));
    const streamed = [...readInput(join(dir, 'a.jsonl'), { streamJsonlBytes: 0 })];
    const summary = streamed.map((x) => (x.kind === 'article' ? `${x.article.input_id}@${x.article.input_line}` : `${x.reject.reason}@${x.reject.input_line}`));
    expect(summary).toEqual(['s1@1', 's2@3', 'undecodable@4', 's3@5']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the whole-file result over several 4 MiB chunks (BOM, CRLF, blank lines, a bad line in a later chunk)', async () => {
    const { readInput } = await import('../../src/pipeline/input');
    const dir = mkdtempSync(join(tmpdir(), 'em-stream-'));
    const long = 'متن بلند '.repeat(300);
    const parts: Buffer[] = [Buffer.from('\ufeff')];
    for (let i = 0; i < 3000; i++) {
      parts.push(Buffer.from(`${JSON.stringify({ id: `r${i}`, text: `${i} ${long}` })}${i % 7 === 0 ? '\r\n\n' : '\n'}`));
      if (i === 2500) parts.push(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]));
      if (i === 2600) parts.push(Buffer.from('{not json}\n'));
    }
    const bytes = Buffer.concat(parts);
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    writeFileSync(join(dir, 'big.jsonl'), bytes);
    const show = (x: ReturnType<typeof readInput> extends Iterable<infer T> ? T : never) =>
      x.kind === 'article' ? `${x.article.input_id}@${x.article.input_line}:${x.article.text.length}` : `${x.reject.reason}@${x.reject.input_line}`;
    const streamed = [...readInput(join(dir, 'big.jsonl'), { streamJsonlBytes: 0 })].map(show);
    expect(streamed.filter((s) => !s.startsWith('r'))).toEqual(['undecodable@2860', 'malformed@2975']);
    // The whole-file path rejects a file that is not UTF-8 as a whole: compare on the file without its bad line.
    const clean = Buffer.concat(parts.filter((p) => !(p.length === 4 && p[1] === 0xff)));
    writeFileSync(join(dir, 'clean.jsonl'), clean);
    const whole = [...readInput(join(dir, 'clean.jsonl'), { streamJsonlBytes: Infinity })].map(show);
    const streamedClean = [...readInput(join(dir, 'clean.jsonl'), { streamJsonlBytes: 0 })].map(show);
    expect(streamedClean).toEqual(whole);
    expect(whole.length).toBe(3001);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('metadata.csv sidecar', () => {
  it('supplies and overrides date, source, country and url for .txt files, keyed by file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'em-side-'));
    const inp = join(dir, 'in');
    mkdirSync(inp);
    writeFileSync(join(inp, 'x.txt'), `date 2020-01-01\nعنوان\n\n${fa}`);
    writeFileSync(join(inp, 'y.txt'), `عنوان دیگر\n\n${ar}`);
    writeFileSync(join(inp, 'metadata.csv'), 'file,date,source,country,url\nx.txt,2024-05-06,Mehr News Agency,IR,https://example.org/x\ny.txt,,Echorouk,DZ,\n');
    await runPipeline({ input: inp, out: join(dir, 'out') });
    const db = await openNodeDb(join(dir, 'out'));
    const rows = await db.query<{ article_id: string; date: string | null; date_origin: string; source_name: string; country: string; url: string | null }>({
      sql: 'SELECT article_id, CAST(date AS VARCHAR) AS date, date_origin, source_name, country, url FROM articles ORDER BY article_id',
      params: []
    });
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    expect(rows).toEqual([
      { article_id: 'x', date: '2024-05-06', date_origin: 'metadata', source_name: 'Mehr News Agency', country: 'IR', url: 'https://example.org/x' },
      { article_id: 'y', date: null, date_origin: 'none', source_name: expect.stringMatching(/Echorouk/), country: 'DZ', url: null }
    ]);
  });
});
