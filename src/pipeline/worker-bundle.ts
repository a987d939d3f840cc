/**
 * The worker's code as one plain CommonJS file, built with esbuild for each run. A worker thread started on the
 * TypeScript source has to register tsx (a loader thread of its own) and transpile every module: ~1 s before its first
 * article on this 2-core machine, most of a 10k-article run's ingest. The bundle starts in ~0.2 s.
 *
 * Each bundled module's `import.meta.url` is replaced by its own source file's URL, so the lexicon files it reads
 * (`new URL('./lexicons/…', import.meta.url)`) are found where they are, not beside the bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Builds the bundle into `dir` and returns its path, or null (with the reason) when esbuild is not available. */
export async function bundleWorker(dir: string): Promise<{ file: string } | { file: null; reason: string }> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    return { file: null, reason: `esbuild not available (${(e as Error).message.slice(0, 120)})` };
  }
  const file = join(dir, 'worker.cjs');
  try {
    await esbuild.build({
      entryPoints: [new URL('./worker.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
      // Names are not needed in a worker: tsx's keepNames wraps every function in __name() calls.
      keepNames: false,
      plugins: [
        {
          name: 'own-import-meta-url',
          setup(build) {
            build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
              const src = readFileSync(args.path, 'utf8');
              if (!src.includes('import.meta.url')) return undefined;
              const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
              return { contents: src.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader };
            });
          }
        }
      ]
    });
  } catch (e) {
    return { file: null, reason: `bundling failed (${(e as Error).message.slice(0, 200)})` };
  }
  return { file };
}
