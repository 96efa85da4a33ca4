import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReceipt } from '../../gateway/audit/AuditEvent.js';
import { breakGlassEvents } from '../../gateway/audit/breakGlassEvents.js';
import { listDisclosures } from '../../gateway/audit/listDisclosures.js';
import { reviewBreakGlass } from '../../gateway/audit/reviewBreakGlass.js';
import { subjectAccessReport } from '../../gateway/audit/subjectAccessReport.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { openTestLog, sampleEvent } from './auditTestSupport.js';

describe('governance queries over the audit log (PostgreSQL at 127.0.0.1:5432)', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  let glass: AuditReceipt;
  const reviewer = { sub: 'dpo-1', name: 'Data Protection Officer', role: 'DPO', org: 'LA' };

  beforeAll(async () => {
    t = await openTestLog('queries');
    for (let i = 0; i < 40; i++) await t.log.record(sampleEvent(i));
    glass = await t.log.record(sampleEvent(40, { breakGlass: true, justification: 'child missing overnight', purpose: 'EMERGENCY' }));
    await t.log.record(sampleEvent(41, { breakGlass: true }));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('pages disclosures newest first with opaque cursors and no overlap', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof listDisclosures>> = await listDisclosures(t.sql, { first: 15, after });
      seen.push(...page.edges.map((e) => e.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 42 }, (_, i) => 42 - i));
  });

  it('filters by child, actor, coordinate and time', async () => {
    const child = await listDisclosures(t.sql, { childId: 'child-1', first: 100 });
    expect(child.edges.length).toBe(11);
    expect(child.edges.every((e) => e.node.subjects.some((s) => s.childId === 'child-1'))).toBe(true);
    const actor = await listDisclosures(t.sql, { actor: 'worker-0', first: 100 });
    expect(actor.edges.every((e) => e.node.actor.sub === 'worker-0')).toBe(true);
    const field = await listDisclosures(t.sql, { coordinate: 'Health.diagnoses', first: 100 });
    expect(field.edges.length).toBe(21); // odd i only
    const both = await listDisclosures(t.sql, { childId: 'child-2', coordinate: 'Health.diagnoses', first: 100 });
    expect(both.edges.length).toBe(0); // child-2 is only ever an even i
    const future = await listDisclosures(t.sql, { from: new Date(Date.now() + 60_000), first: 10 });
    expect(future.edges.length).toBe(0);
  });

  it('refuses a cursor it did not issue and a page size out of range', async () => {
    await expect(listDisclosures(t.sql, { first: 10, after: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'AUDIT_INVALID_ARGUMENT' });
    await expect(listDisclosures(t.sql, { first: 0 })).rejects.toMatchObject({ code: 'AUDIT_INVALID_ARGUMENT' });
  });

  it('answers a subject access request: who, role, organisation, which fields under which basis, and what was withheld', async () => {
    const report = await subjectAccessReport(t.sql, 'child-1');
    expect(report.entries.length).toBe(11);
    const entry = report.entries[0]!;
    expect(entry).toMatchObject({ actor: { sub: 'worker-1', role: 'MASH_SOCIAL_WORKER', org: 'LA-CSC' }, purpose: 'S47_ENQUIRY', caseRef: 'CASE-1' });
    expect(entry.fields.map((f) => [f.coordinate, f.effect, f.lawfulBasis])).toContainEqual(['Health.diagnoses', 'MASK', ['UKGDPR-9-2-g']]);
    const child0 = await subjectAccessReport(t.sql, 'child-0');
    expect(child0.entries[0]!.withheld[0]).toMatchObject({ coordinate: 'Police.intelligence', reason: 'ROLE_NOT_PERMITTED' });
    expect(report.recipients).toContainEqual({ org: 'LA-CSC', role: 'MASH_SOCIAL_WORKER', events: expect.any(Number) });
  });

  it('lists break-glass accesses for review and records reviews append-only, in the chain as well', async () => {
    const queue = await breakGlassEvents(t.sql, { reviewed: false });
    expect(queue.edges.map((e) => e.node.event.eventId)).toContain(glass.eventId);
    const review = await reviewBreakGlass(t.log, { eventId: glass.eventId, reviewer, note: 'Justified: police welfare check requested.' });
    expect(review.reviewSeq).toBeGreaterThan(glass.seq);
    const reviewed = await breakGlassEvents(t.sql, { reviewed: true });
    expect(reviewed.edges.map((e) => e.node.event.eventId)).toEqual([glass.eventId]);
    expect(reviewed.edges[0]!.node.reviews[0]).toMatchObject({ reviewer: { sub: 'dpo-1' }, reviewSeq: review.reviewSeq });
    expect((await breakGlassEvents(t.sql, { reviewed: false })).edges.length).toBe(1);
    const governance = await listDisclosures(t.sql, { kind: 'GOVERNANCE_ACCESS', first: 10 });
    expect(governance.edges[0]!.node).toMatchObject({ seq: review.reviewSeq, governance: { query: 'reviewBreakGlass', arguments: { eventId: glass.eventId } } });
    expect((await verifyLog({ sql: t.sql })).ok).toBe(true);
  });

  it('refuses to review an unknown event or one that was not break-glass', async () => {
    const ordinary = (await listDisclosures(t.sql, { first: 1, after: null, actor: 'worker-0' })).edges[0]!.node;
    await expect(reviewBreakGlass(t.log, { eventId: ordinary.eventId, reviewer, note: 'x' })).rejects.toMatchObject({ code: 'AUDIT_NOT_BREAK_GLASS' });
    await expect(reviewBreakGlass(t.log, { eventId: '00000000-0000-4000-8000-000000000000', reviewer, note: 'x' })).rejects.toMatchObject({ code: 'AUDIT_EVENT_NOT_FOUND' });
    await expect(reviewBreakGlass(t.log, { eventId: glass.eventId, reviewer, note: '  ' })).rejects.toMatchObject({ code: 'AUDIT_INVALID_ARGUMENT' });
  });
});
