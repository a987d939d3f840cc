/**
 * Reads articles from a folder or a file: `.txt` (one article each, optional first line `date YYYY-MM-DD`),
 * `.jsonl`/`.ndjson` and `.csv` (fields id, date, source, country|country_of_source, lang, title, text, url), and an
 * optional sidecar `metadata.csv` keyed by file name that supplies or overrides date/source/country/url for `.txt`.
 * Yields raw records or rejects; one bad file or line never stops the rest.
 */
import { closeSync, openSync, readSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { RejectRow } from '../lib/schema';
import { decodeUtf8 } from './utf8';

export interface RawArticle {
  input_file: string;
  input_line: number | null;
  input_id: string | null;
  url: string | null;
  source: string | null;
  country: string | null;
  lang: string | null;
  date: string | null;
  title: string | null;
  /** Decoded text, as given. */
  text: string;
  /** `.txt` only: the value of a `date …` header line. */
  header_date: string | null;
  bytes: number;
}

export type InputItem = { kind: 'article'; article: RawArticle } | { kind: 'reject'; reject: RejectRow };
/**
 * One line of a streamed JSONL file as its undecoded bytes (readInput with `rawLines`), for a worker thread to decode
 * and parse with parseJsonlLine. `bytes` is a view of the reader's buffer: valid until the next item is read.
 */
export type RawLine = { kind: 'line'; file: string; line: number; bytes: Uint8Array };

export const SIDECAR = 'metadata.csv';
export const MAX_ARTICLE_CHARS = 1_000_000;
const TEXT_EXT = new Set(['.txt']);
const JSONL_EXT = new Set(['.jsonl', '.ndjson']);
const CSV_EXT = new Set(['.csv']);

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

/**
 * UTF-8 (with or without BOM), UTF-16 with BOM and Windows-1256. Windows-1256 is accepted only when the bytes are not
 * valid UTF-8 and decode to mostly Arabic-script letters, because any byte string "decodes" in a single-byte code page.
 */
export function decodeBytes(buf: Uint8Array): Decoded {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { ok: true, text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { ok: true, text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bom ? buf.subarray(3) : buf);
    if (/\u0000/.test(text)) return { ok: false, reason: 'contains NUL bytes (binary file or UTF-16 without BOM)' };
    return { ok: true, text, encoding: 'utf-8' };
  } catch {
    /* not UTF-8: try the legacy Arabic/Persian code page */
  }
  const text = new TextDecoder('windows-1256').decode(buf);
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const arabic = (text.match(/[\u0600-\u06FF]/g) ?? []).length;
  const controls = (text.match(/[\u0000-\u0008\u000E-\u001F\u0080-\u009F]/g) ?? []).length;
  if (letters > 0 && arabic / letters >= 0.5 && controls === 0) return { ok: true, text, encoding: 'windows-1256' };
  return { ok: false, reason: 'not UTF-8, UTF-16 with BOM or Windows-1256 text' };
}

const HEADER = /^\s*date\s+(\S+)\s*/i;

/** Splits the optional `date YYYY-MM-DD` header (seed 000 has it on the same line as the text). */
export function splitHeader(text: string): { header: string | null; body: string } {
  const m = HEADER.exec(text);
  if (!m) return { header: null, body: text };
  return { header: m[1], body: text.slice(m[0].length) };
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s ? s : null;
}

type Meta = Partial<Record<'id' | 'date' | 'source' | 'country' | 'lang' | 'title' | 'url', string | null>>;

function metaOf(o: Record<string, unknown>): Meta {
  return {
    id: str(o.id),
    date: str(o.date),
    source: str(o.source),
    country: str(o.country ?? o.country_of_source),
    lang: str(o.lang),
    title: str(o.title),
    url: str(o.url)
  };
}

function loadSidecar(dir: string): Map<string, Meta> {
  const m = new Map<string, Meta>();
  const p = join(dir, SIDECAR);
  try {
    statSync(p);
  } catch {
    return m;
  }
  const dec = decodeBytes(readFileSync(p));
  if (!dec.ok) throw new Error(`${SIDECAR}: ${dec.reason}`);
  const rows = parseCsv(dec.text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Record<string, string>[];
  for (const r of rows) {
    const file = str(r.file ?? r.filename ?? r.name);
    if (file) m.set(file, metaOf(r));
  }
  return m;
}

export function listFiles(root: string): string[] {
  const st = statSync(root);
  if (st.isFile()) return [root];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

function reject(input_file: string, input_line: number | null, input_id: string | null, reason: RejectRow['reason'], detail: string): InputItem {
  return { kind: 'reject', reject: { input_file, input_line, input_id, reason, detail } };
}

function fromRecord(o: Record<string, unknown>, file: string, line: number): InputItem {
  const meta = metaOf(o);
  const text = str(o.text);
  if (o.text !== undefined && o.text !== null && typeof o.text !== 'string') return reject(file, line, meta.id ?? null, 'malformed', `line ${line}: "text" is not a string`);
  if (!text) return reject(file, line, meta.id ?? null, 'empty', `line ${line}: no text`);
  if (text.length > MAX_ARTICLE_CHARS) return reject(file, line, meta.id ?? null, 'too_large', `line ${line}: ${text.length} characters (limit ${MAX_ARTICLE_CHARS})`);
  return articleItem(meta, file, line, text, null, Buffer.byteLength(text));
}

function articleItem(meta: Meta, file: string, line: number | null, text: string, header: string | null, bytes: number): InputItem {
  return {
    kind: 'article',
    article: {
      input_file: file,
      input_line: line,
      input_id: meta.id ?? null,
      url: meta.url ?? null,
      source: meta.source ?? null,
      country: meta.country ?? null,
      lang: meta.lang ?? null,
      date: meta.date ?? null,
      title: meta.title ?? null,
      text,
      header_date: header,
      bytes
    }
  };
}

/** One trimmed, non-empty JSONL line (1-based line number `line`) → its article or reject. */
function jsonlItem(l: string, file: string, line: number): InputItem {
  let o: unknown;
  try {
    o = JSON.parse(l);
  } catch (e) {
    return reject(file, line, null, 'malformed', `line ${line}: invalid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return reject(file, line, null, 'malformed', `line ${line}: not a JSON object`);
  return fromRecord(o as Record<string, unknown>, file, line);
}

function* readJsonl(text: string, file: string): Generator<InputItem> {
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const l = lines[li].trim();
    if (l) yield jsonlItem(l, file, li + 1);
  }
}

/**
 * One line of a streamed JSONL file, from its bytes (without the newline; without the BOM on line 1): its article or
 * reject, or null for a blank line. A line that is not valid UTF-8 is rejected on its own. `utf8` is a fatal decoder.
 */
export function parseJsonlLine(bytes: Uint8Array, file: string, line: number, utf8: TextDecoder): InputItem | null {
  // The fast decoder answers for well-formed lines; the TextDecoder has the last word on the others.
  let text = decodeUtf8(bytes);
  if (text === null) {
    try {
      text = utf8.decode(bytes);
    } catch {
      return reject(file, line, null, 'undecodable', `line ${line}: not UTF-8`);
    }
  }
  text = text.trim();
  return text ? jsonlItem(text, file, line) : null;
}

/** JSONL files above this size are streamed line by line (UTF-8 only) instead of decoded whole. */
export const STREAM_JSONL_BYTES = 16 * 1024 * 1024;

/**
 * Streams a large UTF-8 JSONL file in 4 MiB chunks, so a million-article file never sits in memory (nor hits V8's
 * string size limit). A line that is not valid UTF-8 is rejected on its own.
 */
function* readJsonlStream(path: string, file: string, rawLines: boolean): Generator<InputItem | RawLine> {
  const fd = openSync(path, 'r');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
  let carry: Buffer = Buffer.alloc(0) as Buffer;
  let lineNo = 0;
  let first = true;
  const handle = function* (bytes: Buffer): Generator<InputItem | RawLine> {
    lineNo++;
    if (first) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (rawLines) {
      yield { kind: 'line', file, line: lineNo, bytes };
      return;
    }
    const item = parseJsonlLine(bytes, file, lineNo, utf8);
    if (item) yield item;
  };
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const buf: Buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        yield* handle(buf.subarray(start, nl));
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
    }
    if (carry.length) yield* handle(carry);
  } finally {
    closeSync(fd);
  }
}

function* readCsv(text: string, file: string): Generator<InputItem> {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_quotes: false, bom: true }) as Record<string, string>[];
  } catch (e) {
    // Fall back to record-by-record parsing so that one broken record does not lose the others.
    const err = e as Error & { lines?: number; records?: number };
    yield reject(file, err.lines ?? null, null, 'malformed', `CSV parse error: ${err.message.slice(0, 160)}`);
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, relax_quotes: true, relax_column_count: true, skip_records_with_error: true, bom: true }) as Record<string, string>[];
    } catch {
      return;
    }
  }
  if (rows.length && !('text' in rows[0])) {
    yield reject(file, null, null, 'malformed', 'CSV has no "text" column');
    return;
  }
  for (let i = 0; i < rows.length; i++) yield fromRecord(rows[i], file, i + 2);
}

/** Total size in bytes of the input files under `root` (for progress). */
export function inputBytes(root: string): number {
  return listFiles(root).reduce((a, f) => a + statSync(f).size, 0);
}

export interface ReadOptions {
  /** JSONL files above this size (bytes) are streamed; default STREAM_JSONL_BYTES. */
  streamJsonlBytes?: number;
  /** Streamed JSONL lines are yielded undecoded (RawLine), for worker threads to parse (parseJsonlLine). */
  rawLines?: boolean;
}

/** All articles and rejects under `root` (a folder or one file), in a stable order. */
export function readInput(root: string, opts: ReadOptions & { rawLines: boolean }): Generator<InputItem | RawLine>;
export function readInput(root: string, opts?: ReadOptions & { rawLines?: false }): Generator<InputItem>;
export function* readInput(root: string, opts: ReadOptions = {}): Generator<InputItem | RawLine> {
  const streamAbove = opts.streamJsonlBytes ?? STREAM_JSONL_BYTES;
  const files = listFiles(root);
  const rootDir = statSync(root).isDirectory() ? root : join(root, '..');
  const sidecar = statSync(root).isDirectory() ? loadSidecar(root) : new Map<string, Meta>();
  for (const path of files) {
    const rel = relative(rootDir, path) || basename(path);
    const ext = extname(path).toLowerCase();
    if (basename(path) === SIDECAR && statSync(root).isDirectory()) continue;
    if (!TEXT_EXT.has(ext) && !JSONL_EXT.has(ext) && !CSV_EXT.has(ext)) {
      yield reject(rel, null, null, 'unsupported', `unsupported file type "${ext || '(none)'}" (expected .txt, .jsonl, .ndjson, .csv)`);
      continue;
    }
    if (JSONL_EXT.has(ext) && statSync(path).size > streamAbove) {
      yield* readJsonlStream(path, rel, opts.rawLines === true);
      continue;
    }
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (e) {
      yield reject(rel, null, null, 'error', `cannot read: ${(e as Error).message}`);
      continue;
    }
    const dec = decodeBytes(buf);
    if (!dec.ok) {
      yield reject(rel, null, null, 'undecodable', dec.reason);
      continue;
    }
    if (JSONL_EXT.has(ext)) yield* readJsonl(dec.text, rel);
    else if (CSV_EXT.has(ext)) yield* readCsv(dec.text, rel);
    else {
      if (dec.text.length > MAX_ARTICLE_CHARS) {
        yield reject(rel, null, null, 'too_large', `${dec.text.length} characters (limit ${MAX_ARTICLE_CHARS})`);
        continue;
      }
      const { header, body } = splitHeader(dec.text);
      if (!body.trim()) {
        yield reject(rel, null, null, 'empty', 'no text');
        continue;
      }
      yield articleItem(sidecar.get(basename(path)) ?? sidecar.get(rel) ?? {}, rel, null, body, header, buf.length);
    }
  }
}
