/**
 * Turns messy article text into the display text: decoded entities, boilerplate lines dropped, emoji bullets turned
 * into paragraph breaks, hard line breaks inside sentences unwrapped. Each step is a small pure function.
 */

export interface BoilerplateLexicon {
  /** Whole-line patterns (tested on the trimmed line) that are dropped wherever they occur. */
  dropLines: RegExp[];
  /** A line matching one of these ends the article body (comment forms, "related articles"…). */
  dropAfter: RegExp[];
  /** Phrases removed from inside lines (e.g. «(اینجا بخوانید)»). */
  stripPhrases: RegExp[];
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', zwnj: '\u200c', zwj: '', laquo: '«', raquo: '»',
  hellip: '…', ndash: '–', mdash: '—', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', shy: ''
};

/** Decodes HTML character references; unknown names are left as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const r = NAMED_ENTITIES[body.toLowerCase()];
    return r === undefined ? m : r;
  });
}

/**
 * Emoji and pictographic bullets (🔻 ✅ 🔹 ▪️ ● ◾ ⭕ 📌 …) used by Telegram-style posts as list markers. They become
 * paragraph breaks so that each bullet is its own sentence. Variation selectors and keycaps go with them.
 */
const EMOJI_BULLET = /[\p{Extended_Pictographic}\u2022\u25AA-\u25FE\u2B55\u2B50\u2705\u274C\u2714\u2716][\uFE0E\uFE0F\u20E3]?/gu;

/** Marks a line that must start a new paragraph (it followed an emoji bullet); stripped by unwrapLines. */
export const HARD_BREAK = '\u0001';

export function emojiToBreaks(s: string): string {
  return s.replace(EMOJI_BULLET, `\n${HARD_BREAK}`);
}

/** Unicode spaces → ASCII space (ZWNJ kept: it is part of Persian spelling); stray zero-width marks removed. */
export function normalizeSpaces(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ')
    .replace(/[\u200B\u2060\uFEFF]/g, '')
    .replace(/\u2028|\u2029/g, '\n');
}

/** Drops boilerplate lines, and everything from the first end-of-body marker on (when it is not at the very top). */
export function dropBoilerplate(lines: string[], lex: BoilerplateLexicon): string[] {
  const out: string[] = [];
  let kept = 0;
  for (const raw of lines) {
    let line = raw.trim();
    if (!line || line === HARD_BREAK) {
      out.push('');
      continue;
    }
    const bare = line.replace(/^\u0001+/, '').trim();
    if (!bare) continue;
    if (kept > 0 && lex.dropAfter.some((re) => re.test(bare))) break;
    if (lex.dropLines.some((re) => re.test(bare))) continue;
    for (const re of lex.stripPhrases) line = line.replace(re, ' ').replace(/ {2,}/g, ' ').trim();
    if (!line) continue;
    out.push(line);
    kept++;
  }
  return out;
}

/** Characters that end a sentence or a heading-like line; a line ending otherwise may have been hard-wrapped. */
const TERMINAL = /[.!?؟۔…:»"”)\]]$/u;
const CONTINUES = /[،,؛;\-–—(«]$/u;
/** A wrapped line is long: headings and labels are short. On the seeds wrapped lines are ≥ 99 chars, headings ≤ 85. */
const WRAP_MIN = 90;

/**
 * Unwraps hard line breaks inside sentences. Seed 001 breaks «کمیساریای عالی سازمان ملل متحد در امور» /
 * «پناهندگان» across lines (with a blank line between), so a blank line alone does not prove a paragraph end.
 * A line is joined to the next non-empty line when it ends with a comma-like mark, or when it is long and does not
 * end with terminal punctuation. Paragraphs in the result are separated by "\n\n".
 */
export function unwrapLines(lines: string[]): string[] {
  const paras: string[] = [];
  let cur = '';
  for (let line of lines) {
    const hard = line.startsWith(HARD_BREAK);
    if (hard) line = line.replace(/^\u0001+/, '').trim();
    if (!line) continue;
    if (!cur) {
      cur = line;
      continue;
    }
    // The first paragraph is the title: never glue the body onto it.
    const joinable =
      !hard && paras.length > 0 && (CONTINUES.test(cur) || (cur.length >= WRAP_MIN && !TERMINAL.test(cur)));
    if (joinable) cur = `${cur} ${line}`;
    else {
      paras.push(cur);
      cur = line;
    }
  }
  if (cur) paras.push(cur);
  return paras;
}

export interface CleanResult {
  /** Paragraphs joined by "\n\n". */
  text: string;
  /** First paragraph (the title for .txt input). */
  firstParagraph: string;
}

export function cleanText(raw: string, lex: BoilerplateLexicon): CleanResult {
  const s = emojiToBreaks(normalizeSpaces(decodeEntities(raw.normalize('NFC'))));
  const lines = dropBoilerplate(s.split('\n'), lex);
  const paras = unwrapLines(lines).map((p) => p.replace(/ {2,}/g, ' ').trim()).filter(Boolean);
  return { text: paras.join('\n\n'), firstParagraph: paras[0] ?? '' };
}
