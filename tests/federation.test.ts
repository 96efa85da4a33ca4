import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphSigner } from '../gateway/identity/subgraphSigner.js';
import { startSubgraph } from '../subgraphs/shared/subgraphServer.js';
import { childId } from '../subgraphs/shared/population.js';
import { FULL_VIEW, startTestStack, type TestStack } from './helpers/stack.js';

// The whole product in one process on the embedded store (PGlite), over real HTTP and real tokens.
describe('the federated child view on the embedded store', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("reads C000001's record from all four agencies", async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'STRATEGY_DISCUSSION', `{ child(id: "C000001") { ${FULL_VIEW} } }`);
    expect(answer.status).toBe(200);
    const child = answer.body.data!['child'];
    expect(child.name).toBe('Amelia Hart');
    expect(child.household).toHaveLength(3);
    expect(child.socialCare.status).toBe('CHILD_PROTECTION_PLAN');
    expect(child.socialCare.protectionPlan.category).toBe('NEGLECT');
    expect(child.socialCare.placementAddress).toMatch(/Larch Road/);
    expect(child.education.ehcp).toBe(true);
    expect(child.health.diagnoses[0].code).toBe('F91.3');
    expect(child.health.mentalHealthReferrals[0].service).toBe('CAMHS');
    expect(child.police.incidents.every((i: { domesticAbuse: boolean }) => i.domesticAbuse)).toBe(true);
    expect(child.police.householdOffences).toHaveLength(1);
    expect(child.police.intelligence[0].grading).toBe('2B');
  });

  it('keeps the demo children distinct: C000002 has no police record and is looked after', async () => {
    const answer = await stack.ask('MASH_MANAGER', 'SCREENING', '{ child(id: "C000002") { socialCare { status legalStatus } police { incidents { date } } } }');
    expect(answer.body.data!['child']).toEqual({ socialCare: { status: 'LOOKED_AFTER', legalStatus: 'S31' }, police: null });
  });

  it('answers null, not an error, for an unknown child', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C999999") { id name } }');
    expect(answer.body.data).toEqual({ child: null });
    expect(answer.body.errors).toBeUndefined();
  });

  it('refuses a malformed child id with a validation error', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "robert; drop table") { id } }');
    expect(answer.body.data).toEqual({ child: null });
    expect(answer.body.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });

  it('returns children in the order asked, with null for unknown ids', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ children(ids: ["C000003", "C999998", "C000001"]) { id name } }');
    expect(answer.body.data!['children'].map((c: { id: string } | null) => c?.id ?? null)).toEqual(['C000003', null, 'C000001']);
  });

  it('asks each agency one SQL statement per table for 50 children (no N+1)', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => childId(i + 1));
    const before = new Map(stack.sql!.statements);
    const answer = await stack.post(
      { query: `query($ids: [ID!]!) { children(ids: $ids) { ${FULL_VIEW.replace('preAdoptionName', '')} } }`, variables: { ids } },
      { authorization: `Bearer ${await stack.token('MASH_MANAGER')}`, 'x-purpose': 'EMERGENCY', 'x-justification': 'Test: child missing overnight' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data!['children']).toHaveLength(50);
    const delta = (tag: string) => (stack.sql!.statements.get(tag) ?? 0) - (before.get(tag) ?? 0);
    // social care: children, household_members, cases, protection_plans, assessments
    expect(delta('social-care')).toBe(5);
    // education: pupils, exclusions; health: patients + three record tables; police: known_children + three.
    expect(delta('education')).toBe(2);
    expect(delta('health')).toBe(4);
    expect(delta('police')).toBe(4);
  });

  it('answers bad requests with a clear error and no data', async () => {
    const auth = { authorization: `Bearer ${await stack.token('MASH_SOCIAL_WORKER')}`, 'x-purpose': 'SCREENING' };
    const notJson = await stack.post('{"query": ', auth);
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors![0]!.extensions['code']).toBe('BAD_REQUEST');
    const syntax = await stack.post({ query: '{ child(id: "C000001") { name ' }, auth);
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors![0]!.extensions['code']).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await stack.post({ query: '{ child(id: "C000001") { shoeSize } }' }, auth);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors![0]!.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    const huge = await stack.post({ query: `{ child(id: "C000001") { name } } # ${'x'.repeat(1_100_000)}` }, auth);
    expect(huge.status).toBe(413);
  });

  it('serves /healthz and /readyz', async () => {
    const base = stack.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks.map((c: { name: string }) => c.name)).toEqual(['police', 'education', 'health', 'social-care', 'governance', 'audit']);
  });

  it('refuses a direct request to an agency that the gateway did not sign', async () => {
    const police = stack.subgraphs.find((s) => s.agency.name === 'police')!;
    const bare = await fetch(police.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(bare.status).toBe(401);
    expect((await bare.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forger = await createSubgraphSigner();
    const forged = await forger.sign({ sub: 'mallory', name: null, role: 'POLICE_MASH_OFFICER', org: null, purpose: 'SCREENING', rid: 'forged-1' }, 'police');
    const signedByOther = await fetch(police.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(signedByOther.status).toBe(401);
    const real = await stack.signer.sign({ sub: 'gw', name: null, role: 'POLICE_MASH_OFFICER', org: null, purpose: 'SCREENING', rid: 'real-1' }, 'health');
    const wrongAudience = await fetch(police.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${real}` }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    expect(wrongAudience.status).toBe(401);
  });

  it('gives a partial answer naming the agency when a subgraph is down, and recovers when it returns', async () => {
    const police = stack.subgraphs.find((s) => s.agency.name === 'police')!;
    const query = '{ child(id: "C000001") { name police { incidents { date } } education { school } } }';
    await police.close();
    try {
      const partial = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', query);
      expect(partial.status).toBe(200);
      expect(partial.body.data!['child'].name).toBe('Amelia Hart');
      expect(partial.body.data!['child'].education.school).toBe('Northtown Primary School');
      expect(partial.body.data!['child'].police).toBeNull();
      const error = partial.body.errors!.find((e) => e.extensions['agency'] === 'police');
      expect(error?.message).toMatch(/^Police is unavailable/);
    } finally {
      const restarted = await startSubgraph({ agency: police.agency, sql: stack.sql!.tagged('police'), gatewayKey: stack.signer.publicKey, port: police.port });
      stack.subgraphs.push(restarted);
    }
    const recovered = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', query);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data!['child'].police.incidents).toHaveLength(2);
  });
});
