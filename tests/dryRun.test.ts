import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandRecord } from '../gateway/audit/compactRecord.js';
import { DRY_RUN_RULE } from '../gateway/policy/shapeResponse.js';
import { startTestStack, type TestStack } from './helpers/stack.js';

describe('dry-run mode (POLICY_MODE=dry-run)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ POLICY_MODE: 'dry-run' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('withholds nothing and reports every field the policy would withhold', async () => {
    const answer = await stack.ask('MASH_SOCIAL_WORKER', 'SCREENING', '{ child(id: "C000001") { name health { diagnoses { code } } socialCare { placementAddress } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!['child'].health.diagnoses).toEqual([{ code: 'F91.3' }]);
    expect(answer.body.extensions!['policy'].mode).toBe('dry-run');
    expect(answer.body.extensions!['policy'].wouldWithhold).toEqual([
      expect.objectContaining({ coordinate: 'Health.diagnoses', reason: 'NOT_PERMITTED', path: ['child', 'health', 'diagnoses'], occurrences: 1 }),
    ]);
  });

  it('records a would-withhold disclosure truthfully: disclosed, under no rule and no lawful basis', async () => {
    const answer = await stack.ask('EDUCATION_MASH_OFFICER', 'SCREENING', '{ child(id: "C000003") { health { diagnoses { code } } } }');
    const seq = answer.body.extensions!['policy'].auditEvent.seq;
    const { rows } = await stack.auditSql.query<{ canonical: string; mode: string }>('SELECT canonical, mode FROM audit.events WHERE seq = $1', [seq]);
    expect(rows[0]!.mode).toBe('dry-run');
    const subject = expandRecord(JSON.parse(rows[0]!.canonical)).subjects[0]!;
    expect(subject.disclosed).toEqual([expect.objectContaining({ coordinate: 'Health.diagnoses', rule: DRY_RUN_RULE, lawfulBasis: [], count: 1 })]);
    expect(subject.withheld).toEqual([expect.objectContaining({ coordinate: 'Health.diagnoses', reason: 'NOT_PERMITTED' })]);
  });
});
