import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../gateway/audit/canonicalJson.js';

describe('canonical JSON for the audit chain', () => {
  it('sorts keys by code unit at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: [{ z: null, y: true }, 'x'], u: undefined })).toBe('{"a":[{"y":true,"z":null},"x"],"b":1}');
  });

  it('orders integer-like keys as strings, not as JavaScript orders them', () => {
    expect(canonicalJson({ '9': 'nine', '10': 'ten', a: { '2': 0, '11': 1 } })).toBe('{"10":"ten","9":"nine","a":{"11":1,"2":0}}');
  });

  it('escapes lone surrogates so the text is well-formed UTF-8', () => {
    expect(canonicalJson({ s: 'a\ud800b' })).toBe('{"s":"a\\ud800b"}');
  });

  it('refuses what JSON cannot hold faithfully, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson({ a: [undefined] })).toThrow(TypeError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/not a plain object/);
  });

  it('is stable for a large event', () => {
    const event = { subjects: Array.from({ length: 50 }, (_, i) => ({ childId: `C${i}`, disclosed: [{ rule: 'core', count: i, coordinate: 'Child.name' }] })) };
    expect(canonicalJson(event)).toBe(canonicalJson(JSON.parse(canonicalJson(event))));
  });
});
