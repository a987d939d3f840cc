/**
 * A bounded memo per owner object (a lexicon): `memo(owner, key, compute)` runs compute() once per distinct key and
 * owner. A feed's articles share a handful of metadata values (dates, outlet names), so each is worked out once; the
 * table is emptied when it reaches `max` keys, so memory stays bounded on inputs where every value differs.
 */
export function boundedMemo<O extends object, V>(max: number): (owner: O, key: string, compute: (key: string) => V) => V {
  const byOwner = new WeakMap<O, Map<string, V>>();
  return (owner, key, compute) => {
    let cache = byOwner.get(owner);
    if (!cache) byOwner.set(owner, (cache = new Map()));
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) {
      v = compute(key);
      if (cache.size >= max) cache.clear();
      cache.set(key, v);
    }
    return v as V;
  };
}
