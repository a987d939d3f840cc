/**
 * Distinctive terms by TF-IDF, ranked in the worker that counted them. While it processes articles, a RowSink stages
 * each article's candidates (its most frequent content words) in a binary file; once the run's document frequencies
 * are known (the main thread sums every sink's), the sink reads its file back in order and writes each article's top
 * terms as CSV, which DuckDB only sorts into terms.parquet.
 *
 * This replaced a DuckDB query over JSON-staged candidates (unnest, join with the frequencies, a window per
 * article): at 1M articles that query was 35 s of the final phases, and writing the candidates as JSON cost the
 * workers ~12% of their time (one thread, 20k articles: 8.7–8.9 → 9.7–10.3 MB/s without it).
 *
 * Scores, ties and rounding are those of the query it replaced:
 *   score = (n / len) · ln((1 + N) / (1 + df) + 1), words in half of the articles or more left out (df < max(2, N/2),
 *   every word when N < 4), ties broken by the key in code point order (DuckDB compares strings as UTF-8 bytes),
 *   scores rounded to 5 decimals (round(score, 5)).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { FileOut } from './file-out';

/** One candidate of an article: its key's id in the sink's vocabulary, its count and its surface form. */
export interface TermCand {
  id: number;
  n: number;
  surface: string;
}

/**
 * The candidates file: per article, the record's length in bytes, ordinal, word count, number of candidates, article
 * id, then per candidate its key id, count and surface (integers as int32 LE, strings as byte length + UTF-8).
 */
export class TermCandWriter {
  private readonly out: FileOut;
  constructor(path: string) {
    this.out = new FileOut(path);
  }
  put(ord: number, articleId: string, len: number, cands: readonly TermCand[]): void {
    let need = 20 + 3 * articleId.length;
    for (const c of cands) need += 12 + 3 * c.surface.length;
    const o = this.out;
    o.reserve(need);
    const start = o.used;
    o.i32(0);
    o.i32(ord);
    o.i32(len);
    o.i32(cands.length);
    o.str(articleId);
    for (const c of cands) {
      o.i32(c.id);
      o.i32(c.n);
      o.str(c.surface);
    }
    o.i32Back(o.used - start, o.used - start);
  }
  close(): void {
    this.out.close();
  }
}

/** Reads a TermCandWriter file front to back, a buffer at a time; a record is read in place. */
class CandReader {
  buf = Buffer.allocUnsafe(4 << 20);
  /** The current record: buf[at, at + length). */
  at = 0;
  private end = 0;
  private next = 0;
  private filePos = 0;
  private eof = false;
  constructor(private readonly fd: number) {}
  /** True when `n` bytes are buffered from `next` (refilling); false when the file ends first. */
  private ensure(n: number): boolean {
    if (this.end - this.next >= n) return true;
    this.buf.copy(this.buf, 0, this.next, this.end);
    this.end -= this.next;
    this.next = 0;
    if (n > this.buf.length) {
      const b = Buffer.allocUnsafe(Math.max(n, 2 * this.buf.length));
      this.buf.copy(b, 0, 0, this.end);
      this.buf = b;
    }
    while (this.end < n && !this.eof) {
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.filePos);
      if (got === 0) this.eof = true;
      this.end += got;
      this.filePos += got;
    }
    return this.end - this.next >= n;
  }
  /** Moves to the next record; false at the end of the file. */
  record(): boolean {
    if (!this.ensure(4)) {
      if (this.end > this.next) throw new Error('term candidates file is truncated');
      return false;
    }
    const len = this.buf.readInt32LE(this.next);
    if (len < 20 || !this.ensure(len)) throw new Error('term candidates file is truncated');
    this.at = this.next;
    this.next += len;
    return true;
  }
}

/** Words in this many articles or more are not distinctive. */
export function maxDocFreq(nArticles: number): number {
  const n = Math.max(0, Math.floor(nArticles));
  return n < 4 ? Number.MAX_SAFE_INTEGER : Math.max(2, n * 0.5);
}

/** Compares two strings by code point (as DuckDB compares VARCHARs: UTF-8 bytes). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP code unit.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x - y;
  }
  return a.length - b.length;
}

/** round(x, 5) as DuckDB computes it for a DOUBLE (std::round(x · 10⁵) / 10⁵; x ≥ 0 here). */
const round5 = (x: number) => Math.round(x * 100000) / 100000;

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * Copies the UTF-8 bytes src[from, to) into out as a quoted CSV field (quotes doubled); out needs 2 + 2·(to − from)
 * bytes of room. A byte loop: the fields are short, and a native copy per field cost more than it saved.
 */
function putField(out: FileOut, src: Buffer, from: number, to: number): void {
  const b = out.buf;
  let u = out.used;
  b[u++] = QUOTE;
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c === QUOTE) b[u++] = QUOTE;
    b[u++] = c;
  }
  b[u++] = QUOTE;
  out.used = u;
}
/** An ASCII string (a number) into out; needs its length in room. */
function putAscii(out: FileOut, s: string): void {
  const b = out.buf;
  let u = out.used;
  for (let i = 0; i < s.length; i++) b[u++] = s.charCodeAt(i);
  out.used = u;
}

/**
 * read_csv options for every CSV file the workers stage (the ranked terms here, the rows of write.ts rowsCsvSource):
 * no header or sniffing, quotes doubled, lines up to 8 MB in 16 MB buffers.
 */
export const STAGED_CSV_OPTS = `header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', max_line_size = 8388608, buffer_size = 16777216`;

/**
 * How DuckDB reads the ranked terms' CSV files (`files`: SQL string literals): every column typed, quotes doubled,
 * and lines as long as an article's longest word can make them (MAX_ARTICLE_CHARS: ≤ 3 MB of UTF-8, quotes doubled in ids), in 16 MB buffers
 * (DuckDB's default of 16 lines' worth would be 128 MB per reader).
 */
export function termsCsvSource(files: string[]): string {
  return `read_csv([${files.join(', ')}], ${STAGED_CSV_OPTS},
    columns = {'article_id': 'VARCHAR', 'term': 'VARCHAR', 'score': 'DOUBLE', 'rank': 'INTEGER'})`;
}

export interface RankOptions {
  /** Document frequency per key id (the whole run's: every sink's accepted articles). */
  df: Int32Array;
  /** The key of an id (ties are broken by key). */
  key: (id: number) => string;
  /** Ordinals whose rows are dropped (duplicates). */
  skip: ReadonlySet<number>;
  /** Articles in the run (N). */
  nArticles: number;
  perArticle: number;
}

/** Reads the candidates file `candsPath` and writes each article's top terms to `csvPath` (article_id, term, score, rank); returns the rows written. */
export function rankTermCands(candsPath: string, csvPath: string, o: RankOptions): number {
  const fd = openSync(candsPath, 'r');
  const out = new FileOut(csvPath);
  const N = Math.max(0, Math.floor(o.nArticles));
  const maxDf = maxDocFreq(N);
  /** ln((1 + N) / (1 + df) + 1) by df (0: not computed yet), for df < maxDf. */
  const idf = new Float64Array(Math.min(N, maxDf) + 1);
  let rows = 0;
  try {
    const r = new CandReader(fd);
    const ids: number[] = [];
    /** Where each kept candidate's surface (byte length, then UTF-8) sits in the record's buffer. */
    const surfaceAt: number[] = [];
    const scores: number[] = [];
    const order: number[] = [];
    const byScore = (a: number, b: number) => scores[b] - scores[a] || compareCodePoints(o.key(ids[a]), o.key(ids[b]));
    while (r.record()) {
      const b = r.buf;
      let p = r.at + 4;
      const ord = b.readInt32LE(p);
      const len = b.readInt32LE(p + 4);
      const count = b.readInt32LE(p + 8);
      const idFrom = p + 16;
      const idTo = idFrom + b.readUInt32LE(p + 12);
      p = idTo;
      if (o.skip.has(ord)) continue;
      ids.length = surfaceAt.length = scores.length = order.length = 0;
      for (let j = 0; j < count; j++) {
        const id = b.readInt32LE(p);
        const n = b.readInt32LE(p + 4);
        const sAt = p + 8;
        p = sAt + 4 + b.readUInt32LE(sAt);
        const df = id < o.df.length ? o.df[id] : 0;
        // A key no accepted article counted (df 0) has no frequency: the query's join dropped it.
        if (df <= 0 || df >= maxDf) continue;
        let w = idf[df];
        if (w === 0) idf[df] = w = Math.log((1 + N) / (1 + df) + 1);
        order.push(ids.length);
        ids.push(id);
        surfaceAt.push(sAt);
        scores.push((n / len) * w);
      }
      if (order.length === 0) continue;
      if (order.length > 1) order.sort(byScore);
      for (let k = 0; k < order.length && k < o.perArticle; k++) {
        const j = order[k];
        const sFrom = surfaceAt[j] + 4;
        const sTo = sFrom + b.readUInt32LE(surfaceAt[j]);
        const score = String(round5(scores[j]));
        out.reserve(2 * (idTo - idFrom) + 2 * (sTo - sFrom) + score.length + 20);
        putField(out, b, idFrom, idTo);
        out.buf[out.used++] = COMMA;
        putField(out, b, sFrom, sTo);
        out.buf[out.used++] = COMMA;
        putAscii(out, score);
        out.buf[out.used++] = COMMA;
        putAscii(out, String(k + 1));
        out.buf[out.used++] = NEWLINE;
        rows++;
      }
    }
  } finally {
    closeSync(fd);
    out.close();
  }
  return rows;
}
