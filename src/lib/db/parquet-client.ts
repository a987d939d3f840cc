/**
 * The DuckDB-backed Db's Parquet files, read in parquet-worker.ts: `parquetSources` gives a ParquetSource per file
 * whose calls are answered by the worker. If the worker cannot start or dies, the calls in flight and every later one
 * run on this thread instead (remote-parquet.ts directly), so a page never depends on the worker for its data.
 */
import type { ParquetSource } from './browser-db';
import { initParquetOnce } from './fetch-data';

export type ParquetOp =
  | { kind: 'read'; opts: { columns?: string[]; rowGroups?: number[] } }
  | { kind: 'rowGroupStarts' }
  | { kind: 'bytes' }
  | { kind: 'columnBytes'; column: string };
export interface ParquetRequest {
  id: number;
  url: string;
  op: ParquetOp;
  wasmUrl: string;
}
export type ParquetAnswer = { id: number; value: unknown; error?: undefined } | { id: number; value?: undefined; error: string };

/**
 * A factory of ParquetSources (one per file URL) served by one worker started now. `wasmUrl`: parquet-wasm's binary,
 * absolute. `stop` ends the worker (the Db's close).
 */
export function parquetSources(wasmUrl: URL): { open: (url: URL) => ParquetSource; stop: () => void } {
  let worker: Worker | null = null;
  const pending = new Map<number, { url: URL; op: ParquetOp; ok: (v: unknown) => void; fail: (e: Error) => void }>();
  let next = 0;
  const local = new Map<string, Promise<ParquetSource>>();
  const onThisThread = (url: URL): Promise<ParquetSource> => {
    let s = local.get(url.href);
    if (!s) {
      s = Promise.all([import('./remote-parquet'), initParquetOnce(wasmUrl)]).then(([{ RemoteParquet }]) => new RemoteParquet(url));
      local.set(url.href, s);
    }
    return s;
  };
  const runHere = async (url: URL, op: ParquetOp): Promise<unknown> => {
    const s = await onThisThread(url);
    if (op.kind === 'read') return s.read(op.opts);
    if (op.kind === 'rowGroupStarts') return s.rowGroupStarts();
    if (op.kind === 'bytes') return s.bytes();
    return s.columnBytes(op.column);
  };
  const giveUp = (why: unknown) => {
    if (!worker) return;
    console.warn('Parquet worker failed; reading Parquet on the main thread', why);
    worker.terminate();
    worker = null;
    for (const p of pending.values()) runHere(p.url, p.op).then(p.ok, p.fail);
    pending.clear();
  };
  try {
    worker = new Worker(new URL('./parquet-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ParquetAnswer>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if (e.data.error !== undefined) p.fail(new Error(e.data.error));
      else p.ok(e.data.value);
    };
    worker.onerror = (e) => giveUp(e.message);
  } catch (e) {
    worker = null;
    console.warn('Parquet worker could not start; reading Parquet on the main thread', e);
  }
  const call = (url: URL, op: ParquetOp): Promise<unknown> => {
    if (!worker) return runHere(url, op);
    const w = worker;
    return new Promise((ok, fail) => {
      const id = next++;
      pending.set(id, { url, op, ok, fail });
      w.postMessage({ id, url: url.href, op, wasmUrl: wasmUrl.href } satisfies ParquetRequest);
    });
  };
  return {
    open: (url) => ({
      read: (opts = {}) => call(url, { kind: 'read', opts }) as Promise<Uint8Array>,
      rowGroupStarts: () => call(url, { kind: 'rowGroupStarts' }) as Promise<number[]>,
      bytes: () => call(url, { kind: 'bytes' }) as Promise<number | null>,
      columnBytes: (column) => call(url, { kind: 'columnBytes', column }) as Promise<number | null>
    }),
    stop: () => {
      worker?.terminate();
      worker = null;
    }
  };
}
