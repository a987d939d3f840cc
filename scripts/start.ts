/**
 * npm start: preprocess the bundled seeds (when static/data is missing or older than its inputs), build the static
 * site, and serve it on http://127.0.0.1:4173/ (PORT and HOST override). Ctrl-C stops it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPipeline } from '../src/pipeline/run';
import { startStaticServer } from '../tests/helpers/static-server';

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: 'seeds' },
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    'no-build': { type: 'boolean', default: false }
  }
});

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

const manifest = 'static/data/manifest.json';
const inputsChanged =
  !existsSync(manifest) ||
  statSync(manifest).mtimeMs < Math.max(newestMtime(values.input!), newestMtime('src/pipeline'));
if (inputsChanged) {
  console.log(`Preprocessing ${values.input} → static/data …`);
  const s = await runPipeline({ input: values.input!, out: 'static/data' });
  console.log(`  ${s.manifest.rows.articles} articles written, ${s.manifest.rejects} rejected (static/data/rejects.json)`);
} else console.log('static/data is up to date with seeds/ and the pipeline.');

if (!values['no-build']) {
  console.log('Building the dashboard (vite build) …');
  execFileSync(join('node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const server = await startStaticServer({ root: 'build', port: Number(values.port), host: values.host });
console.log(`\nengagement-monitor is running at ${server.url}\n(Ctrl-C to stop)`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
