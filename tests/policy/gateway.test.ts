import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../gateway/config.js';
import { MASK_PLACEHOLDER } from '../../gateway/policy/planOperation.js';
import { committedPolicy, decisionAt } from '../helpers/policy.js';
import { FULL_VIEW, startTestStack, withheldCoordinates, type TestStack } from '../helpers/stack.js';

const policy = committedPolicy();

// Every classified coordinate the full view selects directly, with the path to its value in C000001's record.
const SELECTED: Array<[coordinate: string, path: string[]]> = [
  ['Child.name', ['name']],
  ['Child.dateOfBirth', ['dateOfBirth']],
  ['Child.household', ['household']],
  ['Child.preAdoptionName', ['preAdoptionName']],
  ['SocialCare.status', ['socialCare', 'status']],
  ['SocialCare.protectionPlan', ['socialCare', 'protectionPlan']],
  ['SocialCare.assessments', ['socialCare', 'assessments']],
  ['SocialCare.placementAddress', ['socialCare', 'placementAddress']],
  ['Education.school', ['education', 'school']],
  ['Education.upn', ['education', 'upn']],
  ['Education.attendanceRate', ['education', 'attendanceRate']],
  ['Education.exclusions', ['education', 'exclusions']],
  ['Education.sendStatus', ['education', 'sendStatus']],
  ['Education.ehcp', ['education', 'ehcp']],
  ['Health.nhsNumber', ['health', 'nhsNumber']],
  ['Health.gpPractice', ['health', 'gpPractice']],
  ['Health.emergencyAttendances', ['health', 'emergencyAttendances']],
  ['Health.diagnoses', ['health', 'diagnoses']],
  ['Health.mentalHealthReferrals', ['health', 'mentalHealthReferrals']],
  ['Police.incidents', ['police', 'incidents']],
  ['Police.householdOffences', ['police', 'householdOffences']],
  ['Police.intelligence', ['police', 'intelligence']],
];

const PERSONAS: Array<[role: string, purpose: string, justification?: string]> = [
  ['MASH_SOCIAL_WORKER', 'SCREENING'],
  ['MASH_SOCIAL_WORKER', 'STRATEGY_DISCUSSION'],
  ['MASH_MANAGER', 'S47_ENQUIRY'],
  ['MASH_MANAGER', 'EMERGENCY', 'Child reported missing overnight; police request'],
  ['MASH_MANAGER', 'EMERGENCY'],
  ['POLICE_MASH_OFFICER', 'SCREENING'],
  ['POLICE_MASH_OFFICER', 'S47_ENQUIRY'],
  ['HEALTH_MASH_NURSE', 'SCREENING'],
  ['EDUCATION_MASH_OFFICER', 'SCREENING'],
  ['SCHOOL_DSL', 'OP_ENCOMPASS'],
  ['EARLY_HELP_PRACTITIONER', 'EARLY_HELP'],
  ['MASH_BUSINESS_SUPPORT', 'SCREENING'],
  ['IG_OVERSIGHT', 'SCREENING'],
  ['MASH_SOCIAL_WORKER', 'ANALYTICS'],
  ['POLICE_MASH_OFFICER', 'CRIME_PREVENTION'],
];

const at = (value: any, path: string[]) => path.reduce((v, k) => (v == null ? v : v[k]), value);

describe('the policy, enforced at the gateway with real tokens', () => {
  let stack: TestStack;
  const received: Array<{ agency: string; query: string }> = [];
  beforeAll(async () => {
    stack = await startTestStack({}, { onSubgraphRequest: (agency, body) => received.push({ agency, query: String((body as { query?: string })?.query ?? '') }) });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(PERSONAS)('%s acting for %s', (role, purpose, justification) => {
    it('answers each field as the decision function says, explaining every withheld field', async () => {
      const headers: Record<string, string> = { authorization: `Bearer ${await stack.token(role)}`, 'x-purpose': purpose };
      if (justification) headers['x-justification'] = justification;
      const answer = await stack.post({ query: `{ child(id: "C000001") { ${FULL_VIEW} } }` }, headers);
      expect(answer.status).toBe(200);
      const child = answer.body.data!['child'];
      const withheld = withheldCoordinates(answer);
      for (const [coordinate, path] of SELECTED) {
        const d = decisionAt(policy, coordinate, { role, purpose, justified: Boolean(justification) })!;
        const value = at(child, path);
        // A field inside a withheld container is not reached, so it has no decision of its own to show.
        const container = path.length > 1 ? at(child, path.slice(0, -1)) : child;
        if (container === null) continue;
        if (d.effect === 'WITHHOLD') {
          expect(value, coordinate).toBeNull();
          expect(withheld, coordinate).toContain(coordinate);
          const error = answer.body.errors!.find((e) => e.extensions['coordinate'] === coordinate)!;
          expect(error.extensions).toMatchObject({ code: 'FIELD_WITHHELD', category: d.category, reason: d.reason });
          expect(error.extensions['remedy']).toEqual(expect.any(String));
          expect(error.extensions['remedy'].length).toBeGreaterThan(20);
          expect(error.path).toEqual(['child', ...path]);
        } else if (d.effect === 'MASK') {
          expect(value, coordinate).toBe(MASK_PLACEHOLDER);
          expect(withheld).not.toContain(coordinate);
        } else {
          expect(value, coordinate).not.toBeNull();
          expect(withheld).not.toContain(coordinate);
          const receipt = answer.body.extensions!['disclosures'].find((r: { coordinate: string }) => r.coordinate === coordinate);
          expect(receipt, coordinate).toMatchObject({ effect: 'ALLOW', rule: d.rule, lawfulBasis: d.basis, gateway: d.gateway, category: d.category });
          expect(receipt.count).toBe(Array.isArray(value) ? value.length : 1);
        }
      }
    });
  });

  it('withholds every classified field with PURPOSE_REQUIRED when no purpose is declared, and still answers the key', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', null, '{ child(id: "C000001") { id name health { gpPractice } } }');
    expect(answer.body.data).toEqual({ child: { id: 'C000001', name: null, health: { gpPractice: null } } });
    expect(answer.body.errors!.map((e) => e.extensions['reason'])).toEqual(['PURPOSE_REQUIRED', 'PURPOSE_REQUIRED']);
  });

  it('refuses an unknown purpose with HTTP 400 naming the valid ones', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'CURIOSITY', '{ child(id: "C000001") { name } }');
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors![0]!.extensions['code']).toBe('BAD_REQUEST');
    expect(answer.body.errors![0]!.extensions['validPurposes']).toContain('STRATEGY_DISCUSSION');
  });

  it('never asks an agency for a withheld or masked field', async () => {
    received.length = 0;
    const answer = await stack.ask('HEALTH_MASH_NURSE', 'SCREENING', '{ child(id: "C000001") { socialCare { status placementAddress assessments { summary } } police { incidents { date } householdOffences { offence } } } }');
    expect(answer.body.data!['child'].socialCare).toEqual({ status: 'CHILD_PROTECTION_PLAN', placementAddress: MASK_PLACEHOLDER, assessments: null });
    const asked = received.map((r) => r.query).join('\n');
    expect(asked).toContain('status');
    expect(asked).not.toMatch(/placementAddress|assessments|householdOffences/);
  });

  it('never serves one caller the query plan built for another (same query text, alternating callers)', async () => {
    const query = '{ child(id: "C000003") { name health { gpPractice diagnoses { code } } } }';
    for (let round = 0; round < 3; round++) {
      for (const [role, sees] of [['MASH_SOCIAL_WORKER', false], ['HEALTH_MASH_NURSE', true]] as const) {
        received.length = 0;
        const answer = await stack.ask(role, 'SCREENING', query);
        const health = answer.body.data!['child'].health;
        const askedHealth = received.filter((r) => r.agency === 'health').map((r) => r.query).join('\n');
        if (sees) {
          expect(health.diagnoses).toEqual([{ code: 'F32.1' }]);
          expect(askedHealth).toContain('diagnoses');
          expect(answer.body.errors).toBeUndefined();
        } else {
          expect(health.diagnoses).toBeNull();
          expect(askedHealth).not.toContain('diagnoses');
          expect(withheldCoordinates(answer)).toEqual(['Health.diagnoses']);
        }
        expect(health.gpPractice).toBe('Hillcrest Family Practice');
      }
    }
  });

  it('handles fragments, aliases, variables, @skip/@include, interfaces and unions', async () => {
    const query = `
      query Encompass($id: ID!, $withPolice: Boolean!, $skipHealth: Boolean!) {
        pupil: child(id: $id) {
          ...Identity
          health @skip(if: $skipHealth) { nhsNumber }
          police @include(if: $withPolice) {
            incidents { when: date riskLevel }
            records { date }
            timeline { ... on Incident { kind } ... on HouseholdOffence { offence } }
          }
        }
      }
      fragment Identity on Child { id fullName: name upn: education { upn } }`;
    const answer = await stack.ask('SCHOOL_DSL', 'OP_ENCOMPASS', query, { variables: { id: 'C000001', withPolice: true, skipHealth: true }, operationName: 'Encompass' });
    const pupil = answer.body.data!['pupil'];
    expect(pupil.fullName).toBe('Amelia Hart');
    expect(pupil.upn).toEqual({ upn: null });
    expect('health' in pupil).toBe(false);
    expect(pupil.police.incidents).toEqual([{ when: '2026-03-28', riskLevel: 'HIGH' }, { when: '2026-01-17', riskLevel: 'MEDIUM' }]);
    // The interface's date is withheld: one of its implementations (HouseholdOffence) is criminal history.
    expect(pupil.police.records).toEqual([{ date: null }, { date: null }, { date: null }]);
    // Through the union, each member is judged by its own classification.
    expect(pupil.police.timeline).toEqual([{ kind: 'DOMESTIC_ABUSE' }, { kind: 'DOMESTIC_ABUSE' }, { offence: null }]);
    expect(withheldCoordinates(answer)).toEqual(['Education.upn', 'HouseholdOffence.offence', 'PoliceRecord.date']);
    const offence = answer.body.errors!.find((e) => e.extensions['coordinate'] === 'HouseholdOffence.offence')!;
    expect(offence.path).toEqual(['pupil', 'police', 'timeline', 2, 'offence']);
    expect(offence.extensions['remedy']).toMatch(/Operation Encompass covers the incident/);
    // No gateway alias leaks into the answer, and the order asked is kept.
    expect(Object.keys(pupil)).toEqual(['id', 'fullName', 'upn', 'police']);
  });

  it('keeps the order of fields as asked when a field is put back after the agencies answered', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { preAdoptionName name dateOfBirth } }');
    expect(Object.keys(answer.body.data!['child'])).toEqual(['preAdoptionName', 'name', 'dateOfBirth']);
  });

  it('requires a justification for break-glass and flags the disclosure when given one', async () => {
    const without = await stack.ask('MASH_MANAGER', 'EMERGENCY', '{ child(id: "C000005") { name health { diagnoses { code } } } }');
    expect(without.body.data!['child']).toEqual({ name: null, health: { diagnoses: null } });
    expect(without.body.errors!.map((e) => e.extensions['reason'])).toEqual(['JUSTIFICATION_REQUIRED', 'JUSTIFICATION_REQUIRED']);
    const withReason = await stack.ask('MASH_MANAGER', 'EMERGENCY', '{ child(id: "C000005") { name health { diagnoses { code } } } }', { headers: { 'x-justification': 'Threat to life reported by ambulance service' } });
    expect(withReason.body.data!['child'].health.diagnoses).toEqual([{ code: 'F41.1' }]);
    expect(withReason.body.extensions!['policy'].breakGlass).toBe(true);
    const seq = withReason.body.extensions!['policy'].auditEvent.seq;
    const { rows } = await stack.auditSql.query<{ break_glass: boolean; purpose: string }>('SELECT break_glass, purpose FROM audit.events WHERE seq = $1', [seq]);
    expect(rows).toEqual([{ break_glass: true, purpose: 'EMERGENCY' }]);
  });

  it('records each disclosure and each decision not to share before answering, never the values', async () => {
    const answer = await stack.ask('EDUCATION_MASH_OFFICER', 'SCREENING', '{ child(id: "C000003") { name education { attendanceRate } health { diagnoses { code } } } }', { headers: { 'x-case-ref': 'MASH-2026-0042' } });
    const seq = answer.body.extensions!['policy'].auditEvent.seq;
    const { rows } = await stack.auditSql.query<{ canonical: string; case_ref: string; actor_role: string }>('SELECT canonical, case_ref, actor_role FROM audit.events WHERE seq = $1', [seq]);
    expect(rows[0]).toMatchObject({ case_ref: 'MASH-2026-0042', actor_role: 'EDUCATION_MASH_OFFICER' });
    const event = JSON.parse(rows[0]!.canonical);
    expect(event.policyVersion).toBe(policy.version);
    expect(event.subjects).toHaveLength(1);
    expect(event.subjects[0].childId).toBe('C000003');
    expect(event.subjects[0].disclosed.map((d: { coordinate: string }) => d.coordinate).sort()).toEqual(['Child.name', 'Education.attendanceRate']);
    expect(event.subjects[0].withheld).toEqual([{ coordinate: 'Health.diagnoses', category: 'HEALTH_SENSITIVE', reason: 'NOT_PERMITTED', rule: null }]);
    expect(rows[0]!.canonical).not.toContain('Isla');
  });

  it('writes no audit event for a request that touches no classified data', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { id } }');
    expect(answer.body.extensions!['policy'].auditEvent).toBeUndefined();
    expect(answer.body.extensions!['disclosures']).toBeUndefined();
  });

  describe('identity', () => {
    let key: JWK;
    beforeAll(() => {
      key = JSON.parse(readFileSync(join(stack.dataDir, 'keys', 'dev-issuer.jwk'), 'utf8'));
    });
    const sign = async (claims: Record<string, unknown>, opts: { iss?: string; aud?: string; exp?: number; signWith?: 'dev' | 'other' } = {}) => {
      const signingKey = opts.signWith === 'other' ? (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey : await importJWK(key, 'EdDSA');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid! })
        .setSubject('tester')
        .setIssuer(opts.iss ?? DEV_ISSUER)
        .setAudience(opts.aud ?? DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
        .sign(signingKey);
    };
    const ask = (authorization: string | null) => stack.post({ query: '{ child(id: "C000001") { name } }' }, { 'x-purpose': 'SCREENING', ...(authorization ? { authorization } : {}) });
    const hs256 = () => new SignJWT({ role: 'MASH_MANAGER' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));
    const unsecured = () => `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'MASH_MANAGER', iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: 9999999999 })).toString('base64url')}.`;

    it.each([
      ['missing', async () => null, 'TOKEN_MISSING'],
      ['not a bearer token', async () => 'Basic dXNlcjpwYXNz', 'TOKEN_MALFORMED'],
      ['malformed', async () => 'Bearer not.a.jwt', 'TOKEN_MALFORMED'],
      ['expired', async () => `Bearer ${await sign({ role: 'MASH_MANAGER' }, { exp: Math.floor(Date.now() / 1000) - 3600 })}`, 'TOKEN_EXPIRED'],
      ['signed by another key', async () => `Bearer ${await sign({ role: 'MASH_MANAGER' }, { signWith: 'other' })}`, 'SIGNATURE_INVALID'],
      ['from another issuer', async () => `Bearer ${await sign({ role: 'MASH_MANAGER' }, { iss: 'https://evil.example/' })}`, 'ISSUER_INVALID'],
      ['for another audience', async () => `Bearer ${await sign({ role: 'MASH_MANAGER' }, { aud: 'another-service' })}`, 'AUDIENCE_INVALID'],
      ['signed with a shared secret (HS256)', async () => `Bearer ${await hs256()}`, 'ALGORITHM_NOT_ALLOWED'],
      ['unsigned (alg none)', async () => `Bearer ${unsecured()}`, 'ALGORITHM_NOT_ALLOWED'],
    ])('answers 401 UNAUTHENTICATED with no data for a %s token', async (_name, make, reason) => {
      const answer = await ask(await make());
      expect(answer.status).toBe(401);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    });

    it('answers 403 FORBIDDEN for a role the gateway does not serve, or no role', async () => {
      for (const claims of [{ role: 'HEAD_TEACHER' }, {}]) {
        const answer = await ask(`Bearer ${await sign(claims)}`);
        expect(answer.status).toBe(403);
        expect(answer.body.data).toBeUndefined();
        expect(answer.body.errors![0]!.extensions['code']).toBe('FORBIDDEN');
      }
    });

    it('accepts a token within the clock tolerance', async () => {
      const answer = await ask(`Bearer ${await sign({ role: 'MASH_SOCIAL_WORKER' }, { exp: Math.floor(Date.now() / 1000) - 5 })}`);
      expect(answer.status).toBe(200);
      expect(answer.body.data!['child'].name).toBe('Amelia Hart');
    });
  });
});
