/**
 * The benchmark's other pages: each dashboard page opened cold in a fresh tab of headless Chromium, timed to every
 * chart (or the article table / reader) drawn or failed, with the bytes it fetched. Used by scripts/bench.ts; also
 * runnable alone: `node --import tsx scripts/bench-pages.ts <data dir> [build dir]`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PageTiming {
  page: string;
  ms: number | null;
  mb: number;
  /** 'ready', or what went wrong: chart errors, page errors, a timeout. */
  state: string;
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Pages opened, in order; `{id}` is replaced by an article id of the data. */
export const BENCH_PAGES = ['/', 'stance/', 'comentions/', 'compare/', 'articles/', 'articles/view/?id={id}'];

export async function timePages(dataDir: string, buildDir: string, articleId: string, timeoutMs = 180_000): Promise<PageTiming[]> {
  const { chromium } = await import('playwright-core');
  const { startStaticServer } = await import('../tests/helpers/static-server');
  const server = await startStaticServer({ root: buildDir, dataDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const out: PageTiming[] = [];
  try {
    for (const p of BENCH_PAGES) {
      const path = p.replace('{id}', encodeURIComponent(articleId));
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message.slice(0, 120)));
      let bytes = 0;
      page.on('requestfinished', async (r) => {
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
      if (errors.length) state += `; page errors: ${errors.slice(0, 2).join(' | ')}`;
      out.push({ page: path, ms, mb: bytes / 1e6, state });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench-pages.ts')) {
  const dataDir = resolve(process.argv[2] ?? 'static/data');
  const buildDir = resolve(process.argv[3] ?? 'build');
  if (!existsSync(buildDir)) throw new Error(`no build at ${buildDir}: run npm run build`);
  const { openNodeDb } = await import('../src/lib/db/node');
  const db = await openNodeDb(dataDir);
  const [a] = await db.query<{ article_id: string }>({ sql: 'SELECT article_id FROM article_facts ORDER BY text_row LIMIT 1', params: [] });
  await db.close();
  for (const t of await timePages(dataDir, buildDir, a?.article_id ?? '')) {
    console.log(`${t.page.padEnd(40)} ${t.ms === null ? '—' : String(t.ms).padStart(7)} ms  ${t.mb.toFixed(1).padStart(7)} MB  ${t.state}`);
  }
}
