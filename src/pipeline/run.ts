/**
 * The preprocessing run: input → processed rows → Parquet in a temp folder → moved into place, plus manifest.json and
 * rejects.json. Every input article ends up either in `articles` or in rejects.json with its reason.
 *
 * Articles are processed in batches by worker threads (one per core by default) while the main thread reads the
 * input and appends rows to a disk-backed DuckDB staging database with a memory limit, so memory stays flat however
 * large the input is. Lines of a streamed (large) JSONL file go to the workers undecoded: they decode and parse them,
 * and the main thread only finds the line breaks and hashes the bytes. Results are applied in input order, so
 * "duplicate of X" always names the first occurrence.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { MANIFEST_FILE, PARQUET_FILES, REJECTS_FILE, SCHEMA_VERSION, type Manifest, type RejectRow, type TableName } from '../lib/schema';
import { inputBytes, readInput, type RawArticle, type RawLine } from './input';
import { loadLexicons, type Lexicons } from './load-lexicons';
import { bundleWorker } from './worker-bundle';
import { RowSink, type ArticleMeta, type LineBatch, type LineResult, type WorkerRequest, type WorkerResponse } from './worker';
import { AtomicDir, TableWriter } from './write';

export interface RunOptions {
  input: string;
  out: string;
  /** A compiled lexicon (tests): processing then runs in this thread. */
  lexicons?: Lexicons;
  /** Worker threads; default one per core (max 8); 0 or 1 processes in this thread. */
  workers?: number;
  /**
   * What worker threads run: a bundle of the worker built with esbuild for this run (default; starts in ~0.2 s), or
   * the TypeScript source through tsx (also when esbuild is missing or fails; env EM_WORKER_SOURCE=typescript).
   */
  workerSource?: 'bundle' | 'typescript';
  /** JSONL files above this size are streamed (input.ts STREAM_JSONL_BYTES by default); with worker threads, the workers parse their lines. */
  streamJsonlBytes?: number;
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
const WORKER_HEAP_MB = 128;
/**
 * A worker's young generation. Processing allocates short-lived strings at a high rate (JSON rows, slices, term
 * keys): with 16 MB, scavenges took ~15% of a worker's time. 64 MB: ingest of 100k articles 26.3 -> 23.3 s, ingest
 * peak RSS 420 -> 581 MB (below the run's peak, which is in DuckDB's final phases after the workers have exited).
 */
const WORKER_YOUNG_MB = 64;

/** What the main thread keeps of an article while its batch is in flight (not its text: that goes to the worker). */
type Origin = Pick<RawArticle, 'input_file' | 'input_line' | 'input_id'>;
type Item = { kind: 'reject'; reject: RejectRow } | { kind: 'article'; raw: Origin } | { kind: 'line' };

/** Undecoded lines of one streamed JSONL file gathered for a worker (LineBatch), each followed by a newline. */
class LineBuffer {
  file = '';
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private ends: number[] = [];
  private lineNos: number[] = [];
  get count(): number {
    return this.ends.length;
  }
  add(l: RawLine): void {
    const need = this.used + l.bytes.length + 1;
    if (need > this.buf.length) {
      const b = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(b, 0, 0, this.used);
      this.buf = b;
    }
    this.buf.set(l.bytes, this.used);
    this.used += l.bytes.length;
    this.ends.push(this.used);
    this.buf[this.used++] = 10;
    this.lineNos.push(l.line);
  }
  /** The batch in its own ArrayBuffer (transferred to the worker), and the buffer emptied. */
  take(): LineBatch {
    const data = new Uint8Array(this.used);
    data.set(this.buf.subarray(0, this.used));
    const out = { file: this.file, data, ends: Int32Array.from(this.ends), lineNos: Int32Array.from(this.lineNos) };
    this.used = 0;
    this.ends = [];
    this.lineNos = [];
    return out;
  }
}

/**
 * A full garbage collection, when V8 lets us: a run reads gigabytes through the main thread, and V8 would let dead
 * strings fill hundreds of MB of heap (its limit scales with the machine's RAM) before collecting them.
 */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    return typeof gc === 'function' ? gc : () => {};
  } catch {
    return () => {};
  }
})();
/** Articles read between two forced collections (~20 MB of text). */
const GC_EVERY_ARTICLES = 5000;

/** Runs batches on worker threads (each writing its rows to its own staging files), yielding metas in submission order. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (r: ArticleMeta[] | LineResult[]) => void>();
  private readonly finishing: (() => void)[] = [];
  private readonly ranking: (() => void)[] = [];
  private failure: Error | null = null;
  /** `bundle`: the worker as one CommonJS file (worker-bundle.ts); null runs the TypeScript source through tsx. */
  constructor(n: number, stageDir: string, bundle: string | null) {
    const boot = bundle ?? new URL('./worker-boot.mjs', import.meta.url);
    const entry = new URL('./worker.ts', import.meta.url).href;
    for (let i = 0; i < n; i++) {
      // A bounded old generation makes each worker collect early instead of growing to V8's default heap size.
      const w = new Worker(boot, { workerData: { entry, role: 'em-pipeline-worker', stageDir, index: i }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      w.on('message', (m: WorkerResponse) => {
        if (m.kind === 'batch' || m.kind === 'lines') {
          const done = this.pending.get(m.seq);
          this.pending.delete(m.seq);
          done?.(m.kind === 'batch' ? m.metas : m.results);
        } else if (m.kind === 'finished') this.finishing.shift()?.();
        else if (m.kind === 'ranked') this.ranking.shift()?.();
        else this.fail(new Error(m.message));
      });
      w.on('error', (e) => this.fail(e));
      this.workers.push(w);
    }
  }
  private fail(e: Error): void {
    this.failure ??= e;
    for (const f of this.pending.values()) f([]);
    for (const f of this.finishing.splice(0)) f();
    for (const f of this.ranking.splice(0)) f();
  }
  run(seq: number, ordBase: number, batch: RawArticle[]): Promise<ArticleMeta[]> {
    return this.send({ kind: 'batch', seq, ordBase, batch }) as Promise<ArticleMeta[]>;
  }
  /** `lines.data` is transferred: the caller must not touch it afterwards. */
  runLines(seq: number, ordBase: number, lines: LineBatch): Promise<LineResult[]> {
    return this.send({ kind: 'lines', seq, ordBase, lines }, [lines.data.buffer as ArrayBuffer]) as Promise<LineResult[]>;
  }
  private send(m: WorkerRequest & { seq: number }, transfer: ArrayBuffer[] = []): Promise<ArticleMeta[] | LineResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((ok, fail) => {
      this.pending.set(m.seq, (r) => (this.failure ? fail(this.failure) : ok(r)));
      this.workers[m.seq % this.workers.length].postMessage(m, transfer);
    });
  }
  verdict(seq: number, dups: number[]): void {
    this.workers[seq % this.workers.length].postMessage({ kind: 'verdict', seq, dups } satisfies WorkerRequest);
  }
  /** Every worker flushes its files and writes its df; messages are ordered, so all verdicts are counted first. */
  async finish(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((ok) => {
            this.finishing.push(ok);
            w.postMessage({ kind: 'finish' } satisfies WorkerRequest);
          })
      )
    );
    if (this.failure) throw this.failure;
  }
  /** Every worker ranks its articles' terms (RowSink.rank) with `dfs[i]`, its keys' frequencies in the whole run. */
  async rank(dfs: Int32Array[], nArticles: number, perArticle: number): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w, i) =>
          new Promise<void>((ok) => {
            this.ranking.push(ok);
            w.postMessage({ kind: 'rank', df: dfs[i], nArticles, perArticle } satisfies WorkerRequest, [dfs[i].buffer as ArrayBuffer]);
          })
      )
    );
    if (this.failure) throw this.failure;
  }
  get size(): number {
    return this.workers.length;
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function runPipeline(opts: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  if (process.env.EM_TIMING) console.error(`[timing] run starts at ${Math.round(t0)} ms`);
  const lex = opts.lexicons ?? loadLexicons();
  const nWorkers = opts.lexicons ? 0 : Math.min(8, opts.workers ?? availableParallelism());
  const out = new AtomicDir(opts.out);
  let writer: TableWriter | null = null;
  let pool: Pool | null = null;
  const rejects: RejectRow[] = [];
  // Dedupe state, kept small for million-article runs: the first occurrence's location is packed in one number
  // (file index * 2^31 + line), and the text key reuses the id string as its value.
  const byId = new Map<string, number>();
  const byHash = new Map<string, string>();
  const files: string[] = [];
  const fileIdx = new Map<string, number>();
  const sourceIdx = new Map<string, number>();
  const dupOrds: number[] = [];
  const byLang: Record<string, number> = {};
  const byCountry: Record<string, number> = {};
  const inputHash = createHash('sha256');
  let dated = 0;
  let bytes = 0;
  let done = 0;
  let written = 0;
  let ord = 0;
  const totalBytes = opts.onProgress ? inputBytes(opts.input) : 0;
  // EM_TIMING=1: phase times and peak RSS per phase on stderr (for tuning big runs).
  const phases: string[] = [];
  let phase = 'ingest';
  let phaseT = t0;
  let phaseRss = 0;
  let phaseCpu = process.cpuUsage();
  const sampler = process.env.EM_TIMING ? setInterval(() => (phaseRss = Math.max(phaseRss, process.memoryUsage.rss())), 250) : null;
  const mark = (next: string) => {
    if (!sampler) return;
    const cpu = process.cpuUsage(phaseCpu);
    phaseCpu = process.cpuUsage();
    phases.push(`${phase} ${((performance.now() - phaseT) / 1000).toFixed(1)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s), peak ${Math.round(Math.max(phaseRss, process.memoryUsage.rss()) / 2 ** 20)} MB (heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB)`);
    phase = next;
    phaseT = performance.now();
    phaseRss = 0;
  };
  try {
    writer = await TableWriter.open();
    const w = writer;
    if (nWorkers > 1) {
      const source = opts.workerSource ?? (process.env.EM_WORKER_SOURCE === 'typescript' ? 'typescript' : 'bundle');
      const bundle = source === 'bundle' ? await bundleWorker(w.stageDir) : { file: null, reason: 'asked for' };
      if (bundle.file === null && process.env.EM_TIMING) console.error(`[timing] workers run the TypeScript source: ${bundle.reason}`);
      if (process.env.EM_TIMING) console.error(`[timing] workers start at ${Math.round(performance.now())} ms (${bundle.file ? 'bundle' : 'tsx'})`);
      pool = new Pool(nWorkers, w.stageDir, bundle.file);
    }
    const local = pool ? null : new RowSink(w.stageDir, 0, lex);
    const nSinks = pool ? pool.size : 1;
    const loc = (raw: Origin) => {
      let f = fileIdx.get(raw.input_file);
      if (f === undefined) fileIdx.set(raw.input_file, (f = files.push(raw.input_file) - 1));
      return f * 2 ** 31 + (raw.input_line ?? 0);
    };
    const locText = (n: number) => {
      const line = n % 2 ** 31;
      return `${files[Math.floor(n / 2 ** 31)]}${line ? `:${line}` : ''}`;
    };
    /** Applies one article's result; returns true when it was a duplicate (its staged rows are then dropped). */
    const apply = (raw: Origin, m: ArticleMeta, o: number): boolean => {
      if (!m.ok) {
        rejects.push({ input_file: raw.input_file, input_line: raw.input_line, input_id: raw.input_id, reason: m.empty ? 'empty' : 'error', detail: m.message });
        return false;
      }
      const dupId = byId.get(m.id);
      // The same wire story in two outlets is two publications; only a repeat within one outlet is a duplicate.
      let s = sourceIdx.get(m.source ?? '');
      if (s === undefined) sourceIdx.set(m.source ?? '', (s = sourceIdx.size));
      const dupKey = `${s}:${m.hash}`;
      const dupHash = byHash.get(dupKey);
      if (dupId !== undefined || dupHash !== undefined) {
        rejects.push({
          input_file: raw.input_file,
          input_line: raw.input_line,
          input_id: raw.input_id,
          reason: 'duplicate',
          detail: dupId !== undefined ? `duplicate id of ${locText(dupId)}` : `duplicate text of ${dupHash}`
        });
        dupOrds.push(o);
        return true;
      }
      byId.set(m.id, loc(raw));
      byHash.set(dupKey, m.id);
      byLang[m.lang] = (byLang[m.lang] ?? 0) + 1;
      byCountry[m.country ?? 'unknown'] = (byCountry[m.country ?? 'unknown'] ?? 0) + 1;
      if (m.dated) dated++;
      written++;
      return false;
    };

    // Batches in flight are bounded, so a slow writer never lets the reader race ahead and fill memory.
    // `file`: for a batch of lines, the file they come from (their results carry only line numbers and ids).
    const inflight: { seq: number; ordBase: number; batch: Item[]; metas: Promise<ArticleMeta[] | LineResult[]> | ArticleMeta[]; file?: string }[] = [];
    let seq = 0;
    const drainOne = async () => {
      const { seq: s, ordBase, batch, metas, file } = inflight.shift()!;
      const ms = await metas;
      let k = 0;
      const dups: number[] = [];
      for (const item of batch) {
        if (item.kind === 'reject') {
          done++;
          rejects.push(item.reject);
        } else if (item.kind === 'line') {
          const r = ms[k] as LineResult;
          if (r === null) {
            // A blank line: nothing to count.
          } else if ('reject' in r) {
            done++;
            rejects.push(r.reject);
          } else {
            done++;
            bytes += r.bytes;
            if (apply({ input_file: file!, input_line: r.origin.input_line, input_id: r.origin.input_id }, r.meta, ordBase + k)) dups.push(k);
          }
          k++;
        } else {
          done++;
          if (apply(item.raw, ms[k] as ArticleMeta, ordBase + k)) dups.push(k);
          k++;
        }
      }
      if (pool) pool.verdict(s, dups);
      else local!.verdict(s, dups);
      opts.onProgress?.({ done, written, rejected: rejects.length, bytes, totalBytes });
    };
    let batch: Item[] = [];
    let raws: RawArticle[] = [];
    // A batch holds articles or lines of one streamed JSONL file, never both.
    const lines = new LineBuffer();
    let sinceGc = 0;
    const submit = async () => {
      const s = seq++;
      if (lines.count) {
        const n = lines.count;
        const lb = lines.take();
        // The input's identity covers the bytes of its lines (and their file), hashed without decoding them.
        inputHash.update(lb.file).update(lb.data);
        inflight.push({ seq: s, ordBase: ord, batch, metas: pool!.runLines(s, ord, lb), file: lb.file });
        ord += n;
      } else {
        inflight.push({ seq: s, ordBase: ord, batch, metas: pool ? pool.run(s, ord, raws) : local!.processBatch(s, ord, raws) });
        ord += raws.length;
      }
      batch = [];
      raws = [];
      // The main thread's garbage (decoded lines) would otherwise pile up in a heap sized for 24 GB machines.
      if ((sinceGc += BATCH) >= GC_EVERY_ARTICLES) {
        sinceGc = 0;
        collectGarbage();
      }
      while (inflight.length > (pool ? nWorkers * 2 : 0)) await drainOne();
    };
    for (const item of readInput(opts.input, { rawLines: pool !== null, streamJsonlBytes: opts.streamJsonlBytes })) {
      if (item.kind === 'reject') batch.push(item);
      else if (item.kind === 'line') {
        if (raws.length || (lines.count && lines.file !== item.file)) await submit();
        lines.file = item.file;
        lines.add(item);
        batch.push({ kind: 'line' });
      } else {
        if (lines.count) await submit();
        const raw = item.article;
        bytes += raw.bytes;
        inputHash.update(raw.input_file).update(String(raw.input_line)).update(raw.text);
        batch.push({ kind: 'article', raw: { input_file: raw.input_file, input_line: raw.input_line, input_id: raw.input_id } });
        raws.push(raw);
      }
      if (batch.length >= BATCH) await submit();
    }
    if (batch.length) await submit();
    while (inflight.length) await drainOne();
    byId.clear();
    byHash.clear();
    collectGarbage();
    mark('terms');
    const tT = performance.now();
    if (pool) await pool.finish();
    else local!.finish();
    const tF = performance.now();
    const dfs = await w.termDocFreqs(nSinks);
    const tD = performance.now();
    if (process.env.EM_TIMING) console.error(`[timing] terms: sinks finished ${Math.round(tF - tT)} ms, document frequencies ${Math.round(tD - tF)} ms`);
    if (pool) {
      await pool.rank(dfs, written, TERMS_PER_ARTICLE);
      await pool.close();
      pool = null;
    } else local!.rank(dfs[0], written, TERMS_PER_ARTICLE);
    mark('load staged');

    for (const e of lex.entities.values())
      w.append('entities', { entity_id: e.id, kind: e.kind, label_en: e.label_en, label_fa: e.label_fa, label_ar: e.label_ar, country: e.country });
    for (const t of lex.topics.values()) w.append('topic_defs', { topic_id: t.id, label_en: t.label_en, color: t.color, core: t.core });
    await w.loadStaged(nSinks, dupOrds);
    await w.writeParquet(out.tmp, nSinks, mark);
    mark('done');
    if (sampler) console.error(`[timing] ${phases.join('; ')}`);
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
      files: PARQUET_FILES,
      text_bytes: w.textBytes
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
    if (sampler) clearInterval(sampler);
    await pool?.close();
  }
}
