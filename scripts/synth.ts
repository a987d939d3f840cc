/**
 * npm run synth -- --from <articles> --n 1000000 --out <file.jsonl>
 *
 * FOR BENCHMARKS ONLY. Makes realistic-looking benchmark input by recombining real sentences from a source corpus
 * (the seeds, or ../shared/corpus) into new articles spread over ~15 years, several countries, outlets and languages.
 * The output is not news: its sentences are shuffled across articles, so its topics and stances mean nothing.
 * Never ship or commit its output (it is made of the source corpus's text).
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { readInput } from '../src/pipeline/input';
import { splitSentences } from '../src/pipeline/sentences';
import { detectLanguage } from '../src/pipeline/language';
import { mulberry32 } from '../src/lib/random';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: 'seeds' },
    n: { type: 'string', default: '10000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '7' },
    'start-year': { type: 'string', default: '2011' },
    years: { type: 'string', default: '15' },
    help: { type: 'boolean', short: 'h', default: false }
  }
});
if (values.help || !values.out) {
  console.log(`FOR BENCHMARKS ONLY — the output is shuffled real sentences, not news.
Usage: npm run synth -- --from <folder|file> --n <articles> --out <file.jsonl> [--seed 7] [--start-year 2011] [--years 15]`);
  process.exit(values.help ? 0 : 2);
}

/** Outlets per language with their countries, so the benchmark has several countries and sources to filter on. */
const OUTLETS: Record<string, { source: string; country: string }[]> = {
  fa: [
    { source: 'Fars News Agency (farsnews.ir)', country: 'IR' },
    { source: 'ISNA (isna.ir)', country: 'IR' },
    { source: 'Mehr News Agency', country: 'IR' },
    { source: 'Tabnak (tabnak.ir)', country: 'IR' },
    { source: 'Radio Farda (radiofarda.com, RFE/RL)', country: 'CZ' }
  ],
  ar: [
    { source: 'Saudi Press Agency (SPA)', country: 'SA' },
    { source: 'Al-Riyadh', country: 'SA' },
    { source: 'Okaz', country: 'SA' },
    { source: 'Al Jazeera Net (aljazeera.net)', country: 'QA' },
    { source: 'Algérie Presse Service (APS)', country: 'DZ' },
    { source: 'Echorouk', country: 'DZ' },
    { source: 'CNN Arabic (arabic.cnn.com)', country: 'US' }
  ]
};

const rand = mulberry32(Number(values.seed));
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

const pools: Record<string, string[]> = { fa: [], ar: [] };
const titles: Record<string, string[]> = { fa: [], ar: [] };
for (const item of readInput(values.from!)) {
  if (item.kind !== 'article') continue;
  const text = item.article.text;
  const lang = detectLanguage(text);
  if (lang !== 'fa' && lang !== 'ar') continue;
  for (const s of splitSentences(text)) {
    const sent = text.slice(s.start, s.end).replace(/\s+/g, ' ').trim();
    if (sent.length >= 40 && sent.length <= 600) pools[lang].push(sent);
  }
  if (item.article.title) titles[lang].push(item.article.title);
  else titles[lang].push(text.split('\n')[0].slice(0, 160));
}
for (const l of ['fa', 'ar']) if (!pools[l].length) delete pools[l];
const langs = Object.keys(pools);
if (!langs.length) throw new Error(`no Persian or Arabic sentences in ${values.from}`);

const n = Number(values.n);
const startYear = Number(values['start-year']);
const days = Number(values.years) * 365;
const t0 = Date.UTC(startYear, 0, 1);
const out = createWriteStream(values.out!);
let bytes = 0;
for (let i = 0; i < n; i++) {
  const lang = pick(langs);
  const outlet = pick(OUTLETS[lang]);
  const k = 4 + Math.floor(rand() * 14);
  const sentences: string[] = [];
  for (let j = 0; j < k; j++) sentences.push(pick(pools[lang]));
  // Paragraphs of 1–3 sentences, like the source articles.
  const paras: string[] = [];
  for (let j = 0; j < sentences.length; ) {
    const m = 1 + Math.floor(rand() * 3);
    paras.push(sentences.slice(j, j + m).join(' '));
    j += m;
  }
  const undated = rand() < 0.08;
  const date = undated ? null : new Date(t0 + Math.floor(rand() * days) * 86400000).toISOString().slice(0, 10);
  const rec = { id: `synth-${i}`, date, source: outlet.source, country: outlet.country, lang, title: pick(titles[lang]), text: paras.join('\n'), url: null };
  const line = `${JSON.stringify(rec)}\n`;
  bytes += line.length;
  if (!out.write(line)) await new Promise((ok) => out.once('drain', ok));
}
await new Promise<void>((ok) => out.end(ok));
console.error(`synth: wrote ${n} benchmark articles (${(bytes / 1e6).toFixed(0)} MB) to ${values.out} — for benchmarks only`);
