/**
 * Loads the topic cube (src/lib/queries/cube.ts) and the filter options without DuckDB-WASM: the small start-up
 * tables (topic_buckets, topic_defs, entities, entity_articles; well under 1 MB at 1M articles) are fetched and
 * decoded by parquet-wasm into Arrow, read column-wise with apache-arrow. The first chart and the filter bar need
 * only this; DuckDB-WASM starts afterwards, in the background, for everything else.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import type { Table, Vector } from 'apache-arrow';
import { DERIVED_PARQUET_FILES, PARQUET_FILES, type EntityKind } from '$lib/schema';
import { fetchManifest, readParquetTable } from './fetch-data';
import { codeDayCounts, DayCounts, TopicCube, type DayCountsCoded } from '$lib/queries/cube';
import { cubeLoader } from './worker-cube';


const ASCII = new TextDecoder();

/**
 * A Utf8 column as a getter. Chunks whose bytes are all ASCII are decoded once and sliced by offset (what most id
 * columns are), which is several times faster than `Vector.get` per row; other chunks fall back to `get`.
 */
function strings(v: Vector | null): (i: number) => string | null {
  if (!v) return () => null;
  const out: (string | null)[] = new Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const offsets = d.valueOffsets as Int32Array | undefined;
    const bytes = d.values as Uint8Array | undefined;
    const nulls = d.nullBitmap as Uint8Array | undefined;
    const hasNulls = d.nullCount > 0 && nulls && nulls.length > 0;
    const text = offsets && bytes ? ASCII.decode(bytes.subarray(offsets[0], offsets[d.length])) : null;
    const ascii = text !== null && text.length === offsets![d.length] - offsets![0];
    // Interning: equal values share one string (and the cube's Map lookups hit the same key quickly).
    const seen = new Map<string, string>();
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      if (hasNulls && ((nulls![j >> 3] >> (j & 7)) & 1) === 0) {
        out[base + i] = null;
        continue;
      }
      let s: string;
      if (ascii) {
        s = text!.slice(offsets![i] - offsets![0], offsets![i + 1] - offsets![0]);
        const k = seen.get(s);
        if (k !== undefined) s = k;
        else seen.set(s, s);
      } else s = v.get(base + i) as string;
      out[base + i] = s;
    }
    base += d.length;
  }
  return (i) => out[i];
}

/** A Date32 column as day numbers. */
function days(v: Vector | null): (i: number) => number | null {
  if (!v) return () => null;
  const out = new Float64Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const vals = d.values as Int32Array;
    const nulls = d.nullBitmap as Uint8Array | undefined;
    const hasNulls = d.nullCount > 0 && nulls && nulls.length > 0;
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      out[base + i] = hasNulls && ((nulls![j >> 3] >> (j & 7)) & 1) === 0 ? NaN : vals[i];
    }
    base += d.length;
  }
  return (i) => (Number.isNaN(out[i]) ? null : out[i]);
}

function ints(v: Vector | null): (i: number) => number {
  if (!v) return () => 0;
  const out = new Float64Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const vals = d.values as ArrayLike<number | bigint>;
    for (let i = 0; i < d.length; i++) out[base + i] = Number(vals[i]);
    base += d.length;
  }
  return (i) => out[i];
}

function rows<T>(t: Table): T[] {
  return t.toArray().map((r) => r.toJSON() as T);
}

const readTable = (url: URL, columns?: string[]): Promise<Table> => readParquetTable(url, columns, parquetWasm);

function bigints(v: Vector | null): (i: number) => bigint | number {
  if (!v) return () => 0;
  const parts = v.data.map((d) => d.values as BigInt64Array | Int32Array);
  const starts: number[] = [];
  let base = 0;
  for (const d of v.data) {
    starts.push(base);
    base += d.length;
  }
  // Rows are read in order: remember the chunk of the last row.
  let k = 0;
  return (i) => {
    if (i < starts[k]) k = 0;
    while (k + 1 < starts.length && i >= starts[k + 1]) k++;
    return parts[k][i - starts[k]];
  };
}

/**
 * article_counts (~0.7 rows per article) decoded and coded (queries/cube.ts DayCountsCoded), from the data folder
 * `dataUrl` (its manifest names the file). Runs in days-worker.ts; here only when that worker cannot.
 */
export async function readDayCounts(dataUrl: URL, wasmUrl: string | URL = parquetWasm): Promise<DayCountsCoded> {
  const manifest = await fetchManifest(dataUrl);
  const files = (manifest.files ?? {}) as Record<string, string>;
  const t = await readParquetTable(
    new URL(files.article_counts ?? DERIVED_PARQUET_FILES.article_counts, dataUrl),
    ['date', 'country', 'source_id', 'lang', 'topic_mask', 'articles'],
    wasmUrl
  );
  const col = (name: string) => t.getChild(name);
  return codeDayCounts({
    length: t.numRows,
    date: days(col('date')),
    country: strings(col('country')),
    source_id: strings(col('source_id')),
    lang: strings(col('lang')),
    topic_mask: bigints(col('topic_mask')),
    articles: ints(col('articles'))
  });
}

/**
 * article_counts, decoded in a web worker (days-worker.ts; at 1M articles ~0.7M rows, a ~700 ms task that blocked
 * the overview's and the trends page's first clicks right after their first chart), or here if the worker cannot
 * start. Loaded once per page life.
 */
const loadDayCountsCoded = cubeLoader<DayCountsCoded, DayCountsCoded>(
  'day-counts',
  () => new Worker(new URL('./days-worker.ts', import.meta.url), { type: 'module' }),
  (coded) => coded,
  (dataUrl, wasmUrl) => readDayCounts(dataUrl, wasmUrl)
);

/**
 * article_counts as `DayCounts` over the topic cube's codes, for the days a date range cuts from a week or month.
 * Loaded on first need or when the page is idle, not at start-up.
 */
export async function loadDayCounts(dataUrl: URL, cube: TopicCube, topicIds: readonly string[]): Promise<DayCounts> {
  return new DayCounts(await loadDayCountsCoded(dataUrl), cube, topicIds);
}

/** The cube and the filter options, from `dataUrl` (a folder URL ending in '/'). */
export async function loadCube(dataUrl: URL): Promise<{ cube: TopicCube; options: ReturnType<TopicCube['options']> }> {
  const manifest = await fetchManifest(dataUrl);
  const files = (manifest.files ?? {}) as Record<string, string>;
  const file = (table: string, fallback: string) => new URL(files[table] ?? fallback, dataUrl);
  const [tb, defs, ents, ea] = await Promise.all([
    readTable(file('topic_buckets', DERIVED_PARQUET_FILES.topic_buckets)),
    readTable(file('topic_defs', PARQUET_FILES.topic_defs)),
    readTable(file('entities', PARQUET_FILES.entities)),
    readTable(file('entity_articles', DERIVED_PARQUET_FILES.entity_articles))
  ]).catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${msg} (a data folder written before the summary tables existed needs npm run preprocess again)`);
  });
  const col = (name: string) => tb.getChild(name);
  const articles = ints(col('articles'));
  const cube = new TopicCube({
    length: tb.numRows,
    step: strings(col('step')) as (i: number) => string,
    bucket: days(col('bucket')),
    country: strings(col('country')),
    source_id: strings(col('source_id')),
    source_name: strings(col('source_name')),
    lang: strings(col('lang')),
    topic_id: strings(col('topic_id')),
    articles,
    first_date: days(col('first_date')),
    last_date: days(col('last_date'))
  });
  const options = cube.options(
    rows<{ topic_id: string; label_en: string; color: string; core: boolean }>(defs),
    rows<{ entity_id: string; label_en: string; kind: EntityKind; country: string | null }>(ents),
    rows<{ entity_id: string; articles: number }>(ea).map((r) => ({ entity_id: r.entity_id, articles: Number(r.articles) }))
  );
  return { cube, options };
}
