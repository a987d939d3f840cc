/** BoundQuery.page's helpers (src/lib/db/page-table.ts): what each Db runs for a query with a page. */
import { describe, expect, it } from 'vitest';
import { createPageTable, PAGE, pageTableName, withPageTable } from '$lib/db/page-table';
import type { BoundQuery } from '$lib/db/types';

const page: BoundQuery = { sql: 'SELECT text_row FROM article_facts WHERE country = ? ORDER BY date LIMIT ?', params: ['IR', 25] };
const q: BoundQuery = {
  sql: `SELECT * FROM ${PAGE} p JOIN articles__rows a USING (article_id) WHERE a.lang = ?`,
  params: ['fa'],
  page,
  parts: {
    articles__rows: {
      sql: `SELECT r.article_row AS row_start FROM ${PAGE} p JOIN article_rows__rows r USING (text_row)`,
      params: [],
      parts: { article_rows__rows: { sql: `SELECT text_row AS row_start FROM ${PAGE}`, params: [] } }
    }
  },
  text: { rows: { sql: `SELECT text_row FROM ${PAGE} WHERE text_row > ?`, params: [3] } }
};

describe('BoundQuery.page', () => {
  it('names every use of the page (the query, nested parts, text rows) by one table, and drops the page', () => {
    const out = withPageTable(q, 'page_7');
    expect(out.page).toBeUndefined();
    expect(out.sql).toBe('SELECT * FROM page_7 p JOIN articles__rows a USING (article_id) WHERE a.lang = ?');
    expect(out.params).toEqual(['fa']);
    expect(out.parts!.articles__rows.sql).toContain('FROM page_7 p JOIN');
    expect(out.parts!.articles__rows.parts!.article_rows__rows.sql).toBe('SELECT text_row AS row_start FROM page_7');
    expect(out.text).toEqual({ rows: { sql: 'SELECT text_row FROM page_7 WHERE text_row > ?', params: [3] } });
    expect(JSON.stringify(out)).not.toContain(PAGE);
    // The query given is left as it was (a cached query object is reused by later calls).
    expect(q.sql).toContain(PAGE);
    expect(withPageTable({ sql: 'SELECT 1', params: [], text: { all: true } }, 'page_8').text).toEqual({ all: true });
  });

  it('materialises the page with its own parameters, under a name no other call has', () => {
    expect(createPageTable(page, 'page_3')).toEqual({ sql: `CREATE TEMP TABLE page_3 AS ${page.sql}`, params: ['IR', 25] });
    const names = new Set(Array.from({ length: 50 }, pageTableName));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^page_\d+$/);
  });

  it('refuses a page that is not one query over whole tables, and a page below the query itself', () => {
    expect(() => createPageTable({ ...page, parts: { articles__rows: page } }, 'p')).toThrow(/whole tables only/);
    expect(() => createPageTable({ ...page, text: { all: true } }, 'p')).toThrow(/whole tables only/);
    expect(() => createPageTable({ ...page, page }, 'p')).toThrow(/whole tables only/);
    expect(() => withPageTable({ ...q, parts: { articles__rows: { ...q.parts!.articles__rows, page } } }, 'p')).toThrow(/not its parts/);
  });
});
