/**
 * Splits a string into plain and marked pieces from [start, end) offsets, for rendering as text nodes (never HTML).
 * Offsets outside the string, reversed or overlapping ranges are dropped rather than guessed at, so a bad offset
 * from the pipeline shows up as "no highlight" instead of a highlight on the wrong words.
 */
export interface Span<M = unknown> {
  text: string;
  mark: M | null;
}

export function splitMarks<M>(text: string, marks: { start: number; end: number; mark: M }[]): Span<M>[] {
  const ok = marks
    .filter((m) => Number.isInteger(m.start) && Number.isInteger(m.end) && m.start >= 0 && m.end <= text.length && m.start < m.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span<M>[] = [];
  let pos = 0;
  for (const m of ok) {
    if (m.start < pos) continue;
    if (m.start > pos) out.push({ text: text.slice(pos, m.start), mark: null });
    out.push({ text: text.slice(m.start, m.end), mark: m.mark });
    pos = m.end;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos), mark: null });
  return out;
}

/** The cue inside its evidence sentence: offsets are into the article, so shift them by the sentence start. */
export function cueSpans(sentence: string, sentenceStart: number, cueStart: number, cueEnd: number): Span<'cue'>[] {
  return splitMarks(sentence, [{ start: cueStart - sentenceStart, end: cueEnd - sentenceStart, mark: 'cue' as const }]);
}

export interface Layer<D> {
  start: number;
  end: number;
  data: D;
}

export interface Segment<L extends Record<string, unknown>> {
  start: number;
  text: string;
  /** For each layer name, the range data covering this segment (the first one when ranges overlap), or null. */
  on: { [K in keyof L]: L[K] | null };
}

/**
 * Cuts `text` at every range boundary of every layer, so nested highlights (a mention inside an evidence sentence
 * containing a cue) become flat segments that can each be rendered as text inside a styled span.
 */
export function segment<L extends Record<string, unknown>>(
  text: string,
  layers: { [K in keyof L]: Layer<L[K]>[] }
): Segment<L>[] {
  const valid = (r: Layer<unknown>) =>
    Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= text.length && r.start < r.end;
  const names = Object.keys(layers) as (keyof L)[];
  const clean = Object.fromEntries(names.map((n) => [n, (layers[n] as Layer<unknown>[]).filter(valid)])) as {
    [K in keyof L]: Layer<L[K]>[];
  };
  const cuts = new Set<number>([0, text.length]);
  for (const n of names) for (const r of clean[n]) cuts.add(r.start).add(r.end);
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment<L>[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const s = points[i];
    const e = points[i + 1];
    const on = {} as Segment<L>['on'];
    for (const n of names) on[n] = (clean[n].find((r) => r.start <= s && r.end >= e)?.data ?? null) as L[typeof n] | null;
    out.push({ start: s, text: text.slice(s, e), on });
  }
  if (out.length === 0) out.push({ start: 0, text, on: Object.fromEntries(names.map((n) => [n, null])) as Segment<L>['on'] });
  return out;
}

/**
 * A window of at most `max` characters of `sentence` around the cue, for sentences the splitter left paragraph-long.
 * Returns the kept text, its offset in the sentence, and whether text was cut before/after.
 */
export function cueWindow(
  sentence: string,
  sentenceStart: number,
  cueStart: number,
  cueEnd: number,
  max = 360
): { text: string; offset: number; cutBefore: boolean; cutAfter: boolean } {
  if (sentence.length <= max) return { text: sentence, offset: 0, cutBefore: false, cutAfter: false };
  const cs = cueStart - sentenceStart;
  const ce = cueEnd - sentenceStart;
  const centre = cs >= 0 && ce <= sentence.length && cs < ce ? Math.floor((cs + ce) / 2) : 0;
  let from = Math.max(0, centre - Math.floor(max / 2));
  const to = Math.min(sentence.length, from + max);
  from = Math.max(0, to - max);
  // Snap to word boundaries so no word is shown half.
  const a = from > 0 ? sentence.indexOf(' ', from) : 0;
  const b = to < sentence.length ? sentence.lastIndexOf(' ', to) : sentence.length;
  const start = a >= 0 && a < centre ? a + (from > 0 ? 1 : 0) : from;
  const end = b > centre ? b : to;
  return { text: sentence.slice(start, end), offset: start, cutBefore: start > 0, cutAfter: end < sentence.length };
}
