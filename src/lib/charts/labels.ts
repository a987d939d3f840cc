/**
 * English display names for the codes the pipeline stores. Unknown codes fall back to the code itself, so a new
 * country in the data still shows up (as "XX") instead of disappearing.
 */
const COUNTRY_NAMES: Record<string, string> = {
  IR: 'Iran', DZ: 'Algeria', EG: 'Egypt', SA: 'Saudi Arabia', AE: 'UAE', QA: 'Qatar', LB: 'Lebanon', SY: 'Syria',
  IQ: 'Iraq', JO: 'Jordan', MA: 'Morocco', TN: 'Tunisia', LY: 'Libya', AF: 'Afghanistan', TJ: 'Tajikistan',
  US: 'United States', GB: 'United Kingdom', FR: 'France', RU: 'Russia', CN: 'China', TR: 'Türkiye', PS: 'Palestine',
  YE: 'Yemen', CZ: 'Czechia', KW: 'Kuwait', BH: 'Bahrain', OM: 'Oman', SD: 'Sudan', IL: 'Israel', DE: 'Germany'
};
const LANG_NAMES: Record<string, string> = { fa: 'Persian', ar: 'Arabic', en: 'English', und: 'Undetermined' };

export function countryName(code: string | null | undefined): string {
  if (!code) return 'Unknown country';
  return COUNTRY_NAMES[code] ?? code;
}

export function langName(code: string | null | undefined): string {
  if (!code) return 'Unknown language';
  return LANG_NAMES[code] ?? code;
}

/** Languages written right-to-left; text in them gets dir="rtl" and the Arabic-script font stack. */
export function isRtl(lang: string | null | undefined): boolean {
  return lang === 'fa' || lang === 'ar';
}

export function formatInt(n: number): string {
  return new Intl.NumberFormat('en-US').format(Math.round(n));
}

export function formatPct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** Distinct country codes, alphabetical by English name, unknown ('' or null) last. */
export function sortCountries(codes: (string | null)[]): string[] {
  const set = [...new Set(codes.map((c) => c ?? ''))];
  return set.sort((a, b) => (a === '' ? 1 : b === '' ? -1 : countryName(a).localeCompare(countryName(b))));
}
