import type { AuditDisclosedField, AuditEventRecord } from './AuditEvent.js';

/** Why values were disclosed, once per event: every disclosed entry of every child points at one of these. */
export interface Ground {
  category: string;
  effect: 'ALLOW' | 'MASK';
  rule: string;
  lawfulBasis: string[];
  gateway: string[];
}

/**
 * The stored (and hashed) shape of an event, version 2: the grounds of disclosure (category, effect, rule,
 * lawful basis, gateway) appear once per event, and each child's disclosed entries name theirs by index. For a
 * 50-child answer this is about a quarter of the version-1 bytes, which every request writes and hashes.
 * `expandRecord` turns it back into the full shape; it is a pure function of the stored bytes, so the chain
 * still protects every field a reader sees.
 */
export interface CompactRecord extends Omit<AuditEventRecord, 'v' | 'subjects'> {
  v: 2;
  grounds: Ground[];
  subjects: Array<{
    childId: string;
    disclosed: Array<{ coordinate: string; count: number; ground: number }>;
    withheld: AuditEventRecord['subjects'][number]['withheld'];
  }>;
}

export function compactRecord(record: AuditEventRecord): CompactRecord {
  const grounds: Ground[] = [];
  // Grounds by rule, category and effect; a subgraph's narrowing may give one rule another basis per field,
  // so the lists are compared too. No string is built per entry: a 50-child event has thousands of them.
  const byRule = new Map<string, number[]>();
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const groundOf = (d: AuditDisclosedField): number => {
    const key = `${d.rule}\u0000${d.category}\u0000${d.effect}`;
    let candidates = byRule.get(key);
    if (!candidates) byRule.set(key, (candidates = []));
    for (const i of candidates) {
      const g = grounds[i]!;
      if (same(g.lawfulBasis, d.lawfulBasis) && same(g.gateway, d.gateway)) return i;
    }
    grounds.push({ category: d.category, effect: d.effect, rule: d.rule, lawfulBasis: d.lawfulBasis, gateway: d.gateway });
    candidates.push(grounds.length - 1);
    return grounds.length - 1;
  };
  const { v: _v, subjects, ...rest } = record;
  return {
    ...rest,
    v: 2,
    subjects: subjects.map((s) => ({ childId: s.childId, disclosed: s.disclosed.map((d) => ({ coordinate: d.coordinate, count: d.count, ground: groundOf(d) })), withheld: s.withheld })),
    grounds,
  };
}

/** The full event from stored bytes of either version. Throws TypeError on a dangling ground index. */
export function expandRecord(stored: AuditEventRecord | CompactRecord): AuditEventRecord {
  if ((stored as { v?: unknown }).v !== 2) return stored as AuditEventRecord;
  const { grounds, subjects, v: _v, ...rest } = stored as CompactRecord;
  return {
    ...rest,
    v: 1,
    subjects: subjects.map((s) => ({
      childId: s.childId,
      disclosed: s.disclosed.map((d) => {
        const g = grounds[d.ground];
        if (!g) throw new TypeError(`disclosed entry ${d.coordinate} names ground ${d.ground}, which the event does not hold`);
        return { coordinate: d.coordinate, category: g.category, effect: g.effect, rule: g.rule, lawfulBasis: g.lawfulBasis, gateway: g.gateway, count: d.count };
      }),
      withheld: s.withheld,
    })),
  } as AuditEventRecord;
}
