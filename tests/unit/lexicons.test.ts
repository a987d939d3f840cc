import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (p: string) => JSON.parse(readFileSync(root + p, 'utf8'));
const lex = (name: string) => readJson(`src/pipeline/lexicons/${name}.json`);

const entities = lex('entities');
const topics = lex('topics');
const cues = lex('stance-cues');
const sources = lex('sources');
const boilerplate = lex('boilerplate');
const gold = readJson('tests/fixtures/gold/seeds.json');

const VERSION = /^\d{4}-\d{2}-\d{2}\.\d+$/;
const ID = /^[a-z][a-z0-9_]*$/;
const ISO2 = /^[A-Z]{2}$/;
const LANGS = ['fa', 'ar'] as const;

// Crude stand-in for the pipeline normaliser, only so that this test can tell whether an alias
// can occur in a seed at all: letter variants folded, diacritics/tatweel and all spaces/ZWNJ dropped.
const fold = (s: string) =>
  s
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ی')
    .replace(/ة/g, 'ه')
    .replace(/[\s\u200c*]/g, '')
    .toLowerCase();

const unique = (xs: string[]) => new Set(xs).size === xs.length;

describe('entities.json', () => {
  const list: any[] = entities.entities;
  it('has a version and a non-trivial list', () => {
    expect(entities.version).toMatch(VERSION);
    expect(list.filter((e) => e.kind === 'state').length).toBeGreaterThanOrEqual(90);
  });
  it('every entity is well formed', () => {
    for (const e of list) {
      const where = `entity ${e.id}`;
      expect(e.id, where).toMatch(ID);
      expect(['state', 'un_body', 'regional', 'organisation', 'person', 'place'], where).toContain(e.kind);
      expect(typeof e.label_en, where).toBe('string');
      expect(e.label_en.length, where).toBeGreaterThan(0);
      if (e.kind === 'state') expect(e.country, where).toMatch(ISO2);
      else if (e.country !== null) expect(e.country, where).toMatch(ISO2);
      for (const l of ['fa', 'ar', 'en']) {
        expect(Array.isArray(e.aliases[l]), `${where} aliases.${l}`).toBe(true);
        for (const a of e.aliases[l]) expect(a.trim(), where).toBe(a);
      }
      expect(e.aliases.fa.length + e.aliases.ar.length, where).toBeGreaterThan(0);
      if (e.exclude) for (const l of Object.keys(e.exclude)) expect(Array.isArray(e.exclude[l]), where).toBe(true);
    }
  });
  it('parents exist, and generic references are flagged as such', () => {
    const ids = new Set(list.map((e) => e.id));
    for (const e of list) {
      if (e.parent !== undefined) expect(ids.has(e.parent), `${e.id}.parent`).toBe(true);
      if (e.generic !== undefined) expect(e.generic, e.id).toBe(true);
    }
  });
  it('ids and English labels are unique', () => {
    expect(unique(list.map((e) => e.id))).toBe(true);
    expect(unique(list.map((e) => e.label_en))).toBe(true);
  });
  it('no Persian/Arabic alias belongs to two entities (the matcher could not choose)', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const e of list)
      for (const l of LANGS)
        for (const a of e.aliases[l]) {
          const k = `${l}:${fold(a)}`;
          if (owner.has(k) && owner.get(k) !== e.id) clashes.push(`${k} ${owner.get(k)}/${e.id}`);
          owner.set(k, e.id);
        }
    expect(clashes).toEqual([]);
  });
  it('every gold actor exists as label_en and one of its aliases occurs in each seed naming it', () => {
    const byLabel = new Map(list.map((e) => [e.label_en, e]));
    for (const [file, art] of Object.entries<any>(gold.articles)) {
      const text = fold(readFileSync(root + 'seeds/' + file, 'utf8'));
      for (const actor of art.actors) {
        const e = byLabel.get(actor);
        expect(e, `${file}: gold actor "${actor}" missing`).toBeDefined();
        const aliases: string[] = [...e.aliases[art.lang], ...e.aliases.en];
        expect(aliases.some((a) => text.includes(fold(a))), `${file}: no alias of "${actor}" in text`).toBe(true);
      }
    }
  });
});

describe('topics.json', () => {
  const list: any[] = topics.topics;
  it('is well formed', () => {
    expect(topics.version).toMatch(VERSION);
    expect(unique(list.map((t) => t.id))).toBe(true);
    for (const t of list) {
      expect(t.id).toMatch(ID);
      expect(t.color, t.id).toMatch(/^#[0-9a-f]{6}$/i);
      expect(typeof t.core).toBe('boolean');
      for (const l of LANGS) {
        expect(t.terms[l].length, `${t.id}.${l}`).toBeGreaterThan(0);
        expect(Array.isArray(t.exclude[l]), `${t.id}.exclude.${l}`).toBe(true);
        expect(unique(t.terms[l].map((x: any) => x.t)), `${t.id}.${l} duplicate term`).toBe(true);
        for (const x of t.terms[l]) {
          expect(typeof x.t).toBe('string');
          expect(x.w, `${t.id} ${x.t}`).toBeGreaterThan(0);
          expect(x.w, `${t.id} ${x.t}`).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(unique(list.map((t) => t.color.toLowerCase()))).toBe(true);
  });
  it('has the four core topics with their fixed colours', () => {
    const core = Object.fromEntries(list.filter((t) => t.core).map((t) => [t.id, t.color]));
    expect(core).toEqual({ migrants: '#1f77b4', sanctions: '#d62728', syria: '#2ca02c', human_rights: '#9467bd' });
  });
  it('every gold topic id exists', () => {
    const ids = new Set(list.map((t) => t.id));
    for (const art of Object.values<any>(gold.articles))
      for (const t of [...art.topics, ...(art.not_topics ?? []), ...(art.optional_topics ?? [])]) expect(ids).toContain(t);
  });
});

describe('stance-cues.json', () => {
  const targetNames = new Set<string>([
    'topic',
    ...topics.topics.map((t: any) => t.id),
    ...entities.entities.map((e: any) => e.id),
    ...entities.entities.map((e: any) => e.kind)
  ]);
  it('is well formed', () => {
    expect(cues.version).toMatch(VERSION);
    for (const l of LANGS) expect(cues.negators[l].length).toBeGreaterThan(0);
    const keys: string[] = [];
    for (const c of cues.cues) {
      const where = `cue ${c.lang}:${c.t}`;
      expect(LANGS as readonly string[], where).toContain(c.lang);
      expect([1, -1], where).toContain(c.polarity);
      expect(c.strength, where).toBeGreaterThan(0);
      expect(c.strength, where).toBeLessThanOrEqual(1);
      expect(['after', 'before', 'either'], where).toContain(c.direction);
      if (c.marker !== undefined) {
        expect(['از', 'با'], where).toContain(c.marker);
        expect(c.direction, where).toBe('before');
      }
      // `targets` restricts what a cue may attach to: 'topic', an entity kind, a topic id or an entity id.
      if (c.targets !== undefined)
        for (const t of c.targets) expect(targetNames.has(t), `${where}: unknown target ${t}`).toBe(true);
      keys.push(`${c.lang}:${c.t}`);
    }
    expect(unique(keys)).toBe(true);
  });
  it('has both polarities in both languages', () => {
    for (const l of LANGS)
      for (const p of [1, -1]) expect(cues.cues.filter((c: any) => c.lang === l && c.polarity === p).length).toBeGreaterThan(20);
  });
});

describe('sources.json', () => {
  const list: any[] = sources.sources;
  it('is well formed and input names are unambiguous', () => {
    expect(sources.version).toMatch(VERSION);
    expect(unique(list.map((s) => s.id))).toBe(true);
    for (const s of list) {
      expect(s.id).toMatch(ID);
      if (s.country !== null) expect(s.country, s.id).toMatch(ISO2);
      expect(s.aliases.length, s.id).toBeGreaterThan(0);
      expect(s.input_names.length, s.id).toBeGreaterThan(0);
    }
    expect(unique(list.flatMap((s) => s.input_names.map((n: string) => n.toLowerCase())))).toBe(true);
  });
  it('knows every gold source and every corpus source value', () => {
    const names = new Set(list.flatMap((s) => [s.name_en, ...s.input_names]));
    for (const art of Object.values<any>(gold.articles)) expect(names).toContain(art.source);
    // exact `source` values of the shared test corpus (jq -r .source corpus/*.jsonl | sort -u)
    const corpus = ['ISNA (isna.ir)', 'Fars News Agency (farsnews.ir)', 'Okaz', 'Al-Yaum', 'Al-Watan (SA)',
      'Al-Sharq Al-Awsat', 'Al-Riyadh', 'Al-Jazirah (SA)', 'Al-Eqtisadiya', 'Al-Weeam', 'Ain Alyoum', 'Al-Madina',
      'Sabq', 'Al Jazeera Net (aljazeera.net)', 'Tabnak (tabnak.ir)', 'Saudi Press Agency (SPA)',
      'CNN Arabic (arabic.cnn.com)', 'Hamshahri Online (hamshahrionline.ir)', 'Arreyadi', 'Arriyadiyah',
      'Radio Farda (radiofarda.com, RFE/RL)'];
    for (const n of corpus) expect(names).toContain(n);
  });
  it('the seed outlets are not wire agencies', () => {
    for (const art of Object.values<any>(gold.articles)) {
      const s = list.find((x) => x.name_en === art.source);
      expect(s.wire ?? false).toBe(false);
      expect(s.country).toBe(art.country);
    }
  });
});

describe('boilerplate.json', () => {
  const compile = (flags: string) => (r: string) => new RegExp(r, flags);
  it('every regex compiles with flag u', () => {
    expect(boilerplate.version).toMatch(VERSION);
    for (const k of ['drop_lines', 'drop_after', 'strip_phrases']) {
      expect(boilerplate[k].length, k).toBeGreaterThan(0);
      for (const r of boilerplate[k]) expect(() => compile('u')(r), `${k}: ${r}`).not.toThrow();
    }
  });
  const matchesAny = (k: string, line: string) => boilerplate[k].map(compile('u')).some((re: RegExp) => re.test(line));
  it.each([
    ['drop_lines', 'انتهای پیام/', 'ISNA/Fars end marker with slash'],
    ['drop_lines', 'انتهای پیام', 'end marker without slash'],
    ['drop_lines', 'زر الذهاب إلى الأعلى', 'back-to-top button'],
    ['drop_lines', 'بواسطة', 'bare byline label'],
    ['drop_lines', 'الدولي', 'category label as first line'],
    ['drop_lines', '// انتهى //', 'SPA end marker'],
    ['drop_after', 'مقالات ذات صلة', 'related-articles block'],
    ['drop_after', 'اترك تعليقاً', 'comment form'],
  ])('%s drops "%s" (%s)', (k, line) => expect(matchesAny(k, line)).toBe(true));
  it.each([
    ['drop_lines', 'ألجيريا برس', 'the outlet name line is source evidence'],
    ['drop_lines', 'سازمان ملل متحد از ایران حمایت کرد.', 'a real sentence'],
    ['drop_after', 'وقال إن المقالات ذات صلة بالموضوع', 'the phrase inside a sentence'],
  ])('%s keeps "%s" (%s)', (k, line) => expect(matchesAny(k, line)).toBe(false));
});
