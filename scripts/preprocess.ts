/**
 * npm run preprocess [-- --input <dir|file> --out <dir>]
 * Articles (.txt folder, JSONL, CSV) → Parquet tables for the dashboard. Defaults: input seeds/, output static/data/.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { runPipeline } from '../src/pipeline/run';

const { values } = parseArgs({
  options: {
    input: { type: 'string', short: 'i', default: 'seeds' },
    out: { type: 'string', short: 'o', default: 'static/data' },
    quiet: { type: 'boolean', short: 'q', default: false },
    workers: { type: 'string', short: 'w' },
    help: { type: 'boolean', short: 'h', default: false }
  }
});

if (values.help) {
  console.log(`Usage: npm run preprocess -- [--input <folder|file>] [--out <folder>] [--quiet]
  --input  .txt folder (optional metadata.csv sidecar), .jsonl/.ndjson or .csv file, or a folder of them (default: seeds)
  --out    output folder for the Parquet tables, manifest.json and rejects.json (default: static/data)
  --workers  worker threads (default: one per core; 1 = process in the main thread)
The output folder is replaced only when the whole run succeeds.`);
  process.exit(0);
}

const tty = process.stderr.isTTY && !values.quiet;
const bar = tty
  ? new cliProgress.SingleBar(
      { format: 'preprocess {bar} {percentage}% | {done} articles | {written} written | {rejected} rejected | {mb} MB | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic
    )
  : null;
bar?.start(1, 0, { done: 0, written: 0, rejected: 0, mb: '0.0' });
let lastLog = Date.now();

try {
  const s = await runPipeline({
    input: values.input!,
    out: values.out!,
    workers: values.workers === undefined ? undefined : Number(values.workers),
    onProgress: (p) => {
      if (bar) {
        // Progress by bytes: the article count of a JSONL file is unknown until it has been read.
        bar.setTotal(Math.max(1, p.totalBytes));
        bar.update(Math.min(p.bytes, p.totalBytes), { done: p.done, written: p.written, rejected: p.rejected, mb: (p.bytes / 1e6).toFixed(1) });
      } else if (!values.quiet && Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        console.error(`… ${p.done} read, ${p.written} written, ${p.rejected} rejected`);
      }
    }
  });
  if (bar) {
    bar.update(bar.getTotal());
    bar.stop();
  }
  const m = s.manifest;
  const fmt = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  console.log(`\nPreprocessed ${values.input} → ${values.out} in ${(m.run_ms / 1000).toFixed(1)} s (${(s.bytes / 1e6 / (m.run_ms / 1000)).toFixed(2)} MB/s, ${s.workers} worker${s.workers > 1 ? 's' : ''})`);
  console.log(`  articles read      ${m.rows.articles + m.rejects}`);
  console.log(`  written            ${m.rows.articles}  (dated ${s.dated}, undated ${s.undated})`);
  console.log(`  rejected           ${m.rejects}  ${m.rejects ? `(${fmt(m.rejects_by_reason)}; see ${values.out}/rejects.json)` : ''}`);
  console.log(`  by language        ${fmt(s.byLang)}`);
  console.log(`  by country         ${fmt(s.byCountry)}`);
  console.log(`  mentions ${m.rows.mentions}, topics ${m.rows.topics}, stances ${m.rows.stances}, terms ${m.rows.terms}`);
  console.log(`  taxonomy ${m.taxonomy_version}`);
} catch (e) {
  bar?.stop();
  console.error(`preprocess failed: ${(e as Error).message}`);
  console.error('Nothing was written; the previous output (if any) is unchanged.');
  process.exit(1);
}
