/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit, properties whose value is `undefined`
 * omitted, no whitespace, numbers and strings as `JSON.stringify` writes them (well-formed: lone surrogates
 * are escaped). The audit chain hashes the UTF-8 bytes of this text, and stores the text itself, so a
 * verifier never has to re-serialise a database value (PostgreSQL's `jsonb::text` is not stable).
 *
 * Throws TypeError for what JSON cannot represent faithfully (non-finite numbers, bigint, functions,
 * symbols, `undefined` inside arrays, class instances other than plain objects and arrays).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => {
          if (item === undefined) throw new TypeError(`canonicalJson: ${path}[${i}] is undefined`);
          return write(item, `${path}[${i}]`);
        }).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: ${path} is not a plain object`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} has type ${typeof value}, which JSON cannot hold`);
  }
}
