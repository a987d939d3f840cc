/** Colour choices in one place so charts, legends and the reader view agree. Okabe–Ito based (colour-blind safe). */
export const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000',
  '#7f7f7f', '#8c564b', '#17becf', '#bcbd22'];
export const SUPPORT = '#1b7f4b';
export const OPPOSE = '#c0392b';
export const NEUTRAL = '#8a8f98';
/** Line styles that tell countries apart when their lines share a topic colour. */
export const COUNTRY_LINE_TYPES = ['solid', 'dashed', 'dotted'] as const;
export const SEQUENTIAL = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
export const DIVERGING = ['#b2182b', '#ef8a62', '#f7f7f7', '#67a9cf', '#2166ac'];
export const KIND_COLORS: Record<string, string> = {
  state: '#0072B2',
  un_body: '#009E73',
  regional: '#56B4E9',
  organisation: '#E69F00',
  person: '#CC79A7',
  place: '#8c564b'
};
export const KIND_LABELS: Record<string, string> = {
  state: 'State',
  un_body: 'UN body',
  regional: 'Regional body',
  organisation: 'Organisation',
  person: 'Person',
  place: 'Place'
};

export function colorAt(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}
