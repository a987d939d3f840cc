/** The briefing pack as one ZIP: per chart a PNG, an SVG and a CSV, and a README that says what each file is. */
import { strToU8, zipSync } from 'fflate';
import { exportFileName, uniqueName } from './filename';
import type { Provenance } from './provenance';

export interface PackEntry {
  chartId: string;
  title: string;
  /** Page address (with its filters) the chart was picked from. */
  url: string;
  provenance: Provenance;
  png: Uint8Array | null;
  svg: string | null;
  csv: string | null;
}

export function packFileNames(entries: readonly PackEntry[]): { png: string; svg: string; csv: string }[] {
  const taken = new Set<string>();
  return entries.map((e, i) => {
    const prefix = String(i + 1).padStart(2, '0') + '_';
    const base = (ext: 'png' | 'svg' | 'csv') =>
      uniqueName(prefix + exportFileName({ chartId: e.chartId, countries: e.provenance.countries, from: e.provenance.from, to: e.provenance.to, ext }), taken);
    return { png: base('png'), svg: base('svg'), csv: base('csv') };
  });
}

export function packReadme(entries: readonly PackEntry[], methodUrl: string, madeOn: string): string {
  const names = packFileNames(entries);
  const parts = [
    'Engagement monitor: briefing pack',
    `Made ${madeOn}. ${entries.length} chart${entries.length === 1 ? '' : 's'}.`,
    '',
    'Each chart comes as PNG (2x resolution, for documents and slides), SVG (vector, for Inkscape/Illustrator) and CSV',
    '(the rows the chart was drawn from; UTF-8 with BOM; cells that a spreadsheet could run as a formula start with an',
    "apostrophe). Topics and stance are detected automatically from word lists and cue phrases; see the method note:",
    methodUrl,
    ''
  ];
  entries.forEach((e, i) => {
    parts.push(`${i + 1}. ${e.title}`);
    for (const s of e.provenance.subtitle) parts.push(`   ${s}`);
    for (const f of e.provenance.footer) parts.push(`   ${f}`);
    parts.push(`   View online: ${e.url}`);
    parts.push(`   Files: ${[e.png && names[i].png, e.svg && names[i].svg, e.csv && names[i].csv].filter(Boolean).join(', ')}`);
    parts.push('');
  });
  return parts.join('\r\n');
}

export function buildPackZip(entries: readonly PackEntry[], methodUrl: string, madeOn: string): Uint8Array {
  const names = packFileNames(entries);
  const files: Record<string, Uint8Array> = { 'README.txt': strToU8(packReadme(entries, methodUrl, madeOn)) };
  entries.forEach((e, i) => {
    // PNG is already compressed: storing it saves time and loses nothing.
    if (e.png) files[names[i].png] = e.png;
    if (e.svg) files[names[i].svg] = strToU8(e.svg);
    if (e.csv) files[names[i].csv] = strToU8(e.csv);
  });
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, k.endsWith('.png') ? [v, { level: 0 }] : [v, { level: 6 }]]))
  );
}
