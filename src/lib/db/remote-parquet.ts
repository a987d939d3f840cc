/**
 * One Parquet file of the data folder, read by HTTP range where the server allows it (parquet-wasm). Used by the
 * DuckDB-backed Db through parquet-worker.ts, so that decoding (~1.8 s of CPU on the compare page at 1M articles)
 * runs off the main thread; directly where no worker can start.
 */
import { ParquetFile } from 'parquet-wasm/esm';
import type { ParquetSource } from './browser-db';
import { fetchOk } from './fetch-data';

/** Reads a Parquet file: by HTTP range when the server allows it, else downloaded whole (then kept for reuse). */
export class RemoteParquet implements ParquetSource {
  #file: Promise<ParquetFile | null> | null = null;
  #bytes: Promise<Uint8Array> | null = null;
  #probe: Promise<{ status: number; size: number | null }> | null = null;
  constructor(readonly url: URL) {}

  /**
   * A one-byte range read: the status (206 = ranges work, 200 = whole files only, else an error) and the file size
   * (`Content-Range: bytes 0-0/N`, or a 200's Content-Length, whose body is then not read).
   */
  #probeOnce(): Promise<{ status: number; size: number | null }> {
    this.#probe ??= (async () => {
      const res = await fetch(this.url, { headers: { Range: 'bytes=0-0' } });
      const range = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
      const n = range ? Number(range[1]) : res.status === 200 ? Number(res.headers.get('content-length')) : NaN;
      if (res.status === 206) await res.arrayBuffer();
      else await res.body?.cancel();
      return { status: res.status, size: Number.isFinite(n) && n > 0 ? n : null };
    })();
    return this.#probe;
  }

  /**
   * The file by range, or null when the server only serves whole files. A server error fails (and is tried again on
   * the next read): parquet-wasm's fromUrl hits a WASM trap on an error answer and never settles, so it is only asked
   * once the server has answered a range.
   */
  #open(): Promise<ParquetFile | null> {
    this.#file ??= (async () => {
      const { status } = await this.#probeOnce();
      if (status >= 400) throw new Error(`${this.url.pathname}: HTTP ${status}`);
      if (status !== 206) return null;
      return ParquetFile.fromUrl(this.url.href).catch(() => null);
    })();
    this.#file.catch(() => {
      this.#file = null;
      this.#probe = null;
    });
    return this.#file;
  }
  #download(): Promise<Uint8Array> {
    this.#bytes ??= fetchOk(this.url).then(async (r) => new Uint8Array(await r.arrayBuffer()));
    this.#bytes.catch(() => (this.#bytes = null));
    return this.#bytes;
  }

  /** Arrow IPC of the chosen columns / row groups. */
  async read(opts: { columns?: string[]; rowGroups?: number[] } = {}): Promise<Uint8Array> {
    const file = await this.#open();
    if (file) {
      try {
        return (await file.read(opts)).intoIPCStream();
      } catch {
        // Some servers answer ranges wrongly; the whole file is always right.
      }
    }
    // readParquet ignores row groups and columns: read the downloaded bytes through a ParquetFile, which honours them.
    const whole = await ParquetFile.fromFile(new Blob([(await this.#download()) as Uint8Array<ArrayBuffer>]));
    return (await whole.read(opts)).intoIPCStream();
  }

  /** First row index of each row group, plus the total, from the footer. */
  async rowGroupStarts(): Promise<number[]> {
    const file = await this.#open();
    const meta = file ? file.metadata() : null;
    if (!meta) return [];
    const starts = [0];
    for (let i = 0; i < meta.numRowGroups(); i++) starts.push(starts[i] + meta.rowGroup(i).numRows());
    return starts;
  }

  async columnBytes(column: string): Promise<number | null> {
    const file = await this.#open();
    const meta = file ? file.metadata() : null;
    if (!meta) return null;
    let n = 0;
    for (let i = 0; i < meta.numRowGroups(); i++) {
      const g = meta.rowGroup(i);
      for (let j = 0; j < g.numColumns(); j++) {
        const c = g.column(j);
        if (c.columnPath()[0] === column) n += c.compressedSize();
      }
    }
    return n;
  }

  /** Size in bytes (null when the server does not say). */
  async bytes(): Promise<number | null> {
    const p = await this.#probeOnce();
    if (p.status >= 400) {
      this.#probe = null;
      throw new Error(`${this.url.pathname}: HTTP ${p.status}`);
    }
    return p.size;
  }
}

