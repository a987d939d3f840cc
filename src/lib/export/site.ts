/** Addresses relative to the site root, so a stored pick reopens under whatever path the site is served from. */
import { resolve } from '$app/paths';

export function siteRoot(): URL {
  return new URL(resolve('/'), window.location.href);
}

/** `trends/?countries=IR` for the current page. */
export function sitePath(url: URL = new URL(window.location.href)): string {
  const root = siteRoot();
  const path = url.pathname.startsWith(root.pathname) ? url.pathname.slice(root.pathname.length) : url.pathname.replace(/^\/+/, '');
  return path.replace(/index\.html$/, '') + url.search;
}

export function siteUrl(path: string): string {
  return new URL(path, siteRoot()).href;
}

const PAGE_NAMES: [RegExp, string][] = [
  [/^trends\//, 'Topic trends'],
  [/^stance\//, 'Stance'],
  [/^comentions\//, 'Co-mentions'],
  [/^compare\//, 'Compare'],
  [/^articles\//, 'Articles'],
  [/^(\?|$)/, 'Overview']
];
export function pageName(path: string): string {
  return PAGE_NAMES.find(([re]) => re.test(path))?.[1] ?? 'Dashboard';
}
