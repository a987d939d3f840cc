/**
 * The briefing pack: charts picked on any page, with the filters they were picked under. The list (page, address,
 * chart id, title) lives in localStorage so it survives reloads; the rendered files are snapshotted into IndexedDB
 * at the moment of picking (a PNG is too big for localStorage's few megabytes), so the pack shows exactly what the
 * user saw and builds without re-running every page's queries.
 */
import type { Provenance } from './provenance';

export const STORAGE_KEY = 'engagement-monitor.briefing.v1';
const DB_NAME = 'engagement-monitor-briefing';
const STORE = 'files';

export interface BriefingItem {
  id: string;
  chartId: string;
  title: string;
  /** Page name ("Topic trends") and address relative to the site root, with the query string (filters). */
  page: string;
  path: string;
  addedAt: string;
}

export interface BriefingFiles {
  png: Blob;
  pngSize: { width: number; height: number };
  svg: string;
  csv: string;
  provenance: Provenance;
}

function isItem(x: unknown): x is BriefingItem {
  const o = x as Record<string, unknown>;
  return (
    !!o &&
    typeof o === 'object' &&
    ['id', 'chartId', 'title', 'page', 'path', 'addedAt'].every((k) => typeof o[k] === 'string') &&
    // Only site-relative addresses: a tampered entry must not turn the pack's "Open" link into an external one.
    /^(?!\/)[a-z0-9/_-]*(\?[^#]*)?$/i.test(o.path as string)
  );
}

export function loadItems(storage: Pick<Storage, 'getItem'> = localStorage): BriefingItem[] {
  try {
    const v = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter(isItem) : [];
  } catch {
    return [];
  }
}

export function saveItems(items: BriefingItem[], storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(items));
  // Other tabs learn through the storage event; this tab through its own event.
  window.dispatchEvent(new CustomEvent('briefing-change'));
}

export function moveItem(items: BriefingItem[], id: string, delta: number): BriefingItem[] {
  const i = items.findIndex((x) => x.id === id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= items.length) return items;
  const out = [...items];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

function openIdb(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openIdb();
  try {
    return await new Promise<T>((ok, fail) => {
      const t = db.transaction(STORE, mode);
      const req = run(t.objectStore(STORE));
      t.oncomplete = () => ok(req.result);
      t.onerror = () => fail(t.error);
      t.onabort = () => fail(t.error);
    });
  } finally {
    db.close();
  }
}

export const putFiles = (id: string, f: BriefingFiles) => tx('readwrite', (s) => s.put(f, id)).then(() => undefined);
export const getFiles = (id: string) => tx<BriefingFiles | undefined>('readonly', (s) => s.get(id));
export const deleteFiles = (id: string) => tx('readwrite', (s) => s.delete(id)).then(() => undefined);

// crypto.randomUUID exists only in secure contexts; an intranet server over plain HTTP is not one.
function newId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export async function addToBriefing(item: Omit<BriefingItem, 'id' | 'addedAt'>, files: BriefingFiles): Promise<BriefingItem> {
  const full: BriefingItem = { ...item, id: newId(), addedAt: new Date().toISOString() };
  await putFiles(full.id, files);
  saveItems([...loadItems(), full]);
  return full;
}

export async function removeFromBriefing(id: string): Promise<void> {
  saveItems(loadItems().filter((x) => x.id !== id));
  await deleteFiles(id).catch(() => undefined);
}
