/**
 * The app's one DuckDB: every page and component awaits the same promise, so the engine and the data load once.
 * Progress is kept here (not in a component) so the layout can show it whichever page the user opened first.
 */
import { base } from '$app/paths';
import type { Manifest } from '$lib/schema';
import type { Db } from './types';
import type { LoadProgress, ProgressListener } from './browser';

export type { LoadProgress, ProgressListener } from './browser';

let progress: LoadProgress = { phase: 'duckdb', message: 'Starting…', done: 0, total: 0 };
const listeners = new Set<ProgressListener>();
let opened: Promise<{ db: Db; manifest: Manifest }> | null = null;

function report(p: LoadProgress): void {
  progress = p;
  for (const l of listeners) l(p);
}

/** Subscribes to load progress; the listener is called at once with the current state. Returns an unsubscribe. */
export function onProgress(listener: ProgressListener): () => void {
  listeners.add(listener);
  listener(progress);
  return () => listeners.delete(listener);
}

export function getProgress(): LoadProgress {
  return progress;
}

/**
 * The data folder, relative to the app root, not to the current page: with `paths.relative` kit gives `base` as
 * the root's path (possibly relative, possibly ''), so resolve it against the page URL, which works under any
 * subpath and from nested routes like /trends/.
 */
export function dataUrl(): URL {
  return new URL(`${base}/data/`, window.location.href);
}

function open(): Promise<{ db: Db; manifest: Manifest }> {
  // The dynamic import keeps duckdb-wasm out of the first chunk; pages render their frames while it loads.
  opened ??= import('./browser')
    .then(({ openBrowserDb }) => openBrowserDb(dataUrl(), report))
    .catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      report({ ...progress, phase: 'error', message: `Could not load the data: ${message}`, error: message });
      throw e;
    });
  return opened;
}

export async function getDb(): Promise<Db> {
  return (await open()).db;
}

export async function getManifest(): Promise<Manifest> {
  return (await open()).manifest;
}
