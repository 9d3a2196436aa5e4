/**
 * The `reply` string of a JSON answer that is still being written, as far as it goes: the model
 * streams `{"intent":"reply","confidence":0.9,"reply":"We ship to Rab` and the customer can
 * already read "We ship to Rab". Escapes are decoded; an escape cut off at the end waits for
 * the next chunk. Undefined until the `reply` value has started.
 */
export function partialReply(json: string): string | undefined {
  const start = /"reply"\s*:\s*"/.exec(json);
  if (start === null) return undefined;
  let out = '';
  for (let index = start.index + start[0].length; index < json.length; index += 1) {
    const char = json[index];
    if (char === '"') return out;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = json[index + 1];
    if (next === undefined) return out;
    if (next === 'u') {
      const hex = json.slice(index + 2, index + 6);
      if (hex.length < 4) return out;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      index += 5;
      continue;
    }
    out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
    index += 1;
  }
  return out;
}
