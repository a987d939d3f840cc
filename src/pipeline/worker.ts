/**
 * A processing worker: receives batches of raw articles, processes them and writes their rows itself, as
 * newline-delimited JSON (articles) or CSV (mentions, topics, stances), to per-worker staging files that DuckDB
 * ingests in bulk at the end (its C++ readers are far cheaper than per-value appends on the main thread). Only a few
 * small fields per article go back to the main thread, which decides duplicates in input order; the worker then
 * counts the document frequencies of the accepted articles (the main thread tells it which ones were duplicates).
 * Each worker compiles its own lexicons once.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parseJsonlLine, type RawArticle } from './input';
import { COLUMNS, type RejectRow } from '../lib/schema';
import { loadLexicons, type Lexicons } from './load-lexicons';
import { EmptyArticleError, newTermVocab, processArticle } from './process';
import { FileOut } from './file-out';
import { rankTermCands, TermCandWriter } from './term-rank';

/** What the main thread needs of one article: its dedupe keys and the counts for the summary. */
export type ArticleMeta =
  | { ok: true; id: string; source: string | null; hash: string; lang: string; country: string | null; dated: boolean }
  | { ok: false; empty: boolean; message: string };

/**
 * Lines of a streamed JSONL file, undecoded: line k is data[ends[k − 1] + 1, ends[k]) (from 0 for k = 0), its line
 * number lineNos[k]. The worker decodes and parses them, so the main thread never does, and `data` moves between
 * threads without a copy.
 */
export interface LineBatch {
  file: string;
  data: Uint8Array;
  ends: Int32Array;
  lineNos: Int32Array;
}
/** Per line of a LineBatch: the article's origin and meta, the reject of a line that could not be read, or null (blank). */
export type LineResult = { origin: { input_line: number; input_id: string | null }; bytes: number; meta: ArticleMeta } | { reject: RejectRow } | null;

export type WorkerRequest =
  | { kind: 'batch'; seq: number; ordBase: number; batch: RawArticle[] }
  | { kind: 'lines'; seq: number; ordBase: number; lines: LineBatch }
  | { kind: 'verdict'; seq: number; dups: number[] }
  | { kind: 'finish' }
  | { kind: 'rank'; df: Int32Array; nArticles: number; perArticle: number };
export type WorkerResponse =
  | { kind: 'batch'; seq: number; metas: ArticleMeta[] }
  | { kind: 'lines'; seq: number; results: LineResult[] }
  | { kind: 'finished' }
  | { kind: 'ranked' }
  | { kind: 'error'; message: string };

/**
 * Staged files of sink `i`, one per table (rows carry `_o`, the article's ordinal in the input). `articles` holds each
 * article's whole row (text last), read back by offset in the articles' sorted order; `articles_meta` the same row
 * without its text, plus where the whole row sits in `articles` (`_off`, `_len` in bytes), so DuckDB never parses
 * the text to sort the articles.
 */
export const STAGED = ['articles', 'articles_meta', 'mentions', 'topics', 'stances'] as const;
export type StagedName = (typeof STAGED)[number];
/**
 * Besides the staged tables, each sink writes `df` (CSV: its key id, key, document frequency), `cands` (binary: each
 * article's term candidates, TermCandWriter) and, once ranked, `terms` (CSV: article_id, term, score, rank).
 */
export type SinkFile = StagedName | 'df' | 'cands' | 'terms';
const EXT: Record<SinkFile, string> = { articles: 'jsonl', articles_meta: 'jsonl', mentions: 'csv', topics: 'csv', stances: 'csv', df: 'csv', cands: 'bin', terms: 'csv' };
export const stagedFile = (dir: string, name: SinkFile, i: number) => join(dir, `${name}.w${i}.${EXT[name]}`);

const LONE_SURROGATE = /\\ud[89a-f]/i;
function json(row: object): string {
  const s = JSON.stringify(row);
  // A lone surrogate is escaped as \udXXX, which a strict JSON reader refuses: store U+FFFD instead, as a DuckDB
  // appender (UTF-8 conversion) would.
  if (s.includes('\\u') && LONE_SURROGATE.test(s)) return JSON.stringify(row, (_k, v) => (typeof v === 'string' ? v.toWellFormed() : v));
  return s;
}
const CSV_SPECIAL = /[",\n\r]/;
/**
 * One CSV field: a string quoted only when it holds a quote, comma or line break (quotes doubled), the empty string
 * as `""` (write.ts reads it with allow_quoted_nulls off, so it stays empty), null/undefined and non-finite numbers
 * empty (NULL). Writing encodes a lone surrogate as U+FFFD, as the JSON staging did.
 */
export function csvField(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '""' : CSV_SPECIAL.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (v === null || v === undefined) return '';
  return String(v);
}
/**
 * A row as one CSV line: the article's ordinal, then `cols` in order. Cheaper than a JSON object per row (20k
 * articles' mention, topic and stance rows: 520–620 ms as JSON, ~300 ms as CSV) and a third of the bytes.
 */
export function csvRow(ord: number, cols: readonly string[], row: object): string {
  const r = row as Record<string, unknown>;
  let s = String(ord);
  for (let c = 0; c < cols.length; c++) s += `,${csvField(r[cols[c]])}`;
  return `${s}\n`;
}

/** A string as JSON, with a lone surrogate stored as U+FFFD (as json() does). */
function jsonString(s: string | null | undefined): string {
  if (s === null || s === undefined) return 'null';
  const j = JSON.stringify(s);
  return j.includes('\\u') && LONE_SURROGATE.test(j) ? JSON.stringify(s.toWellFormed()) : j;
}

/**
 * Writes processed rows to staging files; keeps each batch's term keys until the main thread's verdict. Once every
 * batch is in, `finish` writes the sink's document frequencies, and `rank` its articles' distinctive terms (given the
 * whole run's frequencies).
 */
export class RowSink {
  private readonly bufs = {} as Record<StagedName, FileOut>;
  private readonly cands: TermCandWriter;
  private articleBytes = 0;
  /** Per batch in flight: its first ordinal and each article's term ids, until the main thread's verdict. */
  private readonly pending = new Map<number, { ordBase: number; keys: (Int32Array | null)[] }>();
  /** Ordinals of this sink's articles that the main thread rejected as duplicates. */
  private readonly dupOrds = new Set<number>();
  /** This sink's term keys; their document frequencies by id. */
  private readonly vocab = newTermVocab();
  private dfCount = new Int32Array(1 << 16);
  constructor(
    private readonly dir: string,
    private readonly index: number,
    private readonly lex: Lexicons
  ) {
    for (const t of STAGED) this.bufs[t] = new FileOut(stagedFile(dir, t, index));
    this.cands = new TermCandWriter(stagedFile(dir, 'cands', index));
  }

  busyMs = 0;
  processBatch(seq: number, ordBase: number, batch: RawArticle[]): ArticleMeta[] {
    const t0 = performance.now();
    try {
      return this.processBatchInner(seq, ordBase, batch) as ArticleMeta[];
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  private utf8: TextDecoder | null = null;
  /** Decodes and parses a LineBatch, then processes its articles; line k has ordinal ordBase + k. */
  processLines(seq: number, ordBase: number, lines: LineBatch): LineResult[] {
    const t0 = performance.now();
    try {
      const utf8 = (this.utf8 ??= new TextDecoder('utf-8', { fatal: true }));
      const results: LineResult[] = [];
      const raws: (RawArticle | null)[] = [];
      for (let k = 0, start = 0; k < lines.ends.length; k++) {
        const item = parseJsonlLine(lines.data.subarray(start, lines.ends[k]), lines.file, lines.lineNos[k], utf8);
        start = lines.ends[k] + 1;
        raws.push(item?.kind === 'article' ? item.article : null);
        results.push(item?.kind === 'reject' ? { reject: item.reject } : null);
      }
      const metas = this.processBatchInner(seq, ordBase, raws);
      for (let k = 0; k < raws.length; k++) {
        const raw = raws[k];
        if (raw) results[k] = { origin: { input_line: raw.input_line ?? 0, input_id: raw.input_id }, bytes: raw.bytes, meta: metas[k]! };
      }
      return results;
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  /** `batch[i]` null: no article at ordinal ordBase + i (a blank or rejected line); its meta is null. */
  private processBatchInner(seq: number, ordBase: number, batch: (RawArticle | null)[]): (ArticleMeta | null)[] {
    const b = this.bufs;
    const keys: (Int32Array | null)[] = [];
    const metas = batch.map((raw, i): ArticleMeta | null => {
      const ord = ordBase + i;
      if (raw === null) {
        keys.push(null);
        return null;
      }
      let p;
      try {
        p = processArticle(raw, this.lex, this.vocab);
      } catch (e) {
        keys.push(null);
        return { ok: false, empty: e instanceof EmptyArticleError, message: (e as Error).message.slice(0, 300) };
      }
      const a = p.article;
      const { text, ...meta } = a;
      const m = json(meta);
      // The whole row, text last; its byte length and offset go into articles_meta.
      const len = b.articles.put(`{"_o":${ord},${m.slice(1, -1)},"text":`) + b.articles.put(jsonString(text)) + b.articles.put('}\n');
      b.articles_meta.put(`{"_o":${ord},"_off":${this.articleBytes},"_len":${len},${m.slice(1)}\n`);
      this.articleBytes += len;
      for (const r of p.mentions) b.mentions.put(csvRow(ord, COLUMNS.mentions, r));
      for (const r of p.topics) b.topics.put(csvRow(ord, COLUMNS.topics, r));
      for (const r of p.stances) b.stances.put(csvRow(ord, COLUMNS.stances, r));
      if (p.terms.top.length) this.cands.put(ord, a.article_id, p.terms.len || 1, p.terms.top);
      keys.push(p.terms.ids);
      return { ok: true, id: a.article_id, source: a.source_id ?? null, hash: a.content_hash, lang: a.lang, country: a.country ?? null, dated: Boolean(a.date) };
    });
    for (const t of STAGED) b[t].flush();
    this.pending.set(seq, { ordBase, keys });
    return metas;
  }

  /** `dups`: indexes in batch `seq` that the main thread rejected as duplicates; the others count for df. */
  verdict(seq: number, dups: number[]): void {
    const batch = this.pending.get(seq);
    this.pending.delete(seq);
    if (!batch) return;
    const { ordBase, keys } = batch;
    const skip = new Set(dups);
    for (const i of dups) this.dupOrds.add(ordBase + i);
    if (this.dfCount.length < this.vocab.size) {
      const grown = new Int32Array(Math.max(this.vocab.size, this.dfCount.length * 2));
      grown.set(this.dfCount);
      this.dfCount = grown;
    }
    const df = this.dfCount;
    for (let i = 0; i < keys.length; i++) {
      const ids = keys[i];
      if (!ids || skip.has(i)) continue;
      for (let j = 0; j < ids.length; j++) df[ids[j]]++;
    }
  }

  /** Closes the files and writes this sink's document frequencies (key id, key, df) as CSV. */
  finish(): void {
    for (const t of STAGED) this.bufs[t].close();
    this.cands.close();
    const out = new FileOut(stagedFile(this.dir, 'df', this.index));
    try {
      // Keys are runs of letters and marks (no comma, quote or newline): plain CSV is safe.
      const df = this.dfCount;
      for (let id = 0; id < this.vocab.size && id < df.length; id++) if (df[id] !== 0) out.put(`${id},${this.vocab.key(id)},${df[id]}\n`);
    } finally {
      out.close();
    }
    this.dfCount = new Int32Array(0);
  }

  /**
   * Writes this sink's articles' top `perArticle` terms (term-rank.ts), given `df`: the run's document frequency of
   * each of this sink's key ids, and `nArticles`, the run's article count. Returns the rows written.
   */
  rank(df: Int32Array, nArticles: number, perArticle: number): number {
    const cands = stagedFile(this.dir, 'cands', this.index);
    const rows = rankTermCands(cands, stagedFile(this.dir, 'terms', this.index), { df, key: (id) => this.vocab.key(id), skip: this.dupOrds, nArticles, perArticle });
    rmSync(cands, { force: true });
    return rows;
  }
}

// Only inside a pipeline worker (test runners run their own worker threads with a parentPort too).
if (parentPort && (workerData as { role?: string } | null)?.role === 'em-pipeline-worker') {
  const { stageDir, index } = workerData as { stageDir: string; index: number };
  const tBoot = performance.now();
  const sink = new RowSink(stageDir, index, loadLexicons());
  const tLex = performance.now();
  let tFirst = 0;
  let handler = 0;
  const port = parentPort;
  port.on('message', (m: WorkerRequest) => {
    const th = performance.now();
    tFirst ||= th;
    try {
      if (m.kind === 'batch') port.postMessage({ kind: 'batch', seq: m.seq, metas: sink.processBatch(m.seq, m.ordBase, m.batch) } satisfies WorkerResponse);
      else if (m.kind === 'lines') port.postMessage({ kind: 'lines', seq: m.seq, results: sink.processLines(m.seq, m.ordBase, m.lines) } satisfies WorkerResponse);
      else if (m.kind === 'verdict') sink.verdict(m.seq, m.dups);
      else if (m.kind === 'rank') {
        sink.rank(m.df, m.nArticles, m.perArticle);
        port.postMessage({ kind: 'ranked' } satisfies WorkerResponse);
      } else {
        if (process.env.EM_TIMING) console.error(`[timing] worker ${index}: boot ${Math.round(tBoot)} lexicons ${Math.round(tLex - tBoot)} first msg ${Math.round(tFirst)} handlers ${Math.round(handler)} processBatch ${Math.round(sink.busyMs)} ms, alive ${Math.round(performance.now())} ms`);
        sink.finish();
        port.postMessage({ kind: 'finished' } satisfies WorkerResponse);
      }
    } catch (e) {
      port.postMessage({ kind: 'error', message: (e as Error).message } satisfies WorkerResponse);
    }
    handler += performance.now() - th;
  });
}
