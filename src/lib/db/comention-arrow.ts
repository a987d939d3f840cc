/**
 * Arrow tables (as parquet-wasm decodes the Parquet files) → the typed arrays of the co-mention cube
 * (queries/comention-cube.ts). Pure: no fetching and no wasm, so the Node tests run it on the fixture's files decoded
 * by parquet-wasm/node, and the browser loader (comention-loader.ts) on the same files fetched over HTTP.
 *
 * Unlike the getters of cube-loader.ts (one value per row, for the small topic_buckets table), these copy whole
 * chunks into typed arrays: article_entities has ~8M rows at 1M articles.
 */
import { DataType, DateUnit, Type, type Data, type Table, type Vector } from 'apache-arrow';
import { FILTER_CODE_COLUMNS, FILTER_CODE_FIELDS, type EntityKind, type FilterCodeField } from '$lib/schema';
import { CoMentionCube, NULL_DAY, type CodedColumn, type CoMentionCubeColumns } from '$lib/queries/comention-cube';

/** The columns each table is read with (the loader asks parquet-wasm for these only). */
export const COMENTION_COLUMNS = {
  article_facts: ['date', 'country', 'source_id', 'lang', 'topic_mask', 'text_row'],
  article_entities: ['text_row', 'entity_no'],
  entity_articles: ['entity_id', 'entity_no'],
  entities: ['entity_id', 'label_en', 'kind'],
  topic_defs: ['topic_id', 'label_en']
} as const;

export interface CoMentionTables {
  /** article_filters (with `filter_codes`), or article_facts' COMENTION_COLUMNS (`filter_codes` null or absent). */
  article_facts: Table;
  filter_codes?: Table | null;
  article_entities: Table;
  entity_articles: Table;
  entities: Table;
  topic_defs: Table;
}

export function need(t: Table, name: string): Vector {
  const v = t.getChild(name);
  if (!v) throw new Error(`co-mention cube: column ${name} missing`);
  return v;
}

const isNull = (d: Data, i: number): boolean => {
  const nulls = d.nullBitmap as Uint8Array | undefined;
  if (!(d.nullCount > 0) || !nulls || nulls.length === 0) return false;
  const j = d.offset + i;
  return ((nulls[j >> 3] >> (j & 7)) & 1) === 0;
};

/** An integer column (Int8..Int64, or Date32 as day numbers) as Int32Array; NULL → `nullValue`. */
export function int32s(v: Vector, nullValue: number): Int32Array {
  const out = new Int32Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const vals = d.values as ArrayLike<number | bigint>;
    if (vals instanceof Int32Array && !(d.nullCount > 0)) out.set(vals.subarray(0, d.length), base);
    else for (let i = 0; i < d.length; i++) out[base + i] = isNull(d, i) ? nullValue : Number(vals[i]);
    base += d.length;
  }
  return out;
}

/** A Date32 column as day numbers, NULL_DAY where NULL. */
export function days(v: Vector): Int32Array {
  if (!DataType.isDate(v.type) || v.type.unit !== DateUnit.DAY) throw new Error(`co-mention cube: date column of type ${String(v.type)}`);
  for (const d of v.data) {
    if (!(d.values instanceof Int32Array)) {
      throw new Error(`co-mention cube: date column not in days (${String(v.type)})`);
    }
  }
  return int32s(v, NULL_DAY);
}

/** A 64-bit integer column as its low and high 32 bits (NULL → 0). */
export function int64Halves(v: Vector): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(v.length);
  const hi = new Int32Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const vals = d.values as BigInt64Array | Int32Array;
    if (vals instanceof BigInt64Array || vals instanceof BigUint64Array) {
      // Little-endian words (every browser and Node platform we run on).
      const w = new Int32Array(vals.buffer, vals.byteOffset, vals.length * 2);
      for (let i = 0; i < d.length; i++) {
        if (isNull(d, i)) continue;
        lo[base + i] = w[2 * i];
        hi[base + i] = w[2 * i + 1];
      }
    } else {
      for (let i = 0; i < d.length; i++) if (!isNull(d, i)) lo[base + i] = Number(vals[i]) | 0;
    }
    base += d.length;
  }
  return { lo, hi };
}

/** A floating-point column as Float64Array; NULL → NaN. */
export function float64s(v: Vector): Float64Array {
  const out = new Float64Array(v.length);
  let base = 0;
  for (const d of v.data) {
    const vals = d.values as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) out[base + i] = isNull(d, i) ? NaN : Number(vals[i]);
    base += d.length;
  }
  return out;
}

const DECODER = new TextDecoder();

/**
 * A string column dictionary-encoded (codes in first-seen order). Utf8 chunks are read as bytes: a row equal to the
 * previous one reuses its code, another is looked up by a hash of its bytes (checked byte for byte against the code's
 * first value), so a string is decoded once per distinct value, not once per row. Other layouts go through `get`.
 */
export function coded(v: Vector): CodedColumn {
  const codes = new Int32Array(v.length);
  const values: (string | null)[] = [];
  const index = new Map<string | null, number>();
  const code = (s: string | null): number => {
    let k = index.get(s);
    if (k === undefined) index.set(s, (k = values.push(s) - 1));
    return k;
  };
  /** Per code: its UTF-8 bytes; per hash: the first code with it. */
  const reps: Uint8Array[] = [];
  const byHash = new Map<number, number>();
  let base = 0;
  for (const d of v.data) {
    const offsets = d.valueOffsets as Int32Array | undefined;
    const bytes = d.values as Uint8Array | undefined;
    if (!(d.typeId === Type.Utf8 && offsets instanceof Int32Array && bytes instanceof Uint8Array)) {
      for (let i = 0; i < d.length; i++) {
        const s = isNull(d, i) ? null : (v.get(base + i) as string | null);
        codes[base + i] = code(s === null || s === undefined ? null : String(s));
      }
      base += d.length;
      continue;
    }
    let lastA = -1;
    let lastB = -1;
    let lastCode = -1;
    for (let i = 0; i < d.length; i++) {
      if (isNull(d, i)) {
        codes[base + i] = code(null);
        lastCode = -1;
        continue;
      }
      const a = offsets[i];
      const b = offsets[i + 1];
      if (lastCode >= 0 && b - a === lastB - lastA) {
        let same = true;
        for (let x = 0; x < b - a; x++) if (bytes[a + x] !== bytes[lastA + x]) (same = false), (x = b);
        if (same) {
          codes[base + i] = lastCode;
          continue;
        }
      }
      let h = 0x811c9dc5 ^ (b - a);
      for (let x = a; x < b; x++) h = Math.imul(h ^ bytes[x], 0x01000193);
      let k = byHash.get(h) ?? -1;
      if (k >= 0) {
        const rep = reps[k];
        let same = rep.length === b - a;
        for (let x = 0; same && x < rep.length; x++) if (rep[x] !== bytes[a + x]) same = false;
        if (!same) k = code(DECODER.decode(bytes.subarray(a, b)));
      } else {
        k = code(DECODER.decode(bytes.subarray(a, b)));
        byHash.set(h, k);
      }
      if (reps[k] === undefined) reps[k] = bytes.slice(a, b);
      codes[base + i] = lastCode = k;
      lastA = a;
      lastB = b;
    }
    base += d.length;
  }
  return { codes, values };
}

export function plain<T>(t: Table): T[] {
  return t.toArray().map((r) => r.toJSON() as T);
}

/**
 * filter_codes as one value list per field, indexed by code. Refused unless each field's codes are 0, 1, 2, … without
 * a gap or a repeat: a code without a value would make its articles' country (source, language) silently wrong.
 */
export function filterCodeValues(t: Table): Record<FilterCodeField, (string | null)[]> {
  const out = Object.fromEntries(FILTER_CODE_FIELDS.map((f) => [f, [] as (string | null)[]])) as Record<FilterCodeField, (string | null)[]>;
  const seen = Object.fromEntries(FILTER_CODE_FIELDS.map((f) => [f, [] as boolean[]])) as Record<FilterCodeField, boolean[]>;
  for (const r of plain<{ field: string; code: number | bigint; value: string | null }>(t)) {
    const list = out[r.field as FilterCodeField];
    const code = Number(r.code);
    if (!list || !Number.isInteger(code) || code < 0 || seen[r.field as FilterCodeField][code]) throw new Error(`filter_codes: bad row (${r.field}, ${r.code})`);
    seen[r.field as FilterCodeField][code] = true;
    list[code] = r.value ?? null;
  }
  for (const f of FILTER_CODE_FIELDS) {
    // A plain loop: some() and every() skip the holes of a sparse array.
    for (let i = 0; i < out[f].length; i++) if (!seen[f][i]) throw new Error(`filter_codes: the codes of ${f} have gaps`);
  }
  return out;
}

/**
 * Column `field` of `t` as a CodedColumn: its integer codes (FILTER_CODE_COLUMNS) with `values` (filterCodeValues;
 * checked: every code has a value), or, when `values` is null, its strings coded here. `table` names it in errors.
 */
export function codedField(t: Table, field: FilterCodeField, values: Record<FilterCodeField, (string | null)[]> | null, table: string): CodedColumn {
  if (!values) return coded(need(t, field));
  const col = FILTER_CODE_COLUMNS[field];
  const codes = int32s(need(t, col), -1);
  const list = values[field];
  for (let i = 0; i < codes.length; i++) {
    if (!(codes[i] >= 0 && codes[i] < list.length)) throw new Error(`${table}.${col}: code ${codes[i]} (row ${i}) is not in filter_codes`);
  }
  return { codes, values: list };
}

/**
 * The cubes' typed arrays of the per-article filter columns (date, country, source_id, lang, topic_mask, text_row):
 * from article_filters' integer codes and `codes` (filter_codes), or from article_facts' strings when `codes` is null.
 */
export function factsColumns(f: Table, codes?: Table | null): CoMentionCubeColumns['facts'] {
  const mask = int64Halves(need(f, 'topic_mask'));
  const values = codes ? filterCodeValues(codes) : null;
  return {
    length: f.numRows,
    date: days(need(f, 'date')),
    country: codedField(f, 'country', values, 'article_filters'),
    source_id: codedField(f, 'source_id', values, 'article_filters'),
    lang: codedField(f, 'lang', values, 'article_filters'),
    maskLo: mask.lo,
    maskHi: mask.hi,
    text_row: int32s(need(f, 'text_row'), -1)
  };
}

export function coMentionCubeFromTables(t: CoMentionTables): CoMentionCube {
  const p = t.article_entities;
  return new CoMentionCube({
    facts: factsColumns(t.article_facts, t.filter_codes),
    pairs: { length: p.numRows, text_row: int32s(need(p, 'text_row'), -1), entity_no: int32s(need(p, 'entity_no'), -1) },
    entityArticles: plain<{ entity_id: string; entity_no: number | bigint }>(t.entity_articles).map((r) => ({
      entity_id: r.entity_id,
      entity_no: Number(r.entity_no)
    })),
    entities: plain<{ entity_id: string; label_en: string | null; kind: EntityKind | null }>(t.entities),
    topicDefs: plain<{ topic_id: string; label_en: string | null }>(t.topic_defs)
  });
}
