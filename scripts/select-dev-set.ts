/**
 * Draws the accuracy dev set: 60 Persian and 60 Arabic article ids from ../shared/corpus, at random with a fixed
 * seed, so anyone can re-draw the same sample. Prints the ids (never the text: the corpus may not be redistributed).
 *   tsx scripts/select-dev-set.ts [--corpus ../shared/corpus] [--seed 20261126] [--n 60]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/lib/random';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    seed: { type: 'string', default: '20261126' },
    n: { type: 'string', default: '60' }
  }
});

const n = Number(values.n);
for (const lang of ['fa', 'ar']) {
  const ids = readFileSync(join(values.corpus!, `${lang}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).id as string);
  const rand = mulberry32(Number(values.seed) + (lang === 'fa' ? 0 : 1));
  // Partial Fisher–Yates over the file order.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  console.log(JSON.stringify({ lang, seed: Number(values.seed) + (lang === 'fa' ? 0 : 1), ids: ids.slice(0, n) }));
}
