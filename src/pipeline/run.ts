/**
 * The preprocessing run: input → processed rows → Parquet in a temp folder → moved into place, plus manifest.json and
 * rejects.json. Every input article ends up either in `articles` or in rejects.json with its reason.
 */
import { createHash } from 'node:crypto';
import { MANIFEST_FILE, PARQUET_FILES, REJECTS_FILE, SCHEMA_VERSION, type Manifest, type RejectRow, type TableName } from '../lib/schema';
import { readInput } from './input';
import { loadLexicons, type Lexicons } from './load-lexicons';
import { EmptyArticleError, processArticle } from './process';
import { AtomicDir, TableWriter } from './write';

export interface RunOptions {
  input: string;
  out: string;
  lexicons?: Lexicons;
  /** Called after each input item; `total` is unknown (null) while streaming. */
  onProgress?: (p: { done: number; written: number; rejected: number; bytes: number }) => void;
}

export interface RunSummary {
  manifest: Manifest;
  rejects: RejectRow[];
  byLang: Record<string, number>;
  byCountry: Record<string, number>;
  dated: number;
  undated: number;
  bytes: number;
}

/** Distinctive terms kept per article. */
const TERMS_PER_ARTICLE = 10;
/** Per article, only the most frequent tokens are candidates (bounds memory on large runs). */
const TERM_CANDIDATES = 40;

export async function runPipeline(opts: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const lex = opts.lexicons ?? loadLexicons();
  const out = new AtomicDir(opts.out);
  const writer = await TableWriter.open();
  const rejects: RejectRow[] = [];
  const byId = new Map<string, string>();
  const byHash = new Map<string, string>();
  const byLang: Record<string, number> = {};
  const byCountry: Record<string, number> = {};
  const inputHash = createHash('sha256');
  const df = new Map<string, number>();
  const tfs: { id: string; len: number; tf: [string, number, string][] }[] = [];
  let dated = 0;
  let bytes = 0;
  let done = 0;
  let written = 0;
  try {
    for (const item of readInput(opts.input)) {
      done++;
      if (item.kind === 'reject') {
        rejects.push(item.reject);
        opts.onProgress?.({ done, written, rejected: rejects.length, bytes });
        continue;
      }
      const raw = item.article;
      bytes += raw.bytes;
      inputHash.update(raw.input_file).update(String(raw.input_line)).update(raw.text);
      try {
        const p = processArticle(raw, lex);
        const a = p.article;
        const dupId = byId.get(a.article_id);
        const dupHash = byHash.get(a.content_hash);
        if (dupId !== undefined || dupHash !== undefined) {
          rejects.push({
            input_file: raw.input_file,
            input_line: raw.input_line,
            input_id: raw.input_id,
            reason: 'duplicate',
            detail: dupId !== undefined ? `duplicate id of ${dupId}` : `duplicate text of ${dupHash}`
          });
        } else {
          const where = `${raw.input_file}${raw.input_line ? `:${raw.input_line}` : ''}`;
          byId.set(a.article_id, where);
          byHash.set(a.content_hash, a.article_id);
          writer.append('articles', a);
          for (const r of p.mentions) writer.append('mentions', r);
          for (const r of p.topics) writer.append('topics', r);
          for (const r of p.stances) writer.append('stances', r);
          byLang[a.lang] = (byLang[a.lang] ?? 0) + 1;
          byCountry[a.country ?? 'unknown'] = (byCountry[a.country ?? 'unknown'] ?? 0) + 1;
          if (a.date) dated++;
          const counts = new Map<string, [number, string]>();
          for (const t of p.terms) {
            const c = counts.get(t.key);
            if (c) c[0]++;
            else counts.set(t.key, [1, t.surface]);
          }
          for (const k of counts.keys()) df.set(k, (df.get(k) ?? 0) + 1);
          const top = [...counts]
            .sort((x, y) => y[1][0] - x[1][0])
            .slice(0, TERM_CANDIDATES)
            .map(([k, [n, surface]]) => [k, n, surface] as [string, number, string]);
          tfs.push({ id: a.article_id, len: p.terms.length || 1, tf: top });
          written++;
        }
      } catch (e) {
        rejects.push({
          input_file: raw.input_file,
          input_line: raw.input_line,
          input_id: raw.input_id,
          reason: e instanceof EmptyArticleError ? 'empty' : 'error',
          detail: (e as Error).message.slice(0, 300)
        });
      }
      opts.onProgress?.({ done, written, rejected: rejects.length, bytes });
    }

    // Distinctive terms: tf-idf against the whole run.
    const n = tfs.length;
    for (const d of tfs) {
      const scored = d.tf
        .filter(([t]) => (df.get(t) ?? 0) < Math.max(2, n * 0.5) || n < 4)
        .map(([t, c, surface]) => [surface, (c / d.len) * Math.log((1 + n) / (1 + (df.get(t) ?? 0)) + 1)] as const)
        .sort((x, y) => y[1] - x[1])
        .slice(0, TERMS_PER_ARTICLE);
      scored.forEach(([term, score], i) => writer.append('terms', { article_id: d.id, term, score: Math.round(score * 1e5) / 1e5, rank: i + 1 }));
    }
    for (const e of lex.entities.values())
      writer.append('entities', { entity_id: e.id, kind: e.kind, label_en: e.label_en, label_fa: e.label_fa, label_ar: e.label_ar, country: e.country });
    for (const t of lex.topics.values()) writer.append('topic_defs', { topic_id: t.id, label_en: t.label_en, color: t.color, core: t.core });

    await writer.writeParquet(out.tmp);
    const rows = writer.rowCounts;
    const rejectsByReason: Record<string, number> = {};
    for (const r of rejects) rejectsByReason[r.reason] = (rejectsByReason[r.reason] ?? 0) + 1;
    const manifest: Manifest = {
      schema_version: SCHEMA_VERSION,
      taxonomy_version: lex.version,
      generated_at: new Date().toISOString(),
      input: opts.input,
      input_hash: inputHash.digest('hex').slice(0, 16),
      run_ms: Math.round(performance.now() - t0),
      rows: rows as Record<TableName, number>,
      rejects: rejects.length,
      rejects_by_reason: rejectsByReason,
      files: PARQUET_FILES
    };
    out.writeFile(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    out.writeFile(REJECTS_FILE, `${JSON.stringify(rejects, null, 2)}\n`);
    writer.close();
    out.commit();
    return { manifest, rejects, byLang, byCountry, dated, undated: written - dated, bytes };
  } catch (e) {
    out.abort();
    throw e;
  }
}
