import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies } from '../subgraphs/registry.js';
import { childId } from '../subgraphs/shared/population.js';
import { openSql } from '../subgraphs/shared/sql.js';
import { seed } from '../subgraphs/shared/store.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { FULL_VIEW, startTestStack, type TestStack } from './helpers/stack.js';

// The same product on a PostgreSQL server (DATABASE_URL): agencies' data and the audit log in one database.
describe('the federated child view on a PostgreSQL server', () => {
  let db: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startTestStack({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('keeps each agency in its own PostgreSQL schema', async () => {
    const { rows } = await stack.sql!.query<{ schema_name: string }>("SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('police', 'education', 'health', 'social_care', 'audit') ORDER BY 1");
    expect(rows.map((r) => r.schema_name)).toEqual(['audit', 'education', 'health', 'police', 'social_care']);
  });

  it("reads C000001's record from all four agencies, and records the disclosure", async () => {
    const answer = await stack.ask('MASH_MANAGER', 'S47_ENQUIRY', `{ child(id: "C000001") { ${FULL_VIEW} } }`);
    const child = answer.body.data!['child'];
    expect(child.name).toBe('Amelia Hart');
    expect(child.socialCare.protectionPlan.category).toBe('NEGLECT');
    expect(child.education.ehcp).toBe(true);
    expect(child.health.mentalHealthReferrals).toHaveLength(1);
    expect(child.police.householdOffences).toHaveLength(1);
    const seq = answer.body.extensions!['policy'].auditEvent.seq;
    const { rows } = await stack.auditSql.query('SELECT actor_role FROM audit.events WHERE seq = $1', [seq]);
    expect(rows).toEqual([{ actor_role: 'MASH_MANAGER' }]);
  });

  it('asks each agency one SQL statement per table for 50 children', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => childId(i + 1));
    const before = new Map(stack.sql!.statements);
    const answer = await stack.ask('MASH_MANAGER', 'EMERGENCY', `query($ids: [ID!]!) { children(ids: $ids) { ${FULL_VIEW.replace('preAdoptionName', '')} } }`, { variables: { ids }, headers: { 'x-justification': 'Test' } });
    expect(answer.body.data!['children']).toHaveLength(50);
    const delta = (tag: string) => (stack.sql!.statements.get(tag) ?? 0) - (before.get(tag) ?? 0);
    expect([delta('social-care'), delta('education'), delta('health'), delta('police')]).toEqual([5, 2, 4, 4]);
  });

  it('seeds idempotently, and grows a seed with the same records a fresh seed of that size holds', async () => {
    const sql = await openSql({ url: db.url, dataDir: 'unused' });
    try {
      const again = await seed(sql, agencies[0]!, 60);
      expect(again.added).toBe(0);
      const grown = await seed(sql, agencies[0]!, 70);
      expect(grown.added).toBe(10);
      const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM police.known_children WHERE child_id <= $1', ['C000070']);
      const expected = Array.from({ length: 70 }, (_, i) => agencies[0]!.records(i + 1)['known_children']?.length ?? 0).reduce((a, b) => a + b, 0);
      expect(Number(rows[0]!.n)).toBe(expected);
    } finally {
      await sql.close();
    }
  });
});
