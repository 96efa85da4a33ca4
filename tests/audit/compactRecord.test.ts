import { describe, expect, it } from 'vitest';
import type { AuditEventRecord } from '../../gateway/audit/AuditEvent.js';
import { compactRecord, expandRecord } from '../../gateway/audit/compactRecord.js';
import { canonicalJson } from '../../gateway/audit/canonicalJson.js';

const disclosed = (coordinate: string, rule: string, count: number) => ({ coordinate, category: 'ID_CORE', effect: 'ALLOW' as const, rule, lawfulBasis: ['UKGDPR A6(1)(e)'], gateway: ['CA2004 s11'], count });
const record: AuditEventRecord = {
  v: 1, logId: 'log', seq: 7, prevHash: '0'.repeat(64), eventId: 'e', recordedAt: '2026-11-25T00:00:00.000Z',
  kind: 'DISCLOSURE', requestId: 'r', actor: { sub: 's', role: 'MASH_SOCIAL_WORKER' }, purpose: 'SCREENING', caseRef: null, justification: null,
  breakGlass: false, mode: 'enforce', policyVersion: 'p', operation: { name: null, hash: 'h' },
  subjects: Array.from({ length: 50 }, (_, i) => ({ childId: `C${String(i).padStart(6, '0')}`, disclosed: [disclosed('Child.name', 'core', 1), disclosed('Child.dateOfBirth', 'core', 1), disclosed('Child.household', 'support', 2)], withheld: [{ coordinate: 'Health.diagnoses', category: 'HEALTH_SENSITIVE', reason: 'NOT_PERMITTED', rule: null }] })),
};

describe('the stored (compact) shape of an audit event', () => {
  it('expands back to exactly the event that was recorded', () => {
    expect(expandRecord(JSON.parse(canonicalJson(compactRecord(record))))).toEqual(record);
  });

  it('names each ground of disclosure once per event, and is much smaller', () => {
    const compact = compactRecord(record);
    expect(compact.grounds).toHaveLength(2);
    const onlyDisclosed = { ...record, subjects: record.subjects.map((s) => ({ ...s, withheld: [] })) };
    expect(canonicalJson(compactRecord(onlyDisclosed)).length).toBeLessThan(canonicalJson(onlyDisclosed).length / 2);
  });

  it('reads version-1 events unchanged', () => {
    expect(expandRecord(record)).toBe(record);
  });

  it('refuses a disclosed entry that points at no ground', () => {
    const compact = compactRecord(record);
    compact.subjects[0]!.disclosed[0]!.ground = 9;
    expect(() => expandRecord(compact)).toThrow(TypeError);
  });
});
