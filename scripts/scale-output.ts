/**
 * npx tsx scripts/scale-output.ts --from .bench/out-100000 --times 10 [--out .bench/out-1000000]
 *
 * Benchmark-only: builds a bigger pipeline output by replicating an existing one `--times` times, so the dashboard
 * can be timed at ~1M articles without a 1M pipeline run. Replica k (0-based) suffixes every article_id with `~k`
 * (k > 0) in every per-article table and moves dates k days later: each replica lands on other days, so the
 * summary tables grow about k-fold too (a pessimistic stand-in for a real corpus, whose days repeat). The base
 * tables are written with the pipeline's sort keys and row-group sizes, then the derived tables by
 * `writeDerivedTables` (src/pipeline/derived.ts), exactly as a pipeline run would.
 *
 * npx tsx scripts/scale-output.ts --rederive .bench/out-100000
 *   rewrites only the derived tables of an existing output (after derived.ts changed), from its base tables.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDerivedTables } from '../src/pipeline/derived';
import { columnBytesOf, ORDER_BY, quoteLiteral, ROW_GROUP_ROWS } from '../src/pipeline/write';
import { COLUMNS, MANIFEST_FILE, PARQUET_FILES, TABLES, type Manifest, type TableName } from '../src/lib/schema';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '.bench/out-100000' },
    times: { type: 'string', default: '10' },
    out: { type: 'string' },
    memory: { type: 'string', default: '3GB' },
    rederive: { type: 'string' }
  }
});

if (values.rederive) {
  const dir = resolve(values.rederive);
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:', { memory_limit: values.memory!, preserve_insertion_order: 'true' });
  const conn = await db.connect();
  for (const t of Object.keys(TABLES) as TableName[]) {
    await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet(${quoteLiteral(join(dir, PARQUET_FILES[t]))})`);
  }
  await writeDerivedTables(conn, dir);
  conn.closeSync();
  db.closeSync();
  console.error(`[scale] ${dir}: derived tables rewritten in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(0);
}
const from = resolve(values.from!);
const times = Number(values.times);
const manifest = JSON.parse(readFileSync(join(from, MANIFEST_FILE), 'utf8')) as Manifest;
const n = manifest.rows.articles * times;
const out = resolve(values.out ?? join(from, '..', `out-${n}`));
const tmp = `${out}.tmp`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

const PER_ARTICLE: TableName[] = ['articles', 'mentions', 'topics', 'stances', 'terms'];

const t0 = performance.now();
const db = await DuckDBInstance.create(join(tmp, 'scale.duckdb'), {
  memory_limit: values.memory!,
  temp_directory: join(tmp, 'spill'),
  preserve_insertion_order: 'false'
});
const conn = await db.connect();
for (const t of Object.keys(TABLES) as TableName[]) {
  const src = quoteLiteral(join(from, PARQUET_FILES[t]));
  if (!PER_ARTICLE.includes(t)) {
    await conn.run(`CREATE TABLE ${t} AS SELECT * FROM read_parquet(${src})`);
    continue;
  }
  const cols = COLUMNS[t].map((c) => {
    if (c === 'article_id') return `CASE WHEN k = 0 THEN article_id ELSE article_id || '~' || k END AS article_id`;
    if (t === 'articles' && c === 'date') return `CAST(date + CAST(k AS INTEGER) AS DATE) AS date`;
    return `"${c}"`;
  });
  await conn.run(
    `CREATE TABLE ${t} AS SELECT ${cols.join(', ')} FROM read_parquet(${src}) CROSS JOIN range(${times}) r(k)`
  );
  console.error(`[scale] ${t} staged (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
const rows: Record<string, number> = {};
for (const t of Object.keys(TABLES) as TableName[]) {
  rows[t] = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0][0]);
  await conn.run(
    `COPY (SELECT ${COLUMNS[t].map((c) => `"${c}"`).join(', ')} FROM ${t} ORDER BY ${ORDER_BY[t]}) TO ${quoteLiteral(join(tmp, PARQUET_FILES[t]))}
      (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS[t]})`
  );
  console.error(`[scale] ${t} written: ${rows[t]} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
await writeDerivedTables(conn, tmp);
const textBytes = await columnBytesOf(conn, join(tmp, PARQUET_FILES.articles), 'text');
console.error(`[scale] derived tables written (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
conn.closeSync();
db.closeSync();
rmSync(join(tmp, 'scale.duckdb'), { force: true });
rmSync(join(tmp, 'scale.duckdb.wal'), { force: true });
rmSync(join(tmp, 'spill'), { recursive: true, force: true });
const m: Manifest = {
  ...manifest,
  generated_at: new Date().toISOString(),
  input: `${manifest.input} ×${times} (scripts/scale-output.ts)`,
  rows: rows as Manifest['rows'],
  text_bytes: textBytes
};
writeFileSync(join(tmp, MANIFEST_FILE), JSON.stringify(m, null, 2));
writeFileSync(join(tmp, 'rejects.json'), '[]');
if (existsSync(out)) rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.error(`[scale] ${out}: ${n} articles in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
