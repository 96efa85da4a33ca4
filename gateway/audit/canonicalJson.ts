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
  try {
    return JSON.stringify(sortedCopy(value));
  } catch (error) {
    if (!(error instanceof NotFastPath)) throw error;
    // Rare: an integer-like key (which JS objects would order numerically) or a value JSON cannot hold;
    // the exact writer handles the first and names the path of the second.
    return write(value, '$');
  }
}

class NotFastPath extends Error {}

const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;

/**
 * The hot path (an audit event for a 50-child answer is ~400 KB of JSON, written for every request): a copy
 * with keys inserted in sorted order, serialised by the native JSON.stringify. Identical output to `write`
 * whenever no key is integer-like, which it checks.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotFastPath();
      return value;
    case 'object': {
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined) throw new NotFastPath();
          out[i] = sortedCopy(value[i]);
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new NotFastPath();
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(record).sort()) {
        if (INDEX_LIKE.test(k)) throw new NotFastPath();
        const v = record[k];
        if (v !== undefined) out[k] = sortedCopy(v);
      }
      return out;
    }
    default:
      throw new NotFastPath();
  }
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
