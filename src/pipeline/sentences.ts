/**
 * Sentence spans over the display text. Persian and Arabic end sentences with . ! ? ؟ and also with paragraph
 * breaks (headlines, bullets); «..» inside a headline (`في كواليس جنيف.. محادثات`) is not an end.
 */
import { codeUnitTable } from './code-table';

export interface Span {
  start: number;
  end: number;
}

const END = /(?<!\.)[.!?؟۔](?!\.)["»”)']*(?=\s)|\n+/gu;

export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  END.lastIndex = 0;
  for (let m = END.exec(text); m; m = END.exec(text)) {
    const end = m[0].charCodeAt(0) === 10 ? m.index : m.index + m[0].length;
    pushTrimmed(text, start, end, spans);
    start = m.index + m[0].length;
  }
  pushTrimmed(text, start, text.length, spans);
  return spans;
}

/** Per UTF-16 code unit: 1 where /\s/ matches it (a table instead of a one-character string and a regex test). */
const WHITE = codeUnitTable(/\s/);

function pushTrimmed(text: string, s: number, e: number, out: Span[]): void {
  while (s < e && WHITE[text.charCodeAt(s)] === 1) s++;
  while (e > s && WHITE[text.charCodeAt(e - 1)] === 1) e--;
  if (e > s) out.push({ start: s, end: e });
}

/** Index of the sentence containing offset `pos` (binary search over sorted spans). */
export function sentenceAt(spans: Span[], pos: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= pos) lo = mid + 1;
    else if (spans[mid].start > pos) hi = mid - 1;
    else return mid;
  }
  return Math.max(0, Math.min(spans.length - 1, lo));
}
