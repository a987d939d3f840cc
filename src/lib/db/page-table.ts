/**
 * BoundQuery.page: a sub-query run once per call, as a temporary table that the query, its `parts` and its `text`
 * name by the placeholder PAGE. Both Dbs use these helpers.
 */
import type { BoundQuery } from './types';

/** What queries write where they read their page (BoundQuery.page). */
export const PAGE = '__page__';

let seq = 0;
/** A temporary table name no other call in this page's life uses (calls run concurrently on one connection). */
export function pageTableName(): string {
  return `page_${++seq}`;
}

/**
 * `q` (its `parts` and `text` too) reading the page from table `name`, without `q.page`. One page per query: a part
 * with a page of its own would read this one under the same placeholder, so it is refused.
 */
export function withPageTable(q: BoundQuery, name: string): BoundQuery {
  const sub = (x: BoundQuery, top: boolean): BoundQuery => {
    if (!top && x.page) throw new Error('BoundQuery.page: only the query itself may have one, not its parts or text');
    const out: BoundQuery = { sql: x.sql.replaceAll(PAGE, name), params: x.params };
    if (x.parts) out.parts = Object.fromEntries(Object.entries(x.parts).map(([t, p]) => [t, sub(p, false)]));
    if (x.text) out.text = 'rows' in x.text ? { rows: sub(x.text.rows, false) } : x.text;
    return out;
  };
  return sub(q, true);
}

/**
 * Runs `q` (which has a page) as every Db does: its page made a temporary table of this call, the query run reading
 * it, the table dropped even when the query fails. `run` runs a query without a page; `exec` runs plain SQL.
 */
export async function runWithPage<T>(
  q: BoundQuery,
  run: (q: BoundQuery) => Promise<T>,
  exec: (sql: string) => Promise<unknown>
): Promise<T> {
  const name = pageTableName();
  await run(createPageTable(q.page!, name));
  try {
    return await run(withPageTable(q, name));
  } finally {
    await exec(`DROP TABLE IF EXISTS ${name}`);
  }
}

/** The statement that materialises the page as table `name`. */
export function createPageTable(page: BoundQuery, name: string): BoundQuery {
  if (page.page || page.parts || page.text) throw new Error('BoundQuery.page reads whole tables only (no page, parts or text of its own)');
  return { sql: `CREATE TEMP TABLE ${name} AS ${page.sql}`, params: page.params };
}
