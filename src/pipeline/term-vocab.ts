/**
 * A worker's vocabulary of term keys: each distinct key gets a small integer id the first time it is seen, looked up
 * straight from a range of the normalised text (its UTF-16 code units and their hash), so counting a word allocates
 * nothing. Ids index plain arrays: the per-article term frequencies (contentTerms) and the document frequencies
 * (RowSink.verdict), which a Map<string, number> per article and a second one per run used to cost: a string slice and
 * two hashed lookups per word.
 */

/** FNV-1a over UTF-16 code units, as a signed 32-bit integer. */
export function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Int32s per slot: hash, id + 1 (0 = empty), the key's offset in the character pool, its length. */
const SLOT = 4;

export class TermVocab {
  /** Open addressing, the slot's fields side by side (one cache line holds four slots). */
  private slots = new Int32Array(SLOT << 12);
  private mask = (1 << 12) - 1;
  /**
   * The keys' characters, one after the other: lookups compare against these rather than the key strings (term
   * counting of 20k articles 1.02–1.26 s against 1.24–1.52 s).
   */
  private pool = new Uint16Array(1 << 16);
  private poolUsed = 0;
  private keys: string[] = [];
  /** Per id: 1 when the key is a stop word (never counted). */
  stop = new Uint8Array(1 << 10);
  /** Per id: the current article's count of the key (contentTerms; back to 0 after each article). */
  tf = new Int32Array(1 << 10);

  constructor(private readonly isStop: (key: string) => boolean = () => false) {}

  get size(): number {
    return this.keys.length;
  }

  key(id: number): string {
    return this.keys[id];
  }

  /** The id of the key s[from, to) (hash `h` = hashRange(s, from, to)), added when new. */
  idOf(s: string, from: number, to: number, h: number): number {
    return this.lookup(s, from, to, h, true);
  }

  /** The id of the key s[from, to), or −1 when it is not in the vocabulary. */
  find(s: string, from: number, to: number, h: number): number {
    return this.lookup(s, from, to, h, false);
  }

  private lookup(s: string, from: number, to: number, h: number, insert: boolean): number {
    const len = to - from;
    const slots = this.slots;
    const pool = this.pool;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const b = slot * SLOT;
      const id1 = slots[b + 1];
      if (id1 === 0) return insert ? this.add(slot, s, from, to, h) : -1;
      if (slots[b] !== h || slots[b + 3] !== len) continue;
      const off = slots[b + 2];
      let j = 0;
      while (j < len && pool[off + j] === s.charCodeAt(from + j)) j++;
      if (j === len) return id1 - 1;
    }
  }

  private add(slot: number, s: string, from: number, to: number, h: number): number {
    const id = this.keys.length;
    const len = to - from;
    if (id === this.stop.length) {
      this.stop = grow(this.stop, id * 2);
      this.tf = grow(this.tf, id * 2);
    }
    if (this.poolUsed + len > this.pool.length) this.pool = grow(this.pool, Math.max(2 * this.pool.length, this.poolUsed + len));
    const off = this.poolUsed;
    for (let j = 0; j < len; j++) this.pool[off + j] = s.charCodeAt(from + j);
    this.poolUsed += len;
    const key = s.slice(from, to);
    this.keys.push(key);
    this.stop[id] = this.isStop(key) ? 1 : 0;
    const b = slot * SLOT;
    this.slots[b] = h;
    this.slots[b + 1] = id + 1;
    this.slots[b + 2] = off;
    this.slots[b + 3] = len;
    // At most half full.
    if (2 * this.keys.length > this.mask + 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const size = 2 * (this.mask + 1);
    this.slots = new Int32Array(SLOT * size);
    this.mask = size - 1;
    for (let b = 0; b < old.length; b += SLOT) {
      if (old[b + 1] === 0) continue;
      let slot = old[b] & this.mask;
      while (this.slots[slot * SLOT + 1] !== 0) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(b, b + SLOT), slot * SLOT);
    }
  }
}

function grow<A extends Int32Array | Uint8Array | Uint16Array>(a: A, size: number): A {
  const b = new (a.constructor as new (n: number) => A)(size);
  b.set(a);
  return b;
}
