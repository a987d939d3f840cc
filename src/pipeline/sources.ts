/**
 * The outlet behind an article: from its metadata `source` field when given (exact name, then a close spelling
 * variant by Jaro–Winkler), else from bylines in the text («به گزارش خبرگزاری مهر», «ألجيريا برس», «@womengov»).
 * Wire agencies quoted inside an article («به گزارش خبرگزاری فرانسه») are only a last resort.
 */
// Only natural's distance module: its index loads every classifier, stemmer and corpus (~0.7 s per worker thread).
import { boundedMemo } from './memo';
import { JaroWinklerDistance } from 'natural/lib/natural/distance/index.js';
import type { FieldOrigin } from '../lib/schema';
import type { Lexicons, SourceDef } from './load-lexicons';
import { normalizeForMatch, normalizeTerm } from './normalize';

export interface SourceGuess {
  def: SourceDef | null;
  source_id: string | null;
  source_name: string | null;
  origin: FieldOrigin;
}

/** Bylines sit at the top or the bottom of an article. */
const HEAD_CHARS = 600;
const TAIL_CHARS = 400;
const FUZZY_MIN = 0.94;

const indexCache = new WeakMap<Lexicons, Map<string, SourceDef>>();
function nameIndex(lex: Lexicons): Map<string, SourceDef> {
  let idx = indexCache.get(lex);
  if (!idx) {
    idx = new Map();
    for (const s of lex.sources.values())
      for (const n of [s.name_en, ...(s.input_names ?? []), ...s.aliases]) idx.set(normalizeTerm(n), s);
    indexCache.set(lex, idx);
  }
  return idx;
}

export function slug(s: string): string {
  const base = normalizeTerm(s)
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  return base.slice(0, 60) || 'unknown';
}

/** sourceFromMetadata per lexicon and value: a feed names few outlets, and the fuzzy fallback scans every name. */
const metadataSources = boundedMemo<Lexicons, SourceDef | null>(4096);

export function sourceFromMetadata(value: string, lex: Lexicons): SourceDef | null {
  return metadataSources(lex, value, (v) => sourceFromMetadataUncached(v, lex));
}

function sourceFromMetadataUncached(value: string, lex: Lexicons): SourceDef | null {
  const idx = nameIndex(lex);
  const key = normalizeTerm(value);
  const exact = idx.get(key);
  if (exact) return exact;
  let best: SourceDef | null = null;
  let bestScore = 0;
  for (const [name, def] of idx) {
    const d = JaroWinklerDistance(key, name, { ignoreCase: true });
    if (d > bestScore) {
      bestScore = d;
      best = def;
    }
  }
  return bestScore >= FUZZY_MIN ? best : null;
}

export function sourceFromText(text: string, lex: Lexicons): SourceDef | null {
  const parts = text.length <= HEAD_CHARS + TAIL_CHARS ? [text] : [text.slice(0, HEAD_CHARS), text.slice(-TAIL_CHARS)];
  let wire: SourceDef | null = null;
  for (const part of parts) {
    for (const h of lex.sourceMatcher.match(normalizeForMatch(part))) {
      const def = lex.sources.get(h.payload)!;
      if (!def.wire) return def;
      wire ??= def;
    }
  }
  return wire;
}

export function guessSource(metaSource: string | null, text: string, lex: Lexicons): SourceGuess {
  if (metaSource) {
    const def = sourceFromMetadata(metaSource, lex);
    if (def) return { def, source_id: def.id, source_name: def.name_en, origin: 'metadata' };
    return { def: null, source_id: slug(metaSource), source_name: metaSource, origin: 'metadata' };
  }
  const def = sourceFromText(text, lex);
  if (def) return { def, source_id: def.id, source_name: def.name_en, origin: 'byline' };
  return { def: null, source_id: null, source_name: null, origin: 'none' };
}
