import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessMatrix, diffAccess, matrixMarkdown } from '../../gateway/policy/accessMatrix.js';
import { Policy } from '../../gateway/policy/Policy.js';
import { committedPolicy } from '../helpers/policy.js';

const policy = committedPolicy();

describe('the access matrix and the access diff for governance review', () => {
  it('covers every classified coordinate for every role and purpose', () => {
    const cells = accessMatrix(policy);
    expect(cells).toHaveLength(policy.fields.size * policy.vocabulary.roles.size * policy.vocabulary.purposes.size);
    expect(cells.find((c) => c.coordinate === 'Health.diagnoses' && c.role === 'HEALTH_MASH_NURSE' && c.purpose === 'SCREENING')).toMatchObject({ outcome: 'ALLOW', rule: 'health-sensitive' });
    expect(cells.filter((c) => c.category === 'STATUTORY_BAR').every((c) => c.outcome === 'STATUTORY_BAR')).toBe(true);
  });

  it('prints a row per field with the purposes each role receives it for', () => {
    const md = matrixMarkdown(policy);
    expect(md).toMatch(/\| SocialCare\.placementAddress \| RESTRICTED_LOCATION \| SCREENING, STRATEGY, S47 \|/);
    expect(md).toMatch(/\| Intelligence\.source \| THIRD_PARTY_SOURCE \| \(masked: STRATEGY, S47\) \|/);
  });

  it('reports exactly the access a changed agreement adds', () => {
    const text = readFileSync(new URL('../../schema/agreement.yaml', import.meta.url), 'utf8');
    const widened = Policy.fromSources(policy.schema, {
      supergraphSdl: readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
      agreementText: text.replace('roles: [MASH_BUSINESS_SUPPORT], purposes: [SCREENING]', 'roles: [MASH_BUSINESS_SUPPORT], purposes: [SCREENING, S47_ENQUIRY]'),
    });
    const changes = diffAccess(policy, widened);
    expect(changes.map((c) => `${c.coordinate} ${c.role} ${c.purpose} ${c.before} → ${c.after}`).sort()).toEqual([
      'Child.dateOfBirth MASH_BUSINESS_SUPPORT S47_ENQUIRY NOT_PERMITTED → ALLOW (support)',
      'Child.name MASH_BUSINESS_SUPPORT S47_ENQUIRY NOT_PERMITTED → ALLOW (support)',
      'Education.upn MASH_BUSINESS_SUPPORT S47_ENQUIRY NOT_PERMITTED → ALLOW (support)',
      'Health.nhsNumber MASH_BUSINESS_SUPPORT S47_ENQUIRY NOT_PERMITTED → ALLOW (support)',
    ]);
    expect(diffAccess(policy, policy)).toEqual([]);
  });
});
