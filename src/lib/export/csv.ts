/**
 * Rows → CSV for spreadsheet users. UTF-8 with a byte-order mark, because Excel reads a BOM-less CSV in the
 * machine's ANSI code page and turns Persian/Arabic into mojibake. Cells that a spreadsheet would run as a formula
 * (leading `=`, `+`, `-`, `@`, tab, CR; OWASP "CSV injection") get a leading apostrophe: article titles are
 * untrusted text, and `=HYPERLINK("http://x","y")` in a title must stay text when a policy officer opens the file.
 */

export const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

export type Cell = string | number | boolean | bigint | Date | null | undefined | object;

/** A value as spreadsheet text: numbers unchanged (a negative number is data, not a formula), strings neutralised. */
export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column order: `columns` when given, else the keys of the first row followed by any new keys of later rows. */
export function csvColumns(rows: readonly object[]): string[] {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
      }
  return cols;
}

/** CSV text (RFC 4180, CRLF line ends) with a leading BOM; header row always present, even with no rows. */
export function toCsv(rows: readonly object[], columns: readonly string[] = csvColumns(rows)): string {
  const lines = [columns.map((c) => quote(cellText(c))).join(',')];
  for (const r of rows) {
    const rec = r as Record<string, Cell>;
    lines.push(columns.map((c) => quote(cellText(rec[c]))).join(','));
  }
  return BOM + lines.join('\r\n') + '\r\n';
}
