/**
 * A one-character regex test as a table per UTF-16 code unit: 1 where `re` matches the character alone. Hot loops
 * read a byte instead of running a regex per character. Surrogates are 0 (a lone one is no letter, space or mark);
 * callers that care about astral characters test those on their own.
 */
export function codeUnitTable(re: RegExp): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) if ((c < 0xd800 || c > 0xdfff) && re.test(String.fromCharCode(c))) t[c] = 1;
  return t;
}
