import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './helpers/stack.js';

const SAR = `query($id: ID!) { subjectAccessReport(childId: $id) {
  childId recipients { org role events }
  entries { eventId recordedAt actor { sub role org } purpose caseRef breakGlass fields { coordinate category effect rule lawfulBasis gateway count } withheld { coordinate reason } }
} }`;

describe('governance through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("produces a child's subject access report after a practitioner's query", async () => {
    await stack.post({ query: '{ child(id: "C000004") { name police { incidents { riskLevel } } health { diagnoses { code } } } }' }, {
      authorization: `Bearer ${await stack.authenticator.devIssuer!.mint({ sub: 'dsl-jones', role: 'SCHOOL_DSL', org: 'Meadowbank Primary' })}`,
      'x-purpose': 'OP_ENCOMPASS',
      'x-case-ref': 'ENC-2026-0719',
    });
    const report = await stack.ask('IG_OVERSIGHT', 'SCREENING', SAR, { variables: { id: 'C000004' } });
    expect(report.body.errors).toBeUndefined();
    const sar = report.body.data!['subjectAccessReport'];
    expect(sar.childId).toBe('C000004');
    expect(sar.recipients).toEqual([{ org: 'Meadowbank Primary', role: 'SCHOOL_DSL', events: 1 }]);
    const [entry] = sar.entries;
    expect(entry).toMatchObject({ actor: { sub: 'dsl-jones', role: 'SCHOOL_DSL', org: 'Meadowbank Primary' }, purpose: 'OP_ENCOMPASS', caseRef: 'ENC-2026-0719', breakGlass: false });
    expect(entry.fields.map((f: { coordinate: string }) => f.coordinate).sort()).toEqual(['Child.name', 'Incident.riskLevel', 'Police.incidents']);
    expect(entry.fields.find((f: { coordinate: string }) => f.coordinate === 'Child.name')).toMatchObject({ rule: 'encompass', lawfulBasis: ['UKGDPR A6(1)(e)'], gateway: ['VPA2024 OpEncompass', 'EA2002 s175'], count: 1 });
    expect(entry.withheld).toEqual([{ coordinate: 'Health.diagnoses', reason: 'NOT_PERMITTED' }]);
  });

  it('refuses every other role with FORBIDDEN', async () => {
    for (const role of ['MASH_MANAGER', 'POLICE_MASH_OFFICER']) {
      const answer = await stack.ask(role, 'SCREENING', SAR, { variables: { id: 'C000004' } });
      expect(answer.body.data).toBeNull();
      expect(answer.body.errors![0]!.extensions['code']).toBe('FORBIDDEN');
    }
  });

  it('lists disclosures by child and actor, paged', async () => {
    for (let i = 0; i < 3; i++) await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000002") { name } }');
    const page = async (after: string | null) =>
      (await stack.ask('IG_OVERSIGHT', 'SCREENING', 'query($after: String) { disclosures(childId: "C000002", actor: "mash_social_worker-tester", first: 2, after: $after) { edges { cursor node { seq actor { role } subjects { childId disclosed { coordinate rule } } } } pageInfo { hasNextPage endCursor } } }', { variables: { after } })).body.data!['disclosures'];
    const first = await page(null);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges).toHaveLength(1);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const seqs = [...first.edges, ...second.edges].map((e: { node: { seq: number } }) => e.node.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(first.edges[0].node.subjects[0]).toEqual({ childId: 'C000002', disclosed: [{ coordinate: 'Child.name', rule: 'core' }] });
  });

  it('queues break-glass accesses for review and records the review', async () => {
    await stack.ask('MASH_MANAGER', 'EMERGENCY', '{ child(id: "C000003") { name health { mentalHealthReferrals { service } } } }', { headers: { 'x-justification': 'Missing child, risk of suicide reported by school' } });
    const queue = await stack.ask('IG_OVERSIGHT', 'SCREENING', '{ breakGlassEvents(reviewed: false) { edges { node { event { eventId justification actor { role } } reviews { note } } } } }');
    const pending = queue.body.data!['breakGlassEvents'].edges;
    expect(pending).toHaveLength(1);
    expect(pending[0].node.event).toMatchObject({ justification: 'Missing child, risk of suicide reported by school', actor: { role: 'MASH_MANAGER' } });
    const eventId = pending[0].node.event.eventId;
    const review = await stack.ask('IG_OVERSIGHT', 'SCREENING', 'mutation($id: ID!) { reviewBreakGlass(eventId: $id, note: "Proportionate: child found safe; access limited to health referrals.") { eventId note reviewer { role } } }', { variables: { id: eventId } });
    expect(review.body.data!['reviewBreakGlass']).toMatchObject({ eventId, reviewer: { role: 'IG_OVERSIGHT' } });
    const after = await stack.ask('IG_OVERSIGHT', 'SCREENING', '{ breakGlassEvents(reviewed: false) { edges { node { event { eventId } } } } }');
    expect(after.body.data!['breakGlassEvents'].edges).toEqual([]);
  });

  it('records every governance query in the log itself', async () => {
    const before = await stack.auditSql.query<{ n: string }>("SELECT count(*) AS n FROM audit.events WHERE kind = 'GOVERNANCE_ACCESS'");
    await stack.ask('IG_OVERSIGHT', 'SCREENING', SAR, { variables: { id: 'C000001' } });
    const { rows } = await stack.auditSql.query<{ n: string; actor_role: string }>("SELECT count(*) AS n FROM audit.events WHERE kind = 'GOVERNANCE_ACCESS'");
    expect(Number(rows[0]!.n)).toBe(Number(before.rows[0]!.n) + 1);
  });

  it('refuses a malformed date or page size clearly', async () => {
    const answer = await stack.ask('IG_OVERSIGHT', 'SCREENING', '{ disclosures(from: "last tuesday") { edges { cursor } } }');
    expect(answer.body.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    const big = await stack.ask('IG_OVERSIGHT', 'SCREENING', '{ disclosures(first: 100000) { edges { cursor } } }');
    expect(big.body.errors![0]!.extensions['code']).toBe('AUDIT_INVALID_ARGUMENT');
  });
});
