/**
 * npm run bench [-- --sizes 10000,100000,1000000 --from ../shared/corpus --browser-max 100000]
 *
 * Prints one table: for each corpus size, preprocessing throughput (MB/s of text, articles/s), peak RSS, Parquet size
 * per table, DuckDB (Node) time of every dashboard query, and in headless Chromium on the built site: cold load to
 * the first drawn chart and p50/p95 from a control change to the chart redrawn. Figures are measured and printed,
 * never asserted. Benchmark corpora are made by `npm run synth` (benchmark-only) and cached in .bench/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openNodeDb } from '../src/lib/db/node';
import { EMPTY_FILTERS } from '../src/lib/filters';
import * as Q from '../src/lib/queries';
import { DERIVED_PARQUET_FILES, PARQUET_FILES, type Manifest, type TableName } from '../src/lib/schema';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    from: { type: 'string', default: '../shared/corpus' },
    'browser-max': { type: 'string', default: '1000000' },
    workers: { type: 'string' },
    repeat: { type: 'string', default: '20' },
    reuse: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
});
if (values.help) {
  console.log('Usage: npm run bench -- [--sizes 10000,100000,1000000] [--from ../shared/corpus] [--browser-max N] [--workers N] [--repeat N] [--reuse]');
  process.exit(0);
}

const ROOT = resolve(import.meta.dirname, '..');
const BENCH = join(ROOT, '.bench');
mkdirSync(BENCH, { recursive: true });
const sizes = values.sizes!.split(',').map(Number).filter((n) => n > 0);
const tsx = join(ROOT, 'node_modules/.bin/tsx');
const env = { ...process.env, DOTENV_CONFIG_QUIET: 'true' };

interface Row {
  n: number;
  inputMB: number;
  seconds: number;
  mbps: number;
  aps: number;
  rssMB: number | null;
  parquet: Record<string, number>;
  rows: Record<string, number>;
  queries: Record<string, number>;
  browser: { coldMs: number | null; p50: number | null; p95: number | null; note?: string };
}

function synth(n: number): string {
  const file = join(BENCH, `synth-${n}.jsonl`);
  if (!existsSync(file)) {
    console.error(`[bench] synthesising ${n} articles from ${values.from} …`);
    execFileSync(tsx, ['scripts/synth.ts', '--from', values.from!, '--n', String(n), '--out', file], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return file;
}

/** Runs the pipeline in a child process under GNU time (when present) for its peak RSS. */
function preprocess(input: string, out: string): { seconds: number; rssMB: number | null; manifest: Manifest } {
  const args = ['scripts/preprocess.ts', '--input', input, '--out', out, '--quiet', ...(values.workers ? ['--workers', values.workers] : [])];
  const hasTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '__MAXRSS__%M', tsx, ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(tsx, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`preprocess failed: ${r.stderr.slice(-2000)}`);
  const m = /__MAXRSS__(\d+)/.exec(r.stderr ?? '');
  return { seconds, rssMB: m ? Number(m[1]) / 1024 : null, manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) };
}

/** Every dashboard query builder with its default parameters, timed on DuckDB (Node). */
async function timeQueries(dataDir: string): Promise<Record<string, number>> {
  const db = await openNodeDb(dataDir);
  const f = EMPTY_FILTERS;
  const [firstArticle] = await db.query<{ article_id: string }>({ sql: 'SELECT article_id FROM articles LIMIT 1', params: [] });
  const id = firstArticle?.article_id ?? '';
  const un = { target_kind: 'entity' as const, target_id: '@un_system', threshold: 0 };
  const qs: Record<string, () => { sql: string; params: unknown[] }> = {
    'overview totals': () => Q.buildOverviewTotalsQuery(f),
    'overview by country': () => Q.buildCountsByCountryQuery(f),
    'overview by source': () => Q.buildCountsBySourceQuery(f),
    'overview coverage': () => Q.buildArticlesPerBucketQuery(f, 'month'),
    'overview topic shares': () => Q.buildTopicSharesQuery(f),
    'overview latest': () => Q.buildLatestArticlesQuery(f, 10),
    'trends month share': () => Q.buildTopicTrendQuery(f, { granularity: 'month', measure: 'share', byCountry: true }),
    'trends week count': () => Q.buildTopicTrendQuery(f, { granularity: 'week', measure: 'count', byCountry: false }),
    'stance trend UN': () => Q.buildStanceTrendQuery(f, { ...un, granularity: 'month', byCountry: true } as never),
    'stance evidence UN': () => Q.buildStanceEvidenceQuery(f, { ...un, limit: 20, offset: 0 } as never),
    'stance targets': () => Q.buildStanceTargetsQuery(f),
    'co-mentions actors×topics': () => Q.buildCoMentionQuery(f, { rows: 'actors', cols: 'topics', n: 20, measure: 'jaccard' } as never),
    'co-mentions actors×actors': () => Q.buildCoMentionQuery(f, { rows: 'actors', cols: 'actors', n: 20, measure: 'pmi' } as never),
    'compare topics IR/SA': () => Q.buildCompareTopicsQuery(f, { a: 'IR', b: 'SA' } as never),
    'compare actors IR/SA': () => Q.buildCompareActorsQuery(f, { a: 'IR', b: 'SA', n: 15 } as never),
    'compare terms IR/SA': () => Q.buildCompareTermsQuery(f, { a: 'IR', b: 'SA', n: 20 } as never),
    'articles search': () => Q.buildArticleListQuery(f, { q: 'سازمان ملل', limit: 50, offset: 0 } as never),
    'article detail + mentions': () => Q.buildArticleMentionsQuery(id)
  };
  const out: Record<string, number> = {};
  for (const [name, build] of Object.entries(qs)) {
    try {
      const q = build();
      await db.query(q); // warm
      const t0 = performance.now();
      await db.query(q);
      out[name] = performance.now() - t0;
    } catch (e) {
      out[name] = Number.NaN;
      console.error(`[bench] query ${name}: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  await db.close();
  return out;
}

/** Cold load to the first drawn chart, then p50/p95 of control change → chart redrawn on the trends page. */
async function timeBrowser(dataDir: string): Promise<Row['browser']> {
  if (!existsSync('/usr/bin/chromium')) return { coldMs: null, p50: null, p95: null, note: 'no /usr/bin/chromium' };
  const { chromium } = await import('playwright-core');
  const { startStaticServer } = await import('../tests/helpers/static-server');
  const server = await startStaticServer({ root: join(ROOT, 'build'), dataDir });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const t0 = Date.now();
    await page.goto(`${server.url}trends/`);
    await page.waitForSelector('[data-chart-id="topic-trend"] [data-chart-ready]', { timeout: 600_000, state: 'attached' });
    const coldMs = Date.now() - t0;
    // Record every redraw (the chart component re-sets data-chart-ready on each new option).
    await page.evaluate(() => {
      const w = window as unknown as { __redraws: number[] };
      w.__redraws = [];
      const el = document.querySelector('[data-chart-id="topic-trend"] [data-chart-ready]')!;
      new MutationObserver(() => {
        if ((el as HTMLElement).dataset.chartReady !== undefined) w.__redraws.push(performance.now());
      }).observe(el, { attributes: true, attributeFilter: ['data-chart-ready'] });
    });
    const cycle = ['quarter', 'year', 'week', 'month'];
    const times: number[] = [];
    for (let i = 0; i < Number(values.repeat); i++) {
      const v = cycle[i % cycle.length];
      const start = await page.evaluate(() => performance.now());
      await page.click(`button[data-value="${v}"]`);
      const end = await page.waitForFunction(
        (s) => (window as unknown as { __redraws: number[] }).__redraws.find((t) => t > s) ?? false,
        start,
        { timeout: 120_000, polling: 'raf' }
      );
      times.push(((await end.jsonValue()) as number) - start);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    return { coldMs, p50: q(0.5), p95: q(0.95) };
  } catch (e) {
    return { coldMs: null, p50: null, p95: null, note: (e as Error).message.slice(0, 160) };
  } finally {
    await browser.close();
    await server.close();
  }
}

const cpu = cpus();
console.log(`engagement-monitor bench — ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${new Date().toISOString()}`);
if (!existsSync(join(ROOT, 'build', 'index.html'))) execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });

const rows: Row[] = [];
for (const n of sizes) {
  const input = synth(n);
  const out = join(BENCH, `out-${n}`);
  console.error(`[bench] preprocessing ${n} …`);
  // --reuse: keep an earlier run's output (its manifest gives the run time; peak RSS is then unknown).
  const p = values.reuse && existsSync(join(out, 'manifest.json'))
    ? (() => {
        const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
        return { seconds: manifest.run_ms / 1000, rssMB: null, manifest };
      })()
    : preprocess(input, out);
  const textMB = p.manifest.rows.articles ? statSync(input).size / 1e6 : 0;
  const parquet: Record<string, number> = {};
  for (const [t, f] of Object.entries(PARQUET_FILES)) parquet[t] = statSync(join(out, f)).size / 1e6;
  for (const [t, f] of Object.entries(DERIVED_PARQUET_FILES)) if (existsSync(join(out, f))) parquet[t] = statSync(join(out, f)).size / 1e6;
  console.error(`[bench] queries on ${n} …`);
  const queries = await timeQueries(out);
  const browser = n <= Number(values['browser-max']) ? await timeBrowser(out) : { coldMs: null, p50: null, p95: null, note: 'skipped (--browser-max)' };
  rows.push({ n, inputMB: textMB, seconds: p.seconds, mbps: textMB / p.seconds, aps: n / p.seconds, rssMB: p.rssMB, parquet, rows: p.manifest.rows, queries, browser });
}

const fmt = (x: number | null | undefined, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
const cols = rows.map((r) => r.n.toLocaleString('en'));
const line = (label: string, vals: string[]) => console.log(`| ${label.padEnd(34)} | ${vals.map((v) => v.padStart(12)).join(' | ')} |`);
console.log('');
line('articles', cols);
console.log(`|${'-'.repeat(36)}|${cols.map(() => '-'.repeat(14)).join('|')}|`);
line('input JSONL (MB)', rows.map((r) => fmt(r.inputMB)));
line('preprocess wall time (s)', rows.map((r) => fmt(r.seconds)));
line('preprocess MB/s (input)', rows.map((r) => fmt(r.mbps, 2)));
line('preprocess articles/s', rows.map((r) => fmt(r.aps, 0)));
line('preprocess peak RSS (MB)', rows.map((r) => fmt(r.rssMB, 0)));
for (const t of Object.keys(PARQUET_FILES) as TableName[]) line(`parquet ${t} (MB / rows)`, rows.map((r) => `${fmt(r.parquet[t], 1)}/${r.rows[t]}`));
// Derived tables (not in the manifest's row counts): size only; the browser starts from article_counts.
for (const t of Object.keys(DERIVED_PARQUET_FILES)) line(`parquet ${t} (MB)`, rows.map((r) => fmt(r.parquet[t], 2)));
for (const q of Object.keys(rows[0]?.queries ?? {})) line(`query ${q} (ms)`, rows.map((r) => fmt(r.queries[q], 0)));
line('browser cold load → chart (ms)', rows.map((r) => fmt(r.browser.coldMs, 0)));
line('browser change → redraw p50 (ms)', rows.map((r) => fmt(r.browser.p50, 0)));
line('browser change → redraw p95 (ms)', rows.map((r) => fmt(r.browser.p95, 0)));
for (const r of rows) if (r.browser.note) console.log(`  browser at ${r.n}: ${r.browser.note}`);
console.log('\nTargets (issue): ≥ 20 MB/s preprocessing, < 1 GiB peak RSS at 1M, first chart ≤ 3 s and redraw p95 ≤ 100 ms at 1M.');
