/**
 * The mention, topic and stance rows the workers stage as CSV (worker.ts csvRow) come back from DuckDB's reader
 * (write.ts rowsCsvSource) exactly as they went in: quotes, commas and line breaks inside fields, empty strings
 * (not NULL), NULLs, scores, a lone surrogate (U+FFFD, as the JSON staging stored it) and a multi-megabyte sentence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/lib/schema';
import { csvField, csvRow } from '../../src/pipeline/worker';
import { rowsCsvSource } from '../../src/pipeline/write';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'em-csv-staging-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csvField', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('usa')).toBe('usa');
    expect(csvField('سازمان ملل')).toBe('سازمان ملل');
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('""');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0.393)).toBe('0.393');
    expect(csvField(-12)).toBe('-12');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Infinity)).toBe('');
  });
});

describe('CSV staging round trip', () => {
  it('gives back every stance row as written', async () => {
    const long = 'جمله '.repeat(600_000); // 3 MB of UTF-8 in one field
    const rows = [
      { article_id: 'a7 "quoted", with comma\nand a line break', stance_id: 'a7:s0', target_kind: 'entity', target_id: 'un', stance: 'support', score: 0.75, confidence: 0.5, cue: 'حمایت', cue_start: 3, cue_end: 8, sentence: 'x, "y"\r\nz', sentence_start: 0, sentence_end: 9, n_evidence: 2 },
      { article_id: 'b', stance_id: 'b:s0', target_kind: 'topic', target_id: 'sanctions', stance: 'neutral', score: 0, confidence: 1e-7, cue: '', cue_start: null, cue_end: undefined, sentence: long, sentence_start: 10, sentence_end: 10 + long.length, n_evidence: 1 },
      { article_id: 'lone', stance_id: 'lone:s0', target_kind: 'topic', target_id: 'syria', stance: 'oppose', score: -1.5, confidence: 0.25, cue: 'x\ud800y', cue_start: 1, cue_end: 2, sentence: '"', sentence_start: 0, sentence_end: 1, n_evidence: 0 }
    ];
    const file = join(dir, 'stances.csv');
    writeFileSync(file, rows.map((r, i) => csvRow(100 + i, COLUMNS.stances, r)).join(''));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const read = (await c.runAndReadAll(`SELECT * FROM ${rowsCsvSource('stances', [file])} ORDER BY _o`)).getRowObjectsJson();
      expect(read.map((r) => r._o)).toEqual(['100', '101', '102']);
      const want = rows.map((r) => ({ ...r, cue_start: r.cue_start ?? null, cue_end: r.cue_end ?? null, cue: r.cue.replace('\ud800', '\ufffd') }));
      expect(read.map(({ _o, ...r }) => r)).toEqual(want);
      // The empty cue is an empty string, not NULL; the missing offsets are NULL.
      expect(read[1].cue).toBe('');
      expect(read[1].cue_start).toBeNull();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
