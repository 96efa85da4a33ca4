import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../gateway/audit/verifyLog.js';
import { POSTGRES_ADMIN_URL, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTestStack, type TestStack } from './helpers/stack.js';

const QUERIES: Array<[role: string, purpose: string, query: string]> = [
  ['MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { name health { gpPractice diagnoses { code } } } }'],
  ['HEALTH_MASH_NURSE', 'SCREENING', '{ children(ids: ["C000002", "C000003", "C000004"]) { name health { diagnoses { code } } socialCare { placementAddress } } }'],
  ['POLICE_MASH_OFFICER', 'STRATEGY_DISCUSSION', '{ child(id: "C000005") { police { householdOffences { offence } intelligence { source } } } }'],
  ['SCHOOL_DSL', 'OP_ENCOMPASS', '{ child(id: "C000004") { name police { incidents { riskLevel } householdOffences { offence } } } }'],
  ['MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000002") { id } }'],
];

// The audit log behind the gateway, on its own PostgreSQL database (AUDIT_DATABASE_URL); agencies stay embedded.
describe('disclosures are recorded before they leave', () => {
  let db: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    db = await createTestDatabase('mash_audit');
    stack = await startTestStack({ AUDIT_DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('reconciles under concurrent load: each disclosing answer has exactly its event, and no event claims more', async () => {
    const answers = new Map<string, { receipts: Array<{ coordinate: string; count: number }>; seq: number | undefined }>();
    const jobs = Array.from({ length: 200 }, (_, i) => QUERIES[i % QUERIES.length]!);
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < jobs.length) {
          const [role, purpose, query] = jobs[next++]!;
          const requestId = randomUUID();
          const answer = await stack.ask(role, purpose, query, { headers: { 'x-request-id': requestId } });
          expect(answer.status).toBe(200);
          answers.set(requestId, { receipts: answer.body.extensions!['disclosures'] ?? [], seq: answer.body.extensions!['policy'].auditEvent?.seq });
        }
      }),
    );
    const { rows } = await stack.auditSql.query<{ request_id: string; seq: string; canonical: string }>("SELECT request_id, seq, canonical FROM audit.events WHERE kind = 'DISCLOSURE'");
    const events = new Map(rows.map((r) => [r.request_id, r]));
    expect(rows).toHaveLength(events.size);
    for (const [requestId, answer] of answers) {
      const event = events.get(requestId);
      if (answer.receipts.length === 0 && answer.seq === undefined) {
        expect(event).toBeUndefined();
        continue;
      }
      expect(event, requestId).toBeDefined();
      expect(Number(event!.seq)).toBe(answer.seq);
      const recorded = new Map<string, number>();
      for (const s of JSON.parse(event!.canonical).subjects) for (const d of s.disclosed) recorded.set(d.coordinate, (recorded.get(d.coordinate) ?? 0) + d.count);
      expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(answer.receipts.map((r) => [r.coordinate, r.count])));
    }
    for (const requestId of events.keys()) expect(answers.has(requestId)).toBe(true);
    expect(stack.audit.stats().transactions).toBeLessThan(stack.audit.stats().events);
    expect((await verifyLog({ sql: stack.auditSql })).ok).toBe(true);
  });

  it('withholds classified data with AUDIT_UNAVAILABLE while the log cannot commit, then recovers without a restart', async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
      const down = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { id name socialCare { status } } }');
      expect(down.body.data).toEqual({ child: { id: 'C000001', name: null, socialCare: { status: null } } });
      expect(down.body.errors!.map((e) => e.extensions['code'])).toEqual(['AUDIT_UNAVAILABLE']);
      expect(down.body.errors![0]!.extensions['coordinates'].sort()).toEqual(['Child.name', 'SocialCare.status']);
      expect(JSON.stringify(down.body)).not.toContain('Amelia');
      const nothing = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { name } }');
      expect(nothing.status).toBe(503);
      expect(nothing.body.data).toBeNull();
      expect(nothing.body.errors![0]!.extensions['code']).toBe('AUDIT_UNAVAILABLE');
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const back = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { name } }');
    expect(back.status).toBe(200);
    expect(back.body.data).toEqual({ child: { name: 'Amelia Hart' } });
    expect(back.body.extensions!['policy'].auditEvent.seq).toEqual(expect.any(Number));
    expect((await verifyLog({ sql: stack.auditSql })).ok).toBe(true);
  });
});
