/**
 * File names that say what the file is, so a folder of exports stays readable:
 * `topic-trends_IR-DZ_2021-01_2025-09.png` = chart, countries (or `all`), first and last month covered.
 */

const NAMES: Record<string, string> = {
  'topic-trend': 'topic-trends',
  'stance-trend': 'stance-over-time',
  comentions: 'co-mentions',
  'by-country': 'articles-by-country',
  'by-lang': 'articles-by-language',
  'by-source': 'articles-by-source',
  coverage: 'date-coverage',
  'topic-shares': 'topic-shares',
  'compare-topics': 'compare-topic-mix',
  'compare-stance': 'compare-stance-un'
};

/** Lower-case ASCII letters, digits and dashes only: safe on every file system and in a ZIP. */
export function slugify(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'chart'
  );
}

export interface FileNameParts {
  /** Chart id as in `data-chart-id`; mapped to a descriptive name where one exists. */
  chartId: string;
  countries: readonly string[];
  /** ISO dates (yyyy-mm-dd or yyyy-mm) bounding the data shown, or null when unknown. */
  from: string | null;
  to: string | null;
  ext: 'png' | 'svg' | 'csv' | 'pdf' | 'zip' | 'txt';
}

export function exportFileName(p: FileNameParts): string {
  const name = NAMES[p.chartId] ?? slugify(p.chartId);
  const countries = p.countries.length
    ? [...p.countries]
        .map((c) => c.toUpperCase().replace(/[^A-Z]/g, ''))
        .filter(Boolean)
        .slice(0, 6)
        .join('-') + (p.countries.length > 6 ? '-more' : '')
    : 'all';
  const month = (d: string | null) => (d && /^\d{4}-\d{2}/.test(d) ? d.slice(0, 7) : null);
  const parts = [name, countries];
  const a = month(p.from);
  const b = month(p.to);
  if (a || b) parts.push(a ?? 'start', b ?? 'end');
  return `${parts.join('_')}.${p.ext}`;
}

/** Keeps names unique inside one ZIP by numbering repeats: `x.png`, `x-2.png`. */
export function uniqueName(name: string, taken: Set<string>): string {
  let out = name;
  const dot = name.lastIndexOf('.');
  for (let i = 2; taken.has(out); i++) out = `${name.slice(0, dot)}-${i}${name.slice(dot)}`;
  taken.add(out);
  return out;
}
