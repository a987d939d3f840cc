/**
 * Web worker: the DuckDB-backed Db's Parquet reads (remote-parquet.ts: HTTP ranges, parquet-wasm decoding into Arrow
 * IPC), off the main thread. At 1M articles decoding the tables a page loads in the background took ~1.8 s of the
 * main thread on the compare page, in tasks of up to 400 ms that a click had to wait for. Each request names a file
 * and an operation; a read's IPC bytes are transferred back, not copied. Started once per page life (parquet-client.ts).
 */
import { initParquetOnce } from './fetch-data';
import { RemoteParquet } from './remote-parquet';
import type { ParquetRequest, ParquetAnswer } from './parquet-client';

const files = new Map<string, RemoteParquet>();

self.onmessage = async (e: MessageEvent<ParquetRequest>) => {
  const { id, url, op, wasmUrl } = e.data;
  try {
    await initParquetOnce(wasmUrl);
    let file = files.get(url);
    if (!file) files.set(url, (file = new RemoteParquet(new URL(url))));
    let answer: ParquetAnswer;
    if (op.kind === 'read') {
      const value = await file.read(op.opts);
      answer = { id, value };
      (self as unknown as Worker).postMessage(answer, [value.buffer as ArrayBuffer]);
      return;
    }
    if (op.kind === 'rowGroupStarts') answer = { id, value: await file.rowGroupStarts() };
    else if (op.kind === 'bytes') answer = { id, value: await file.bytes() };
    else answer = { id, value: await file.columnBytes(op.column) };
    self.postMessage(answer);
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies ParquetAnswer);
  }
};
