/** The pack's items and their snapshotted files, kept in sync with localStorage across tabs. */
import { onMount } from 'svelte';
import { getFiles, loadItems, type BriefingFiles, type BriefingItem } from '$lib/export/briefing';

export interface Loaded {
  item: BriefingItem;
  files: BriefingFiles | null;
  /** Object URLs for <img>; revoked when the list reloads or the page closes. */
  pngUrl: string | null;
  svgUrl: string | null;
}

export function usePack() {
  const state = $state({ entries: [] as Loaded[], loaded: false });
  let urls: string[] = [];
  const revoke = () => {
    urls.forEach((u) => URL.revokeObjectURL(u));
    urls = [];
  };

  async function reload() {
    const items = loadItems();
    const entries = await Promise.all(
      items.map(async (item) => {
        const files = (await getFiles(item.id).catch(() => undefined)) ?? null;
        const pngUrl = files ? URL.createObjectURL(files.png) : null;
        const svgUrl = files ? URL.createObjectURL(new Blob([files.svg], { type: 'image/svg+xml' })) : null;
        return { item, files, pngUrl, svgUrl };
      })
    );
    revoke();
    urls = entries.flatMap((e) => [e.pngUrl, e.svgUrl].filter((u): u is string => !!u));
    state.entries = entries;
    state.loaded = true;
  }

  onMount(() => {
    void reload();
    const onChange = () => void reload();
    window.addEventListener('briefing-change', onChange);
    window.addEventListener('storage', onChange);
    return () => {
      window.removeEventListener('briefing-change', onChange);
      window.removeEventListener('storage', onChange);
      revoke();
    };
  });
  return { state, reload };
}
