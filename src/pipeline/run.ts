/**
 * The preprocessing run: input → processed rows → Parquet in a temp folder → moved into place, plus manifest.json and
 * rejects.json. Every input article ends up either in `articles` or in rejects.json with its reason.
 *
 * Articles are processed in batches by worker threads (one per core by default) while the main thread reads the
 * input and appends rows to a disk-backed DuckDB staging database with a memory limit, so memory stays flat however
 * large the input is. Results are applied in input order, so "duplicate of X" always names the first occurrence.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MANIFEST_FILE, PARQUET_FILES, REJECTS_FILE, SCHEMA_VERSION, type Manifest, type RejectRow, type TableName } from '../lib/schema';
import { inputBytes, readInput, type RawArticle } from './input';
import { loadLexicons, type Lexicons } from './load-lexicons';
import type { WorkerRequest, WorkerResponse, WorkerResult } from './worker';
import { processBatch } from './worker';
import { AtomicDir, TableWriter } from './write';

export interface RunOptions {
  input: string;
  out: string;
  /** A compiled lexicon (tests): processing then runs in this thread. */
  lexicons?: Lexicons;
  /** Worker threads; default one per core (max 8); 0 or 1 processes in this thread. */
  workers?: number;
  /** `bytes` of article text read so far; `totalBytes` is the size of the input files (an upper bound). */
  onProgress?: (p: { done: number; written: number; rejected: number; bytes: number; totalBytes: number }) => void;
}

export interface RunSummary {
  manifest: Manifest;
  rejects: RejectRow[];
  byLang: Record<string, number>;
  byCountry: Record<string, number>;
  dated: number;
  undated: number;
  bytes: number;
  workers: number;
}

/** Distinctive terms kept per article. */
const TERMS_PER_ARTICLE = 10;
const BATCH = 200;
const WORKER_HEAP_MB = 192;

type Item = { kind: 'reject'; reject: RejectRow } | { kind: 'article'; raw: RawArticle };

/** Runs batches on worker threads, yielding results in submission order. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (r: WorkerResult[]) => void>();
  private failure: Error | null = null;
  constructor(n: number) {
    const boot = new URL('./worker-boot.mjs', import.meta.url);
    const entry = new URL('./worker.ts', import.meta.url).href;
    for (let i = 0; i < n; i++) {
      // A bounded old generation makes each worker collect early instead of growing to V8's default heap size.
      const w = new Worker(boot, { workerData: { entry, role: 'em-pipeline-worker' }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      w.on('message', (m: WorkerResponse) => {
        const done = this.pending.get(m.seq);
        this.pending.delete(m.seq);
        done?.(m.results);
      });
      w.on('error', (e) => {
        this.failure = e;
        for (const f of this.pending.values()) f([]);
      });
      this.workers.push(w);
    }
  }
  run(seq: number, batch: RawArticle[]): Promise<WorkerResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((ok, fail) => {
      this.pending.set(seq, (r) => (this.failure ? fail(this.failure) : ok(r)));
      this.workers[seq % this.workers.length].postMessage({ seq, batch } satisfies WorkerRequest);
    });
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function runPipeline(opts: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const lex = opts.lexicons ?? loadLexicons();
  const nWorkers = opts.lexicons ? 0 : Math.min(8, opts.workers ?? availableParallelism());
  const out = new AtomicDir(opts.out);
  let writer: TableWriter | null = null;
  const pool = nWorkers > 1 ? new Pool(nWorkers) : null;
  const rejects: RejectRow[] = [];
  const byId = new Map<string, string>();
  const byHash = new Map<string, string>();
  const byLang: Record<string, number> = {};
  const byCountry: Record<string, number> = {};
  const inputHash = createHash('sha256');
  const df = new Map<string, number>();
  let dated = 0;
  let bytes = 0;
  let done = 0;
  let written = 0;
  const totalBytes = opts.onProgress ? inputBytes(opts.input) : 0;
  try {
    writer = await TableWriter.open();
    const w = writer;
    const apply = (raw: RawArticle, r: WorkerResult) => {
      if (!r.ok) {
        rejects.push({ input_file: raw.input_file, input_line: raw.input_line, input_id: raw.input_id, reason: r.empty ? 'empty' : 'error', detail: r.message });
        return;
      }
      const p = r.p;
      const a = p.article;
      const dupId = byId.get(a.article_id);
      // The same wire story in two outlets is two publications; only a repeat within one outlet is a duplicate.
      const dupKey = `${a.source_id ?? ''}\u0000${a.content_hash}`;
      const dupHash = byHash.get(dupKey);
      if (dupId !== undefined || dupHash !== undefined) {
        rejects.push({
          input_file: raw.input_file,
          input_line: raw.input_line,
          input_id: raw.input_id,
          reason: 'duplicate',
          detail: dupId !== undefined ? `duplicate id of ${dupId}` : `duplicate text of ${dupHash}`
        });
        return;
      }
      byId.set(a.article_id, `${raw.input_file}${raw.input_line ? `:${raw.input_line}` : ''}`);
      byHash.set(dupKey, a.article_id);
      w.append('articles', a);
      for (const row of p.mentions) w.append('mentions', row);
      for (const row of p.topics) w.append('topics', row);
      for (const row of p.stances) w.append('stances', row);
      byLang[a.lang] = (byLang[a.lang] ?? 0) + 1;
      byCountry[a.country ?? 'unknown'] = (byCountry[a.country ?? 'unknown'] ?? 0) + 1;
      if (a.date) dated++;
      for (const k of p.terms.keys) df.set(k, (df.get(k) ?? 0) + 1);
      const len = p.terms.len || 1;
      for (const t of p.terms.top) w.appendTermCandidate(a.article_id, t.key, t.n, t.surface, len);
      written++;
    };

    // Batches in flight are bounded, so a slow writer never lets the reader race ahead and fill memory.
    const inflight: { batch: Item[]; results: Promise<WorkerResult[]> | WorkerResult[] }[] = [];
    let seq = 0;
    const drainOne = async () => {
      const { batch, results } = inflight.shift()!;
      const rs = await results;
      let k = 0;
      for (const item of batch) {
        done++;
        if (item.kind === 'reject') rejects.push(item.reject);
        else apply(item.raw, rs[k++]);
      }
      opts.onProgress?.({ done, written, rejected: rejects.length, bytes, totalBytes });
    };
    let batch: Item[] = [];
    const submit = async () => {
      const raws = batch.filter((x): x is { kind: 'article'; raw: RawArticle } => x.kind === 'article').map((x) => x.raw);
      inflight.push({ batch, results: pool ? pool.run(seq++, raws) : processBatch(raws, lex) });
      batch = [];
      while (inflight.length > (pool ? nWorkers * 2 : 0)) await drainOne();
    };
    for (const item of readInput(opts.input)) {
      if (item.kind === 'reject') batch.push(item);
      else {
        const raw = item.article;
        bytes += raw.bytes;
        inputHash.update(raw.input_file).update(String(raw.input_line)).update(raw.text);
        batch.push({ kind: 'article', raw });
      }
      if (batch.length >= BATCH) await submit();
    }
    if (batch.length) await submit();
    while (inflight.length) await drainOne();

    for (const e of lex.entities.values())
      w.append('entities', { entity_id: e.id, kind: e.kind, label_en: e.label_en, label_fa: e.label_fa, label_ar: e.label_ar, country: e.country });
    for (const t of lex.topics.values()) w.append('topic_defs', { topic_id: t.id, label_en: t.label_en, color: t.color, core: t.core });
    await w.finishTerms(df, written, TERMS_PER_ARTICLE);
    await w.writeParquet(out.tmp);
    const rows = w.rowCounts;
    const rejectsByReason: Record<string, number> = {};
    for (const r of rejects) rejectsByReason[r.reason] = (rejectsByReason[r.reason] ?? 0) + 1;
    const manifest: Manifest = {
      schema_version: SCHEMA_VERSION,
      taxonomy_version: lex.version,
      generated_at: new Date().toISOString(),
      input: opts.input,
      input_hash: inputHash.digest('hex').slice(0, 16),
      run_ms: Math.round(performance.now() - t0),
      rows: rows as Record<TableName, number>,
      rejects: rejects.length,
      rejects_by_reason: rejectsByReason,
      files: PARQUET_FILES
    };
    out.writeFile(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    out.writeFile(REJECTS_FILE, `${JSON.stringify(rejects, null, 2)}\n`);
    w.close();
    writer = null;
    out.commit();
    return { manifest, rejects, byLang, byCountry, dated, undated: written - dated, bytes, workers: Math.max(1, nWorkers) };
  } catch (e) {
    writer?.close();
    out.abort();
    throw e;
  } finally {
    await pool?.close();
  }
}
