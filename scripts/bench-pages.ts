/**
 * The benchmark's other pages: each dashboard page opened cold in a fresh tab of headless Chromium, timed to every
 * chart (or the article table / reader) drawn or failed, with the bytes it fetched; then, on the chart pages
 * (overview, stance, co-mentions, compare), filter changes made the way a user makes them, each timed to every chart
 * of the page drawn again. Used by scripts/bench.ts, which times the trends page with the same helpers; also runnable
 * alone: `node --import tsx scripts/bench-pages.ts <data dir> [build dir] [--rounds N] [--only stance/,compare/]`.
 *
 * A change is timed from the driver's call (and, separately, from the input event the page received) to the last
 * chart redrawn (an ECharts option set, or a chart cleared) or loading state left, once no figure is loading and no
 * element is aria-busy. Opening a filter's pop-up is not a filter change: it happens before the timer starts. Every
 * change is checked to have really redrawn: some chart went to 'loading' or re-set its option; and the drawn options
 * are read before and after, to count the changes that drew a different picture. A change that redraws nothing
 * within 5 s is not timed, and reported.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';

export interface PageTiming {
  page: string;
  ms: number | null;
  mb: number;
  /** 'ready', or what went wrong: chart errors, page errors, a timeout. */
  state: string;
  /** Filter changes after the cold load (chart pages only), per kind of change. */
  changes?: ChangeTiming[];
}

/** The changes of one kind made on one page, in the order made. */
export interface ChangeTiming {
  kind: string;
  /** What each change did ('pick IR', 'all', 'from 2019-03-02', …). */
  labels: string[];
  /** Driver call → page drawn again (ms); the changes that redrew nothing are left out. */
  ms: number[];
  /** The same, from the input event the page received. */
  fromEvent: number[];
  /** Driver call → the last chart drawn, not waiting for other busy elements (e.g. stance's evidence list). */
  chartsMs: number[];
  /** The same, from the input event the page received. */
  chartsFromEvent: number[];
  /** Figures on the page, and how many went to 'loading' or re-set their option, per timed change. */
  figures: number[];
  redrawn: number[];
  /** Timed changes after which some figure's drawn option (or state) differs from before. */
  changed: number;
  /** Labels of the changes after which nothing redrew within 5 s (not timed). */
  noRedraw: string[];
  /** Changes not made: the control offered no other value then (e.g. compare with two countries). */
  skipped: number;
  /** The change that failed (e.g. timed out), after which no more changes were made on the page. */
  failed?: string;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Pages opened, in order; `{id}` is replaced by an article id of the data. */
export const BENCH_PAGES = ['/', 'stance/', 'comentions/', 'compare/', 'articles/', 'articles/view/?id={id}'];

/** Changes made on each chart page after its cold load (see pageChangeKinds). */
export const CHANGE_PAGES: Record<string, readonly string[]> = {
  '/': ['country', 'date range', 'topic'],
  'stance/': ['country', 'date range', 'topic', 'target', 'granularity'],
  'comentions/': ['country', 'date range', 'topic', 'columns'],
  // The country filter does not apply on compare (the pair replaces it): its change is the pair's country B.
  'compare/': ['pair', 'date range', 'topic']
};

/** The p-quantile of xs (nearest rank below); null when there are none. */
export function quantile(xs: readonly number[], p: number): number | null {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null;
}

export const roundAll = (xs: readonly number[]) => xs.map((t) => Math.round(t)).join(' ');

interface Recorded {
  inputs: number[];
  muts: { t: number; fig: string | null; attr: string; v: string | null }[];
}

/**
 * Installs, in the page, what the change timings read: the time of every click and change event (when the user's
 * input reached the page: playwright's click first waits for the element to be stable, scrolls and hit-tests, tens
 * of ms the page never sees; event timeStamps share performance.now()'s clock), and of every change of a chart's
 * data-chart-ready (re-set by the chart component on each new option, removed when it clears) or data-chart-state,
 * and of any aria-busy.
 */
export async function recordChanges(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __bench?: Recorded };
    if (w.__bench) return;
    const b: Recorded = { inputs: [], muts: [] };
    w.__bench = b;
    for (const type of ['click', 'change']) document.addEventListener(type, (e) => b.inputs.push(e.timeStamp), true);
    new MutationObserver((ms) => {
      const t = performance.now();
      for (const m of ms) {
        const el = m.target as HTMLElement;
        const fig = el.closest('figure[data-chart-id]') as HTMLElement | null;
        b.muts.push({ t, fig: fig?.dataset.chartId ?? null, attr: m.attributeName ?? '', v: el.getAttribute(m.attributeName ?? '') });
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-chart-ready', 'data-chart-state', 'aria-busy'] });
  });
}

/** Per figure: its state and, when drawn, a hash of its ECharts option's series and axis data. */
export function drawnFigures(page: Page): Promise<Record<string, string>> {
  return page.$$eval('figure[data-chart-id]', (figs) => {
    const out: Record<string, string> = {};
    for (const f of figs) {
      const fig = f as HTMLElement;
      let s = fig.dataset.chartState ?? '';
      const inst = (fig.querySelector('.chart-canvas') as unknown as { __chart?: { getOption(): Record<string, unknown> } } | null)?.__chart;
      if (s === 'ready' && inst) {
        const o = inst.getOption();
        const text = JSON.stringify([
          ((o.series ?? []) as { name?: unknown; data?: unknown }[]).map((x) => [x.name, x.data]),
          ((o.xAxis ?? []) as { data?: unknown }[]).map((a) => a.data),
          ((o.yAxis ?? []) as { data?: unknown }[]).map((a) => a.data),
          o.dataset ?? null
        ]);
        let h = 0;
        for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
        s += `:${text.length}:${h}`;
      }
      out[fig.dataset.chartId ?? '?'] = s;
    }
    return out;
  });
}

export interface ChangeResult {
  /** Driver call → last redraw; null when nothing redrew within quietMs. */
  ms: number | null;
  fromEvent: number | null;
  chartsMs: number | null;
  chartsFromEvent: number | null;
  figures: number;
  /** Figures that went to 'loading' or re-set (or cleared) their drawing. */
  redrawn: number;
  /** Figures whose drawn option or state differs from before. */
  changed: number;
}

/**
 * Times one change (`act`, the driver's call): until every figure is out of 'loading', nothing is aria-busy and
 * something redrew, then two frames more (a second redraw right after, e.g. series list then rows, belongs to the same
 * change). Anything that must not be timed (opening a pop-up) is done by the caller before.
 */
export async function timeChange(page: Page, act: () => Promise<unknown>, opts: { timeoutMs?: number; quietMs?: number } = {}): Promise<ChangeResult> {
  // The page at rest first (the previous change's redraws all in), so none of them is counted for this one.
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('figure[data-chart-id]')].some((f) => (f as HTMLElement).dataset.chartState === 'loading') &&
      !document.querySelector('[aria-busy="true"]'),
    undefined,
    { timeout: opts.timeoutMs ?? 120_000, polling: 'raf' }
  );
  const before = await drawnFigures(page);
  const start = await page.evaluate(() => performance.now());
  await act();
  const outcome = await page.waitForFunction(
    ([s, quiet]) => {
      const b = (window as unknown as { __bench: Recorded }).__bench;
      if (!b.muts.some((m) => m.t > s)) return performance.now() - s > quiet ? 'none' : false;
      if ([...document.querySelectorAll('figure[data-chart-id]')].some((f) => (f as HTMLElement).dataset.chartState === 'loading')) return false;
      return document.querySelector('[aria-busy="true"]') ? false : 'drawn';
    },
    [start, opts.quietMs ?? 5000] as const,
    { timeout: opts.timeoutMs ?? 120_000, polling: 'raf' }
  );
  const figures = Object.keys(before).length;
  if ((await outcome.jsonValue()) === 'none') return { ms: null, fromEvent: null, chartsMs: null, chartsFromEvent: null, figures, redrawn: 0, changed: 0 };
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const r = await page.evaluate((s) => {
    const b = (window as unknown as { __bench: Recorded }).__bench;
    let end = s;
    let charts = s;
    const redrawn = new Set<string>();
    for (const m of b.muts) {
      if (m.t <= s) continue;
      if (m.fig && (m.attr === 'data-chart-ready' || (m.attr === 'data-chart-state' && m.v === 'loading'))) redrawn.add(m.fig);
      // Entering a loading or busy state is not an end.
      if ((m.attr === 'data-chart-state' && m.v === 'loading') || (m.attr === 'aria-busy' && m.v === 'true')) continue;
      end = Math.max(end, m.t);
      if (m.fig) charts = Math.max(charts, m.t);
    }
    // The last input before the redraw (opening a filter pop-up is a click of its own, made before the timer).
    const input = Math.max(s, ...b.inputs.filter((t) => t > s && t < end));
    const chartsInput = Math.max(s, ...b.inputs.filter((t) => t > s && t < charts));
    return { end, charts, input, chartsInput, redrawn: redrawn.size };
  }, start);
  const after = await drawnFigures(page);
  const changed = Object.keys(after).filter((k) => after[k] !== before[k]).length;
  return { ms: r.end - start, fromEvent: r.end - r.input, chartsMs: r.charts - start, chartsFromEvent: r.charts - r.chartsInput, figures, redrawn: r.redrawn, changed };
}

/**
 * The filter bar's and the pages' controls, driven as a user drives them. A filter's pop-up is opened by
 * `openFilter` (call it before the timer); `pick` clicks an option; `clearFilter` its Clear button (back to all).
 */
export function controls(page: Page) {
  const closePopups = (except?: string) =>
    page.evaluate((keep) => {
      document.querySelectorAll('details[open]').forEach((d) => {
        if ((d as HTMLElement).dataset.filter !== keep) (d as HTMLDetailsElement).open = false;
      });
    }, except ?? null);
  const openFilter = async (filter: string) => {
    await closePopups(filter);
    const d = `details[data-filter="${filter}"]`;
    if (!(await page.$eval(d, (e) => (e as HTMLDetailsElement).open))) await page.click(`${d} summary`);
  };
  return {
    closePopups,
    openFilter,
    optionValues: (filter: string) =>
      page.$$eval(`details[data-filter="${filter}"] input[type="checkbox"]`, (els) => els.map((e) => (e as HTMLInputElement).value)),
    pick: async (filter: string, value: string) => {
      await openFilter(filter);
      await page.click(`details[data-filter="${filter}"] input[value="${value}"]`);
    },
    clearFilter: async (filter: string) => {
      await openFilter(filter);
      await page.click(`details[data-filter="${filter}"] .ms-clear`);
    },
    /** One end of the date range, as a user sets it: the input's value, then its change event. */
    setDate: (name: 'from' | 'to', value: string) =>
      page.evaluate(([name, v]) => {
        const el = document.querySelector(`input[name="${name}"]`) as HTMLInputElement;
        el.value = v;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, [name, value] as const),
    dateExtent: () =>
      page.evaluate(() => {
        const i = document.querySelector('input[name="from"]') as HTMLInputElement;
        return { min: i.min, max: i.max };
      }),
    seg: (control: string, value: string) => page.click(`[data-control="${control}"] button[data-value="${value}"]`),
    selectValue: (name: string) => page.$eval(`select[name="${name}"]`, (s) => (s as HTMLSelectElement).value),
    selectOptions: (name: string) =>
      page.$$eval(`select[name="${name}"] option`, (os) => os.filter((o) => !(o as HTMLOptionElement).disabled).map((o) => (o as HTMLOptionElement).value)),
    select: (name: string, value: string) => page.selectOption(`select[name="${name}"]`, value, { timeout: 10_000 })
  };
}

/**
 * Date-range changes, one end at a time (a user sets From, then To; setting both inputs in one go would send the
 * second change with the filters from before the first, and lose it): ten ranges inside the data's last ten years
 * (where a real corpus has its articles; the 1M benchmark data has a few dates back to 1903), then both ends cleared.
 * Every step differs from the one before it.
 */
export function dateSteps(extent: { min: string; max: string }): ['from' | 'to', string][] {
  const maxYear = Number(extent.max.slice(0, 4)) || 2025;
  const floor = `${maxYear - 10}-01-01`;
  const lo = Date.parse(extent.min && extent.min > floor ? extent.min : floor);
  const hi = Date.parse(extent.max || `${maxYear}-12-31`);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const span = Math.max(0, hi - lo);
  const steps: ['from' | 'to', string][] = [];
  for (let k = 0; k < 10; k++) {
    steps.push(['from', day(lo + span * (0.05 + 0.1 * (k % 5)))]);
    steps.push(['to', day(hi - span * (0.04 + 0.1 * (k % 3)))]);
  }
  steps.push(['from', ''], ['to', '']);
  return steps;
}

/** One kind of change: the i-th change's label, what to do before the timer, and the timed action. */
export interface ChangeKind {
  kind: string;
  /** Before the timer (e.g. open a pop-up, choose the next value); returns the change's label, or null when the
   * control offers no other value now (the change is skipped). */
  prepare: (i: number) => Promise<string | null>;
  act: (i: number) => Promise<unknown>;
}

/**
 * The kinds of change, by name: 'country' and 'topic' (pick one option of the filter, then back to all: even
 * changes pick the first, second, third option in turn, odd ones press Clear), 'date range' (dateSteps),
 * 'granularity' (the time step), 'target' (stance: another target, then back to the first), 'columns' (co-mentions),
 * 'pair' (compare: another country B, then back). Kinds whose control is missing are left out.
 */
export async function changeKinds(page: Page, names: readonly string[]): Promise<ChangeKind[]> {
  const c = controls(page);
  const out: ChangeKind[] = [];
  const filterKind = async (kind: string, filter: string) => {
    const values = (await c.optionValues(filter)).slice(0, 3);
    if (!values.length) return;
    out.push({
      kind,
      prepare: async (i) => {
        await c.openFilter(filter);
        return i % 2 ? 'all' : `pick ${values[(i >> 1) % values.length]}`;
      },
      act: (i) => (i % 2 ? c.clearFilter(filter) : c.pick(filter, values[(i >> 1) % values.length]))
    });
  };
  // Another value of a select than the current one, then back to the first value; chosen before the timer from the
  // options listed then (stance's targets depend on the filters: the first target may not be listed any more).
  const selectKind = async (kind: string, name: string) => {
    if (!(await page.$(`select[name="${name}"]`))) return;
    const first = await c.selectValue(name);
    let next = first;
    out.push({
      kind,
      prepare: async (i) => {
        await c.closePopups();
        const now = await c.selectValue(name);
        const listed = (await c.selectOptions(name)).filter((v) => v !== now);
        const others = listed.filter((v) => v !== first);
        const pick = others.length ? others[(i >> 1) % Math.min(3, others.length)] : null;
        const back = listed.includes(first) ? first : null;
        const v = i % 2 ? (back ?? pick) : (pick ?? back);
        if (v === null) return null;
        next = v;
        return v;
      },
      act: () => c.select(name, next)
    });
  };
  const segKind = async (kind: string, control: string, values: string[]) => {
    if (!(await page.$(`[data-control="${control}"]`))) return;
    out.push({
      kind,
      prepare: async (i) => {
        await c.closePopups();
        return values[i % values.length];
      },
      act: (i) => c.seg(control, values[i % values.length])
    });
  };
  for (const name of names) {
    if (name === 'country') await filterKind(name, 'countries');
    else if (name === 'topic') await filterKind(name, 'topics');
    else if (name === 'date range') {
      const steps = dateSteps(await c.dateExtent());
      out.push({
        kind: name,
        prepare: async (i) => {
          await c.closePopups();
          const [end, v] = steps[i % steps.length];
          return `${end} ${v || '(none)'}`;
        },
        act: (i) => c.setDate(...steps[i % steps.length])
      });
    } else if (name === 'granularity') await segKind(name, 'gran', ['week', 'quarter', 'year', 'month']);
    else if (name === 'columns') await segKind(name, 'cols', ['actors', 'topics']);
    else if (name === 'target') await selectKind(name, 'target');
    else if (name === 'pair') await selectKind(name, 'b');
    else throw new Error(`unknown change kind ${name}`);
  }
  return out;
}

/**
 * `rounds` rounds of one change of each kind, interleaved (so most changes land on a filter state not seen just
 * before), each timed by timeChange.
 */
export async function runChanges(page: Page, kinds: ChangeKind[], rounds: number, opts: { timeoutMs?: number } = {}): Promise<ChangeTiming[]> {
  const out = kinds.map((k): ChangeTiming => ({ kind: k.kind, labels: [], ms: [], fromEvent: [], chartsMs: [], chartsFromEvent: [], figures: [], redrawn: [], changed: 0, noRedraw: [], skipped: 0 }));
  for (let i = 0; i < rounds; i++) {
    for (const [j, k] of kinds.entries()) {
      const t = out[j];
      const label = await k.prepare(i);
      if (label === null) {
        t.skipped++;
        continue;
      }
      let r: ChangeResult;
      try {
        r = await timeChange(page, () => k.act(i), opts);
      } catch (e) {
        t.failed = `${label}: ${(e as Error).message.split('\n')[0].slice(0, 160)}`;
        return out;
      }
      if (r.ms === null) {
        t.noRedraw.push(label);
        continue;
      }
      t.labels.push(label);
      t.ms.push(r.ms);
      t.fromEvent.push(r.fromEvent ?? r.ms);
      t.chartsMs.push(r.chartsMs ?? r.ms);
      t.chartsFromEvent.push(r.chartsFromEvent ?? r.fromEvent ?? r.ms);
      t.figures.push(r.figures);
      t.redrawn.push(r.redrawn);
      if (r.changed > 0) t.changed++;
    }
  }
  return out;
}

/** Lines describing a page's changes: p50/p95 per kind, every sample in the order made, the redraw checks. */
export function describeChanges(changes: ChangeTiming[]): string[] {
  const f = (x: number | null) => (x === null ? '—' : String(Math.round(x)));
  const lines: string[] = [];
  for (const c of changes) {
    const n = c.ms.length;
    const notes =
      (c.noRedraw.length ? `; NO REDRAW within 5 s (not timed): ${c.noRedraw.join(', ')}` : '') +
      (c.skipped ? `; ${c.skipped} skipped (no other value to choose)` : '') +
      (c.failed ? `; FAILED (no more changes made): ${c.failed}` : '');
    if (!n) {
      lines.push(`  ${c.kind.padEnd(12)} no change timed${notes}`);
      continue;
    }
    lines.push(
      `  ${c.kind.padEnd(12)} p50 / p95 ${f(quantile(c.ms, 0.5))} / ${f(quantile(c.ms, 0.95))} ms, from the input event ${f(quantile(c.fromEvent, 0.5))} / ${f(quantile(c.fromEvent, 0.95))} ms (n ${n})`
    );
    lines.push(`    in order: ${c.labels.map((l, i) => `${l} ${Math.round(c.ms[i])}`).join(', ')}`);
    lines.push(`    from the input event: ${roundAll(c.fromEvent)}`);
    if (c.chartsMs.some((t, i) => c.ms[i] - t > 1)) {
      lines.push(`    charts alone (not waiting for other busy elements): ${roundAll(c.chartsMs)}`);
      lines.push(`    charts alone from the input event: ${roundAll(c.chartsFromEvent)}`);
    }
    const redrawn = c.redrawn.map((r, i) => `${r}/${c.figures[i]}`);
    lines.push(
      `    checks: figures loading or redrawn per change ${[...new Set(redrawn)].join(', ')}; drawn picture changed in ${c.changed} of ${n}${notes}`
    );
  }
  const all = changes.flatMap((c) => c.ms);
  const ev = changes.flatMap((c) => c.fromEvent);
  const charts = changes.flatMap((c) => c.chartsFromEvent);
  lines.push(`  all changes p50 / p95 ${f(quantile(all, 0.5))} / ${f(quantile(all, 0.95))} ms, from the input event ${f(quantile(ev, 0.5))} / ${f(quantile(ev, 0.95))} ms`);
  lines.push(`  charts alone from the input event p50 / p95 ${f(quantile(charts, 0.5))} / ${f(quantile(charts, 0.95))} ms`);
  return lines;
}

/** Waits until no request has been in flight for `quietMs` (at most `maxMs`): the page's background loading done. */
async function networkQuiet(page: Page, inflight: () => number, quietMs = 500, maxMs = 30_000): Promise<number> {
  const t0 = Date.now();
  let quietSince = Date.now();
  while (Date.now() - t0 < maxMs) {
    if (inflight() > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) break;
    await page.waitForTimeout(50);
  }
  return Date.now() - t0;
}

export interface PagesOptions {
  /** Rounds of changes on each chart page (one change of each kind per round). */
  rounds?: number;
  timeoutMs?: number;
  /** Only these pages (as in BENCH_PAGES, e.g. 'stance/'). */
  only?: string[];
  /** Called with each page's lines as soon as they are known. */
  log?: (line: string) => void;
}

export async function timePages(dataDir: string, buildDir: string, articleId: string, opts: PagesOptions = {}): Promise<PageTiming[]> {
  const { rounds = 6, timeoutMs = 180_000, only, log } = opts;
  const { chromium } = await import('playwright-core');
  const { startStaticServer } = await import('../tests/helpers/static-server');
  const server = await startStaticServer({ root: buildDir, dataDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const out: PageTiming[] = [];
  try {
    for (const p of BENCH_PAGES) {
      if (only && !only.includes(p)) continue;
      const path = p.replace('{id}', encodeURIComponent(articleId));
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message.slice(0, 120)));
      let bytes = 0;
      let inflight = 0;
      page.on('request', () => inflight++);
      page.on('requestfailed', () => inflight--);
      page.on('requestfinished', async (r) => {
        inflight--;
        const s = await r.sizes().catch(() => null);
        bytes += s?.responseBodySize ?? 0;
      });
      const t0 = Date.now();
      let ms: number | null = null;
      let state: string;
      try {
        await page.goto(server.url + path.replace(/^\//, ''));
        // Drawn: every chart out of its loading state; the list and the reader: their content or an error shown.
        await page.waitForFunction(
          () => {
            const path = location.pathname;
            const text = document.body.textContent ?? '';
            if (text.includes('Loading the dashboard')) return false;
            const busy = document.querySelector('[aria-busy="true"]');
            if (path.includes('/articles/view')) return !busy && Boolean(document.querySelector('main h1, [role="alert"]'));
            if (path.includes('/articles')) return !busy && Boolean(document.querySelector('[data-testid="article-table"] tbody tr, [role="alert"], [data-testid="no-articles"]'));
            const figs = [...document.querySelectorAll('figure[data-chart-id]')];
            return figs.length > 0 && figs.every((f) => (f as HTMLElement).dataset.chartState !== 'loading');
          },
          undefined,
          { timeout: timeoutMs, polling: 100 }
        );
        ms = Date.now() - t0;
        const bad = await page.$$eval('figure[data-chart-id]', (fs) =>
          fs.filter((f) => (f as HTMLElement).dataset.chartState === 'error').map((f) => (f as HTMLElement).dataset.chartId ?? '?')
        );
        state = bad.length ? `chart error: ${bad.join(', ')}` : 'ready';
      } catch (e) {
        state = `not drawn in ${Math.round(timeoutMs / 1000)} s (${(e as Error).message.split('\n')[0].slice(0, 80)})`;
      }
      const mb = bytes / 1e6;
      let changes: ChangeTiming[] | undefined;
      if (ms !== null && CHANGE_PAGES[p] && rounds > 0) {
        try {
          // Changes start once the page's background loading is over (a user reads the first charts first).
          const settled = await networkQuiet(page, () => inflight);
          await recordChanges(page);
          changes = await runChanges(page, await changeKinds(page, CHANGE_PAGES[p]), rounds, { timeoutMs });
          log?.(`${path}: ${rounds} rounds of changes, started ${settled} ms after drawn (network quiet)`);
          for (const l of describeChanges(changes)) log?.(l);
        } catch (e) {
          state += `; changes failed: ${(e as Error).message.split('\n')[0].slice(0, 160)}`;
        }
        const bad = await page
          .$$eval('figure[data-chart-id]', (fs) => fs.filter((f) => (f as HTMLElement).dataset.chartState === 'error').map((f) => (f as HTMLElement).dataset.chartId ?? '?'))
          .catch(() => []);
        if (bad.length) state += `; chart error after changes: ${bad.join(', ')}`;
      }
      if (errors.length) state += `; page errors: ${errors.slice(0, 2).join(' | ')}`;
      out.push({ page: path, ms, mb, state, changes });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench-pages.ts')) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string', default: '6' }, only: { type: 'string' } }
  });
  const dataDir = resolve(positionals[0] ?? 'static/data');
  const buildDir = resolve(positionals[1] ?? 'build');
  if (!existsSync(buildDir)) throw new Error(`no build at ${buildDir}: run npm run build`);
  const { openNodeDb } = await import('../src/lib/db/node');
  const db = await openNodeDb(dataDir);
  const [a] = await db.query<{ article_id: string }>({ sql: 'SELECT article_id FROM article_facts ORDER BY text_row LIMIT 1', params: [] });
  await db.close();
  const timings = await timePages(dataDir, buildDir, a?.article_id ?? '', {
    rounds: Number(values.rounds),
    only: values.only?.split(','),
    // Progress (each page's changes as soon as timed) on stderr; the summary below on stdout.
    log: (l) => console.error(l)
  });
  for (const t of timings) {
    console.log(`${t.page.padEnd(40)} ${t.ms === null ? '—' : String(t.ms).padStart(7)} ms  ${t.mb.toFixed(1).padStart(7)} MB  ${t.state}`);
  }
  for (const t of timings) if (t.changes) for (const l of [`${t.page} changes:`, ...describeChanges(t.changes)]) console.log(l);
}
