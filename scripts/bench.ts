/**
 * npm run bench [-- --sizes 10000,100000,1000000 --from ../shared/corpus --browser-max 100000]
 *
 * Prints one table: for each corpus size, preprocessing throughput (MB/s of text, articles/s), peak RSS, Parquet size
 * per table, DuckDB (Node) time of every dashboard query, and in headless Chromium on the built site: cold load to
 * the first drawn chart, p50/p95 from a control change to the chart redrawn, and every other page opened cold (time
 * to drawn, MB fetched), then on the other chart pages p50/p95 from a filter change to every chart redrawn
 * (scripts/bench-pages.ts). Figures are measured and printed,
 * never asserted. Benchmark corpora are made by `npm run synth` (benchmark-only) and cached in .bench/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openNodeDb } from '../src/lib/db/node';
import { EMPTY_FILTERS } from '../src/lib/filters';
import * as Q from '../src/lib/queries';
import { DERIVED_PARQUET_FILES, PARQUET_FILES, type Manifest, type TableName } from '../src/lib/schema';
import { BENCH_PAGES, CHANGE_PAGES, changeKinds, CHROMIUM_ARGS, quantile, recordChanges, roundAll, runChanges, timePages, type PageTiming } from './bench-pages';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    from: { type: 'string', default: '../shared/corpus' },
    'browser-max': { type: 'string', default: '1000000' },
    workers: { type: 'string' },
    // Rounds of browser redraws (one change of each kind per round). At least 20, or a per-kind "p95" is the slowest
    // sample; with 24 it is the second slowest of 24.
    repeat: { type: 'string', default: '24' },
    // Rounds of changes on each other chart page (overview, stance, co-mentions, compare; one change of each kind per
    // round): at 1M a stance redraw can take seconds.
    'page-rounds': { type: 'string', default: '6' },
    reuse: { type: 'boolean', default: false },
    'skip-queries': { type: 'boolean', default: false },
    // Another build of the site (e.g. an older commit's) to time the browser on, for before/after figures.
    'build-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false }
  }
});
if (values.help) {
  console.log('Usage: npm run bench -- [--sizes 10000,100000,1000000] [--from ../shared/corpus] [--browser-max N] [--workers N] [--repeat N] [--page-rounds N] [--reuse] [--skip-queries] [--build-dir DIR]');
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
  /** Each other dashboard page opened cold: time to drawn, MB fetched, state. */
  pages: PageTiming[];
  browser: {
    coldMs: number | null;
    p50: number | null;
    p95: number | null;
    byKind?: Record<string, { p50: number | null; p95: number | null; n: number }>;
    /** The same changes timed from the input event the browser dispatched (click/change), not from the driver call. */
    event?: { p50: number | null; p95: number | null; byKind: Record<string, { p50: number | null; p95: number | null }> };
    note?: string;
  };
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

/** The kinds of control change the issue names; each is timed separately (scripts/bench-pages.ts changeKinds). */
const CHANGE_KINDS = ['granularity', 'date range', 'country', 'topic'] as const;

/**
 * Cold load to the first drawn chart, then p50/p95 of control change → chart redrawn on the trends page, per kind of
 * change (granularity; one end of the date range; a country, then back to all; a topic, then back to all) and over
 * all of them. Changes are interleaved (one of each kind per round), so most land on a filter state not seen before
 * and the page's answer cache rarely hides a query. Timed by scripts/bench-pages.ts timeChange: "redrawn" is the last
 * time the chart re-sets data-chart-ready (or leaves its loading state) before its figure is out of 'loading'.
 */
async function timeBrowser(dataDir: string): Promise<Row['browser']> {
  if (!existsSync('/usr/bin/chromium')) return { coldMs: null, p50: null, p95: null, note: 'no /usr/bin/chromium' };
  const { chromium } = await import('playwright-core');
  const { startStaticServer } = await import('../tests/helpers/static-server');
  const server = await startStaticServer({ root: values['build-dir'] ? resolve(values['build-dir']) : join(ROOT, 'build'), dataDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const t0 = Date.now();
    await page.goto(`${server.url}trends/`);
    await page.waitForSelector('[data-chart-id="topic-trend"] [data-chart-ready]', { timeout: 600_000, state: 'attached' });
    const coldMs = Date.now() - t0;
    // From here on, changes start right after the first chart (the first ones while DuckDB-WASM still loads).
    await recordChanges(page);
    const changes = await runChanges(page, await changeKinds(page, CHANGE_KINDS), Number(values.repeat));
    const times = Object.fromEntries(changes.map((c) => [c.kind, c.ms])) as Record<string, number[]>;
    const fromEvent = Object.fromEntries(changes.map((c) => [c.kind, c.fromEvent])) as Record<string, number[]>;
    const kinds = CHANGE_KINDS.filter((k) => times[k]?.length);
    const all = Object.values(times).flat();
    // Every sample, sorted, so a p95 can be told apart from one slow outlier (under 20 samples, p95 is the slowest).
    const sorted = (xs: number[]) => roundAll([...xs].sort((a, b) => a - b));
    for (const k of kinds) console.log(`  ${k}: ${sorted(times[k])}`);
    for (const k of kinds) console.log(`  ${k} from input event: ${sorted(fromEvent[k])}`);
    for (const c of changes) {
      if (c.failed) console.log(`  ${c.kind}: FAILED, no more changes made: ${c.failed}`);
      if (c.noRedraw.length) console.log(`  ${c.kind}: NO REDRAW within 5 s (not timed): ${c.noRedraw.join(', ')}`);
      if (c.changed < c.ms.length) console.log(`  ${c.kind}: the drawn chart is the same as before in ${c.ms.length - c.changed} of ${c.ms.length} changes`);
    }
    // The first change of each kind after the first chart (included in every figure): its code runs for the first
    // time (not yet optimised by the JIT) while the page still loads DuckDB-WASM in the background.
    console.log(
      `  first change of each kind after load, from the driver call / from the input event: ${kinds
        .map((k) => `${k} ${Math.round(times[k][0])} / ${Math.round(fromEvent[k][0])}`)
        .join(', ')}`
    );
    // The difference between the two timings: what the driver (playwright's actionability checks, one click per
    // input) spends before the page receives the input.
    console.log(
      `  driver call → input event p50 (ms): ${kinds.map((k) => `${k} ${Math.round(quantile(times[k].map((t, i) => t - fromEvent[k][i]), 0.5) ?? NaN)}`).join(', ')}`
    );
    const allEvent = Object.values(fromEvent).flat();
    const event = {
      p50: quantile(allEvent, 0.5),
      p95: quantile(allEvent, 0.95),
      byKind: Object.fromEntries(CHANGE_KINDS.map((k) => [k, { p50: quantile(fromEvent[k] ?? [], 0.5), p95: quantile(fromEvent[k] ?? [], 0.95) }]))
    };
    const byKind = Object.fromEntries(CHANGE_KINDS.map((k) => [k, { p50: quantile(times[k] ?? [], 0.5), p95: quantile(times[k] ?? [], 0.95), n: times[k]?.length ?? 0 }]));
    return { coldMs, p50: quantile(all, 0.5), p95: quantile(all, 0.95), byKind, event };
  } catch (e) {
    return { coldMs: null, p50: null, p95: null, note: (e as Error).message.slice(0, 300) };
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
  // --reuse: keep an earlier run's output; the wall time and peak RSS that bench measured for it are in bench-run.json
  // (an output made otherwise has only its manifest's run time, and no peak RSS).
  const runFile = join(out, 'bench-run.json');
  const p = values.reuse && existsSync(join(out, 'manifest.json'))
    ? (() => {
        const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
        const run = existsSync(runFile) ? (JSON.parse(readFileSync(runFile, 'utf8')) as { seconds: number; rssMB: number | null; run_ms: number }) : null;
        return run && run.run_ms === manifest.run_ms ? { seconds: run.seconds, rssMB: run.rssMB, manifest } : { seconds: manifest.run_ms / 1000, rssMB: null, manifest };
      })()
    : (() => {
        const r = preprocess(input, out);
        writeFileSync(runFile, `${JSON.stringify({ seconds: r.seconds, rssMB: r.rssMB, run_ms: r.manifest.run_ms })}\n`);
        return r;
      })();
  const textMB = p.manifest.rows.articles ? statSync(input).size / 1e6 : 0;
  const parquet: Record<string, number> = {};
  for (const [t, f] of Object.entries(PARQUET_FILES)) parquet[t] = statSync(join(out, f)).size / 1e6;
  for (const [t, f] of Object.entries(DERIVED_PARQUET_FILES)) if (existsSync(join(out, f))) parquet[t] = statSync(join(out, f)).size / 1e6;
  console.error(`[bench] queries on ${n} …`);
  const queries = values['skip-queries'] ? {} : await timeQueries(out);
  const inBrowser = n <= Number(values['browser-max']);
  const browser = inBrowser ? await timeBrowser(out) : { coldMs: null, p50: null, p95: null, note: 'skipped (--browser-max)' };
  let pages: PageTiming[] = [];
  if (inBrowser && existsSync('/usr/bin/chromium')) {
    console.error(`[bench] other pages on ${n} …`);
    const db = await openNodeDb(out);
    const [a] = await db.query<{ article_id: string }>({ sql: 'SELECT article_id FROM article_facts ORDER BY text_row LIMIT 1', params: [] });
    await db.close();
    pages = await timePages(out, values['build-dir'] ? resolve(values['build-dir']) : join(ROOT, 'build'), a?.article_id ?? '', {
      rounds: Number(values['page-rounds']),
      log: (l) => console.log(l)
    });
  }
  rows.push({ n, inputMB: textMB, seconds: p.seconds, mbps: textMB / p.seconds, aps: n / p.seconds, rssMB: p.rssMB, parquet, rows: p.manifest.rows, queries, browser, pages });
}

const fmt = (x: number | null | undefined, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
const cols = rows.map((r) => r.n.toLocaleString('en'));
const line = (label: string, vals: string[]) => console.log(`| ${label.padEnd(38)} | ${vals.map((v) => v.padStart(12)).join(' | ')} |`);
console.log('');
line('articles', cols);
console.log(`|${'-'.repeat(40)}|${cols.map(() => '-'.repeat(14)).join('|')}|`);
line('input JSONL (MB)', rows.map((r) => fmt(r.inputMB)));
line('preprocess wall time (s)', rows.map((r) => fmt(r.seconds)));
line('preprocess MB/s (input)', rows.map((r) => fmt(r.mbps, 2)));
line('preprocess articles/s', rows.map((r) => fmt(r.aps, 0)));
line('preprocess peak RSS (MB)', rows.map((r) => fmt(r.rssMB, 0)));
for (const t of Object.keys(PARQUET_FILES) as TableName[]) line(`parquet ${t} (MB / rows)`, rows.map((r) => `${fmt(r.parquet[t], 1)}/${r.rows[t]}`));
// Derived tables (not in the manifest's row counts): size only; the browser starts from topic_buckets.
for (const t of Object.keys(DERIVED_PARQUET_FILES)) line(`parquet ${t} (MB)`, rows.map((r) => fmt(r.parquet[t], 2)));
for (const q of Object.keys(rows[0]?.queries ?? {})) line(`query ${q} (ms)`, rows.map((r) => fmt(r.queries[q], 0)));
line('browser cold load → chart (ms)', rows.map((r) => fmt(r.browser.coldMs, 0)));
line('browser change → redraw p50 (ms)', rows.map((r) => fmt(r.browser.p50, 0)));
line('browser change → redraw p95 (ms)', rows.map((r) => fmt(r.browser.p95, 0)));
for (const k of CHANGE_KINDS) line(`  ${k} p50 / p95 (ms)`, rows.map((r) => `${fmt(r.browser.byKind?.[k]?.p50, 0)} / ${fmt(r.browser.byKind?.[k]?.p95, 0)}`));
line('  samples per kind', rows.map((r) => CHANGE_KINDS.map((k) => r.browser.byKind?.[k]?.n ?? 0).join('/')));
line('input event → redraw p50 (ms)', rows.map((r) => fmt(r.browser.event?.p50, 0)));
line('input event → redraw p95 (ms)', rows.map((r) => fmt(r.browser.event?.p95, 0)));
for (const k of CHANGE_KINDS) line(`  ${k} p50 / p95 (ms)`, rows.map((r) => `${fmt(r.browser.event?.byKind[k]?.p50, 0)} / ${fmt(r.browser.event?.byKind[k]?.p95, 0)}`));
const pageNames = BENCH_PAGES.map((p) => p.replace(/\?.*$/, ''));
for (const [k, name] of pageNames.entries())
  line(`page ${name} cold (ms / MB)`, rows.map((r) => (r.pages[k] ? `${fmt(r.pages[k].ms, 0)} / ${fmt(r.pages[k].mb, 0)}` : '—')));
// Filter changes on the other chart pages, timed from the driver's call and from the input event the page received:
// over all kinds, then per kind.
const changesOf = (r: Row, p: string) => r.pages.find((t) => t.page === p)?.changes;
const pq = (xs: number[] | undefined) => `${fmt(quantile(xs ?? [], 0.5), 0)} / ${fmt(quantile(xs ?? [], 0.95), 0)}`;
for (const p of BENCH_PAGES.filter((p) => CHANGE_PAGES[p])) {
  line(`page ${p} change p50 / p95 (ms)`, rows.map((r) => pq(changesOf(r, p)?.flatMap((c) => c.ms))));
  line('  from the input event', rows.map((r) => pq(changesOf(r, p)?.flatMap((c) => c.fromEvent))));
  // Without waiting for the page's other busy elements (overview's latest articles, stance's evidence, compare's terms).
  line('  charts alone', rows.map((r) => pq(changesOf(r, p)?.flatMap((c) => c.chartsMs))));
  line('  charts alone from the input event', rows.map((r) => pq(changesOf(r, p)?.flatMap((c) => c.chartsFromEvent))));
  for (const k of CHANGE_PAGES[p]) {
    line(`  ${k} p50 / p95 (ms)`, rows.map((r) => pq(changesOf(r, p)?.find((c) => c.kind === k)?.ms)));
    line(`  ${k} from the input event`, rows.map((r) => pq(changesOf(r, p)?.find((c) => c.kind === k)?.fromEvent)));
  }
}
for (const r of rows) if (r.browser.note) console.log(`  browser at ${r.n}: ${r.browser.note}`);
for (const r of rows) for (const p of r.pages) if (p.state !== 'ready') console.log(`  page ${p.page} at ${r.n}: ${p.state}`);
for (const r of rows)
  for (const p of r.pages)
    for (const c of p.changes ?? []) {
      if (c.noRedraw.length) console.log(`  page ${p.page} at ${r.n}: ${c.kind}: no redraw within 5 s after ${c.noRedraw.join(', ')}`);
      if (c.skipped) console.log(`  page ${p.page} at ${r.n}: ${c.kind}: ${c.skipped} changes skipped (no other value to choose)`);
      if (c.failed) console.log(`  page ${p.page} at ${r.n}: ${c.kind}: failed, no more changes made: ${c.failed}`);
    }
console.log('\nTargets (issue): ≥ 20 MB/s preprocessing, < 1 GiB peak RSS at 1M, first chart ≤ 3 s and redraw p95 ≤ 100 ms at 1M (after any filter change, on every page).');
