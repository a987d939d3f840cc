/**
 * npm run eval -- --gold <file> --input <articles> [--min-topic-f1 X] [--min-stance-f1 X] [--min-date X] [--min-actor-recall X]
 * Prints precision/recall/F1 per topic, stance accuracy and macro-F1 per target, date outcomes and actor recall, per
 * language and overall; exits 1 when a floor is not met (floors apply to the overall figures of the core topics).
 */
import { parseArgs } from 'node:util';
import { evaluate, loadGold, predict, type EvalReport, type GoldFile, type Prediction } from '../src/eval/evaluate';
import { loadLexicons } from '../src/pipeline/load-lexicons';

const { values } = parseArgs({
  options: {
    gold: { type: 'string', multiple: true },
    input: { type: 'string', multiple: true },
    'min-topic-f1': { type: 'string' },
    'min-stance-f1': { type: 'string' },
    'min-date': { type: 'string' },
    'min-actor-recall': { type: 'string' },
    errors: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
});
if (values.help || !values.gold?.length || !values.input?.length) {
  console.log(`Usage: npm run eval -- --gold <gold.json> --input <folder|file> [--gold … --input …]
  --min-topic-f1 X     fail when any core topic's overall F1 < X
  --min-stance-f1 X    fail when the overall stance macro-F1 (support/oppose) < X
  --min-date X         fail when the share of articles dated right (exact, within precision, or correctly undated) < X
  --min-actor-recall X fail when actor recall < X
  --errors N           print N examples of each error kind (default 5)
Gold format: docs/evaluation.md`);
  process.exit(values.help ? 0 : 2);
}
if (values.gold.length !== values.input.length) {
  console.error('Give one --input per --gold.');
  process.exit(2);
}

const CORE = ['migrants', 'sanctions', 'syria', 'human_rights'];
const lex = loadLexicons();
const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
// Every gold file is scored on its own input, then all together: the floors apply to the combined figures.
const combined: GoldFile = { articles: {} };
const allPreds = new Map<string, Prediction>();
const runs: { name: string; gold: GoldFile; preds: Map<string, Prediction>; missing: string[]; ms: number }[] = [];
for (let i = 0; i < values.gold.length; i++) {
  const gold = loadGold(values.gold[i]);
  const t0 = performance.now();
  const { preds, missing } = predict(gold, values.input[i], lex);
  runs.push({ name: `${values.gold[i]} on ${values.input[i]}`, gold, preds, missing, ms: performance.now() - t0 });
  for (const k of ['labelled_topics', 'stance_targets', 'target_map', 'date_field'] as const)
    if (gold[k] !== undefined) (combined as unknown as Record<string, unknown>)[k] ??= gold[k];
  for (const [k, a] of Object.entries(gold.articles)) combined.articles[k] = a;
  for (const [k, p] of preds) allPreds.set(k, p);
}
const report: EvalReport = evaluate(combined, allPreds, lex);
if (values.json) {
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
}
for (const r of runs)
  console.log(`=== ${r.name}: ${r.preds.size} articles scored in ${(r.ms / 1000).toFixed(1)} s${r.missing.length ? `, ${r.missing.length} gold articles not found in the input: ${r.missing.slice(0, 5).join(', ')}` : ''}`);
const groups = Object.keys(report.groups).sort((a, b) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)));
for (const g of groups) {
  const r = report.groups[g];
  console.log(`\n[${g}] ${r.articles} articles`);
  console.log('  topic              P      R     F1   gold+');
  for (const [t, m] of Object.entries(r.topics)) console.log(`  ${t.padEnd(16)} ${pct(m.precision)}  ${pct(m.recall)}  ${pct(m.f1)}  ${String(m.support).padStart(5)}`);
  console.log('  stance target          acc  macroF1  F1sup  F1opp  labelled');
  for (const [t, s] of Object.entries(r.stance)) console.log(`  ${t.slice(0, 20).padEnd(20)} ${pct(s.accuracy)}  ${pct(s.macroF1)}  ${pct(s.f1.support)}  ${pct(s.f1.oppose)}  ${String(s.n).padStart(5)}`);
  const d = r.dates;
  const dn = Object.values(d).reduce((a, b) => a + b, 0) || 1;
  console.log(`  dates: exact ${d.exact}, within precision ${d.within_precision}, correctly undated ${d.correctly_undated}, wrongly dated ${d.wrong}, missed ${d.missed} → right ${pct((d.exact + d.within_precision + d.correctly_undated) / dn)}%`);
  console.log(`  actors: ${r.actorRecall.found}/${r.actorRecall.total} found → recall ${pct(r.actorRecall.recall)}%`);
}
const kinds = new Map<string, typeof report.errors>();
for (const e of report.errors) kinds.set(e.kind, [...(kinds.get(e.kind) ?? []), e]);
if (kinds.size) {
  console.log('\n  errors by kind (most common first):');
  for (const [k, es] of [...kinds].sort((a, b) => b[1].length - a[1].length).slice(0, 12)) {
    console.log(`  ${String(es.length).padStart(4)}  ${k}`);
    for (const e of es.slice(0, Number(values.errors))) console.log(`          ${e.example}${e.detail ? `: ${e.detail}` : ''}`);
  }
}
// Floors
const all = report.groups.all;
let failed = false;
const check = (name: string, value: number, floor: string | undefined) => {
  if (floor === undefined) return;
  if (value < Number(floor)) {
    failed = true;
    console.log(`  FAIL ${name} ${value.toFixed(3)} < ${floor}`);
  } else console.log(`  ok   ${name} ${value.toFixed(3)} ≥ ${floor}`);
};
console.log('');
for (const t of CORE) if (all.topics[t]) check(`topic F1 ${t}`, all.topics[t].f1, values['min-topic-f1']);
if (all.stance.all) check('stance macro-F1', all.stance.all.macroF1, values['min-stance-f1']);
const dAll = all.dates;
const dN = Object.values(dAll).reduce((a, b) => a + b, 0) || 1;
check('date right', (dAll.exact + dAll.within_precision + dAll.correctly_undated) / dN, values['min-date']);
check('actor recall', all.actorRecall.recall, values['min-actor-recall']);
process.exit(failed ? 1 : 0);
