import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../gateway/audit/AuditEvent.js';
import { checkedRecord, toEventRecord } from '../../gateway/audit/toEventRecord.js';

const assigned = { logId: 'log', seq: 3, prevHash: '0'.repeat(64), eventId: 'e', recordedAt: '2026-11-25T00:00:00.000Z' };
const event = (over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  kind: 'DISCLOSURE', requestId: 'r-1', actor: { sub: 'alice', name: 'Alice', role: 'MASH_SOCIAL_WORKER', org: null },
  purpose: 'SCREENING', caseRef: null, justification: null, breakGlass: false, mode: 'enforce', policyVersion: 'p', operation: { name: null, hash: 'h' },
  subjects: [
    { childId: 'C000001', disclosed: [{ coordinate: 'Child.name', category: 'ID_CORE', effect: 'ALLOW', rule: 'core', lawfulBasis: ['UKGDPR A6(1)(e)'], gateway: ['CA2004 s11'], count: 1 }], withheld: [{ coordinate: 'Health.diagnoses', category: 'HEALTH_SENSITIVE', reason: 'NOT_PERMITTED', rule: null }] },
    { childId: 'C000002', disclosed: [], withheld: [] },
  ],
  ...over,
});

describe('checking an audit event before it is recorded', () => {
  it('copies a valid event exactly as the field-by-field check does', () => {
    for (const e of [event(), event({ actor: { sub: 's', role: 'R' } }), event({ subjects: [] }), event({ mode: 'dry-run', breakGlass: true, justification: 'why' })]) {
      expect(toEventRecord(e, assigned)).toEqual(checkedRecord(e, assigned));
    }
  });

  it('drops what the event should not carry, such as a disclosed value', () => {
    const e = event();
    (e.subjects[0]!.disclosed[0] as unknown as Record<string, unknown>)['value'] = 'Amelia Hart';
    expect(JSON.stringify(toEventRecord(e, assigned))).not.toContain('Amelia');
  });

  it('names the first problem of a malformed event', () => {
    const bad = event();
    (bad.subjects[0]!.disclosed[0] as unknown as Record<string, unknown>)['count'] = -1;
    expect(() => toEventRecord(bad, assigned)).toThrow(/subjects\[0\]\.disclosed\[0\]\.count must be a non-negative integer/);
    expect(() => toEventRecord(event({ requestId: 'a\u0000b' }), assigned)).toThrow(/requestId must be well-formed Unicode without NUL/);
    expect(() => toEventRecord(event({ subjects: [event().subjects[0]!, event().subjects[0]!] }), assigned)).toThrow(/names child C000001 twice/);
  });
});
