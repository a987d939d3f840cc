/**
 * Arrow result → plain rows, shared by the browser Db and the Node test that runs the same SQL on DuckDB-WASM.
 * DuckDB-WASM bundles its own apache-arrow, so types are recognised by their stable numeric ids, not by class.
 */
import type { Row } from './types';

// apache-arrow `Type` enum values.
const ARROW_INT = 2;
const ARROW_DECIMAL = 7;
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;

type ArrowField = { name: string; type: { typeId: number } };
export type ArrowTable = {
  schema: { fields: ArrowField[] };
  numRows: number;
  getChildAt(i: number): { get(i: number): unknown } | null;
};

function plain(v: unknown, typeId: number): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeId === ARROW_DATE) {
    const ms = v instanceof Date ? v.getTime() : Number(v);
    return new Date(ms).toISOString().slice(0, 10);
  }
  if (typeId === ARROW_TIMESTAMP) {
    const ms = v instanceof Date ? v.getTime() : Number(v);
    return new Date(ms).toISOString();
  }
  if (typeId === ARROW_DECIMAL || typeId === ARROW_INT) return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null) {
    const o = v as { toArray?: () => unknown[]; toJSON?: () => unknown };
    // Arrow list and struct values: lists become arrays, structs plain objects; element types are not needed here.
    if (typeof o.toArray === 'function' && !ArrayBuffer.isView(v)) return Array.from(o.toArray(), (x) => plain(x, -1));
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => plain(x, -1));
    if (typeof o.toJSON === 'function') {
      const j = o.toJSON() as Record<string, unknown>;
      return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, plain(x, -1)]));
    }
  }
  return v;
}

/** Arrow table → plain rows (BigInt → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO string). */
export function arrowToRows<T>(table: ArrowTable): T[] {
  const fields = table.schema.fields;
  const cols = fields.map((_, i) => table.getChildAt(i));
  const rows: T[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    for (let c = 0; c < fields.length; c++) row[fields[c].name] = plain(cols[c]?.get(r), fields[c].type.typeId);
    rows[r] = row as T;
  }
  return rows;
}
