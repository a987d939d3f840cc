/**
 * A processing worker: receives batches of raw articles, returns their processed rows (or why each failed).
 * Each worker compiles its own lexicons once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RawArticle } from './input';
import { loadLexicons } from './load-lexicons';
import { EmptyArticleError, processArticle, type Processed } from './process';

export type WorkerResult = { ok: true; p: Processed } | { ok: false; empty: boolean; message: string };
export interface WorkerRequest {
  seq: number;
  batch: RawArticle[];
}
export interface WorkerResponse {
  seq: number;
  results: WorkerResult[];
}

export function processBatch(batch: RawArticle[], lex = loadLexicons()): WorkerResult[] {
  return batch.map((raw) => {
    try {
      return { ok: true, p: processArticle(raw, lex) };
    } catch (e) {
      return { ok: false, empty: e instanceof EmptyArticleError, message: (e as Error).message.slice(0, 300) };
    }
  });
}

// Only inside a pipeline worker (test runners run their own worker threads with a parentPort too).
if (parentPort && (workerData as { role?: string } | null)?.role === 'em-pipeline-worker') {
  const lex = loadLexicons();
  parentPort.on('message', (m: WorkerRequest) => {
    parentPort!.postMessage({ seq: m.seq, results: processBatch(m.batch, lex) } satisfies WorkerResponse);
  });
}
