import { describe, expect, it } from 'vitest';
import { decide, type FieldPolicy } from '../../gateway/policy/decide.js';
import { committedPolicy, decisionAt } from '../helpers/policy.js';

const policy = committedPolicy();
const MASH = ['SCREENING', 'STRATEGY_DISCUSSION', 'S47_ENQUIRY'];
const PARTNERS = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER', 'POLICE_MASH_OFFICER', 'HEALTH_MASH_NURSE', 'EDUCATION_MASH_OFFICER'];

type Expect = 'ALLOW' | 'MASK' | string; // a withheld reason otherwise
interface Row {
  roles: string[];
  purposes: string[];
  coordinate: string;
  expect: Expect;
  rule?: string | null;
  justified?: boolean;
}

// The shipped rules of issue #3, one row per (roles × purposes × field) cell; every combination is checked.
const table: Row[] = [
  // core
  { roles: PARTNERS, purposes: MASH, coordinate: 'Child.name', expect: 'ALLOW', rule: 'core' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'Child.household', expect: 'ALLOW', rule: 'core' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'SocialCare.status', expect: 'ALLOW', rule: 'core' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'Education.attendanceRate', expect: 'ALLOW', rule: 'core' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'Police.incidents', expect: 'ALLOW', rule: 'core' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'Health.nhsNumber', expect: 'ALLOW', rule: 'core' },
  // special
  { roles: PARTNERS, purposes: MASH, coordinate: 'Health.gpPractice', expect: 'ALLOW', rule: 'special' },
  { roles: PARTNERS, purposes: MASH, coordinate: 'Education.ehcp', expect: 'ALLOW', rule: 'special' },
  // case
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'], purposes: MASH, coordinate: 'SocialCare.assessments', expect: 'ALLOW', rule: 'case' },
  { roles: ['POLICE_MASH_OFFICER', 'HEALTH_MASH_NURSE'], purposes: ['STRATEGY_DISCUSSION', 'S47_ENQUIRY'], coordinate: 'SocialCare.assessments', expect: 'ALLOW', rule: 'case' },
  { roles: ['POLICE_MASH_OFFICER', 'HEALTH_MASH_NURSE', 'EDUCATION_MASH_OFFICER'], purposes: ['SCREENING'], coordinate: 'SocialCare.assessments', expect: 'NOT_PERMITTED' },
  // health-sensitive
  { roles: ['HEALTH_MASH_NURSE'], purposes: MASH, coordinate: 'Health.diagnoses', expect: 'ALLOW', rule: 'health-sensitive' },
  { roles: ['MASH_SOCIAL_WORKER', 'POLICE_MASH_OFFICER', 'MASH_MANAGER'], purposes: ['STRATEGY_DISCUSSION', 'S47_ENQUIRY'], coordinate: 'Health.mentalHealthReferrals', expect: 'ALLOW', rule: 'health-sensitive' },
  { roles: ['MASH_SOCIAL_WORKER', 'POLICE_MASH_OFFICER', 'MASH_MANAGER', 'EDUCATION_MASH_OFFICER'], purposes: ['SCREENING'], coordinate: 'Health.diagnoses', expect: 'NOT_PERMITTED' },
  // criminal
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER', 'POLICE_MASH_OFFICER'], purposes: MASH, coordinate: 'Police.householdOffences', expect: 'ALLOW', rule: 'criminal' },
  { roles: ['HEALTH_MASH_NURSE', 'EDUCATION_MASH_OFFICER'], purposes: MASH, coordinate: 'Police.householdOffences', expect: 'NOT_PERMITTED' },
  // intel and source
  { roles: ['POLICE_MASH_OFFICER'], purposes: MASH, coordinate: 'Police.intelligence', expect: 'ALLOW', rule: 'intel' },
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'], purposes: ['STRATEGY_DISCUSSION', 'S47_ENQUIRY'], coordinate: 'Intelligence.summary', expect: 'ALLOW', rule: 'intel' },
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'], purposes: ['SCREENING'], coordinate: 'Police.intelligence', expect: 'NOT_PERMITTED' },
  { roles: ['POLICE_MASH_OFFICER'], purposes: MASH, coordinate: 'Intelligence.source', expect: 'ALLOW', rule: 'source' },
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'], purposes: ['STRATEGY_DISCUSSION', 'S47_ENQUIRY'], coordinate: 'Intelligence.source', expect: 'MASK', rule: 'source-masked' },
  // location
  { roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER', 'POLICE_MASH_OFFICER'], purposes: MASH, coordinate: 'SocialCare.placementAddress', expect: 'ALLOW', rule: 'location' },
  { roles: ['HEALTH_MASH_NURSE', 'EDUCATION_MASH_OFFICER'], purposes: MASH, coordinate: 'SocialCare.placementAddress', expect: 'MASK', rule: 'location-masked' },
  { roles: ['EARLY_HELP_PRACTITIONER'], purposes: ['EARLY_HELP'], coordinate: 'SocialCare.placementAddress', expect: 'MASK', rule: 'location-masked' },
  // encompass (and the education and health subgraphs narrowing it off their identifiers)
  { roles: ['SCHOOL_DSL'], purposes: ['OP_ENCOMPASS'], coordinate: 'Child.name', expect: 'ALLOW', rule: 'encompass' },
  { roles: ['SCHOOL_DSL'], purposes: ['OP_ENCOMPASS'], coordinate: 'Incident.riskLevel', expect: 'ALLOW', rule: 'encompass' },
  { roles: ['SCHOOL_DSL'], purposes: ['OP_ENCOMPASS'], coordinate: 'Police.householdOffences', expect: 'NOT_PERMITTED' },
  { roles: ['SCHOOL_DSL'], purposes: ['OP_ENCOMPASS'], coordinate: 'Education.upn', expect: 'NOT_PERMITTED' },
  { roles: ['SCHOOL_DSL'], purposes: ['OP_ENCOMPASS'], coordinate: 'Health.nhsNumber', expect: 'NOT_PERMITTED' },
  { roles: ['SCHOOL_DSL'], purposes: MASH, coordinate: 'Child.name', expect: 'NOT_PERMITTED' },
  // early help
  { roles: ['EARLY_HELP_PRACTITIONER'], purposes: ['EARLY_HELP'], coordinate: 'Education.exclusions', expect: 'ALLOW', rule: 'early-help' },
  { roles: ['EARLY_HELP_PRACTITIONER'], purposes: ['EARLY_HELP'], coordinate: 'SocialCare.status', expect: 'ALLOW', rule: 'early-help' },
  { roles: ['EARLY_HELP_PRACTITIONER'], purposes: ['EARLY_HELP'], coordinate: 'Health.diagnoses', expect: 'NOT_PERMITTED' },
  { roles: ['EARLY_HELP_PRACTITIONER'], purposes: ['EARLY_HELP'], coordinate: 'Police.intelligence', expect: 'NOT_PERMITTED' },
  // support
  { roles: ['MASH_BUSINESS_SUPPORT'], purposes: ['SCREENING'], coordinate: 'Child.dateOfBirth', expect: 'ALLOW', rule: 'support' },
  { roles: ['MASH_BUSINESS_SUPPORT'], purposes: ['SCREENING'], coordinate: 'SocialCare.status', expect: 'NOT_PERMITTED' },
  { roles: ['MASH_BUSINESS_SUPPORT'], purposes: ['SCREENING'], coordinate: 'Child.household', expect: 'NOT_PERMITTED' },
  // break-glass
  { roles: ['MASH_MANAGER'], purposes: ['EMERGENCY'], coordinate: 'Health.diagnoses', expect: 'ALLOW', rule: 'break-glass', justified: true },
  { roles: ['MASH_MANAGER'], purposes: ['EMERGENCY'], coordinate: 'Child.ethnicity', expect: 'ALLOW', rule: 'break-glass', justified: true },
  { roles: ['MASH_MANAGER'], purposes: ['EMERGENCY'], coordinate: 'Health.diagnoses', expect: 'JUSTIFICATION_REQUIRED', rule: 'break-glass' },
  { roles: ['MASH_MANAGER'], purposes: ['EMERGENCY'], coordinate: 'Child.name', expect: 'JUSTIFICATION_REQUIRED', rule: 'break-glass' },
  { roles: ['MASH_SOCIAL_WORKER', 'POLICE_MASH_OFFICER'], purposes: ['EMERGENCY'], coordinate: 'Child.name', expect: 'NOT_PERMITTED', justified: true },
  // statutory bar: nobody, ever, not even break-glass
  { roles: [...PARTNERS, 'SCHOOL_DSL', 'EARLY_HELP_PRACTITIONER', 'MASH_BUSINESS_SUPPORT'], purposes: [...MASH, 'EMERGENCY', 'OP_ENCOMPASS', 'EARLY_HELP'], coordinate: 'Child.preAdoptionName', expect: 'STATUTORY_BAR', rule: 'statutory-bar', justified: true },
  // purpose limitation and oversight
  { roles: PARTNERS, purposes: ['ANALYTICS', 'OTHER'], coordinate: 'Child.name', expect: 'PURPOSE_LIMITATION', rule: 'purpose-limit' },
  { roles: ['IG_OVERSIGHT'], purposes: [...MASH, 'EMERGENCY'], coordinate: 'Child.name', expect: 'OVERSIGHT_ONLY', rule: 'oversight', justified: true },
  // deny by default: special category data no rule shares
  { roles: PARTNERS, purposes: MASH, coordinate: 'Child.ethnicity', expect: 'NOT_PERMITTED' },
];

describe('the decision function, over the shipped rules', () => {
  for (const row of table) {
    for (const role of row.roles) {
      for (const purpose of row.purposes) {
        it(`${role} acting for ${purpose}: ${row.coordinate} → ${row.expect}`, () => {
          const d = decisionAt(policy, row.coordinate, { role, purpose, justified: row.justified ?? false });
          expect(d).not.toBeNull();
          if (row.expect === 'ALLOW' || row.expect === 'MASK') {
            expect(d!.effect).toBe(row.expect);
          } else {
            expect(d!.effect).toBe('WITHHOLD');
            expect(d!.effect === 'WITHHOLD' && d!.reason).toBe(row.expect);
          }
          if (row.rule !== undefined) expect(d!.rule).toBe(row.rule);
        });
      }
    }
  }

  it('withholds every classified field when no purpose is declared, and says which purposes would do', () => {
    const d = decisionAt(policy, 'Health.diagnoses', { role: 'MASH_SOCIAL_WORKER', purpose: null, justified: false });
    expect(d).toMatchObject({ effect: 'WITHHOLD', reason: 'PURPOSE_REQUIRED' });
    expect(d!.effect === 'WITHHOLD' && d!.alternatives.purposes).toEqual(['STRATEGY_DISCUSSION', 'S47_ENQUIRY']);
  });

  it('names the health MASH nurse and a strategy discussion when it withholds diagnoses from a social worker at screening', () => {
    const d = decisionAt(policy, 'Health.diagnoses', { role: 'MASH_SOCIAL_WORKER', purpose: 'SCREENING', justified: false });
    expect(d!.effect === 'WITHHOLD' && d!.alternatives).toEqual({ purposes: ['STRATEGY_DISCUSSION', 'S47_ENQUIRY'], roles: ['HEALTH_MASH_NURSE'] });
    expect(d!.effect === 'WITHHOLD' && d!.remedy).toMatch(/health MASH nurse/);
  });

  it('tells a school DSL that Encompass does not cover criminal history', () => {
    const d = decisionAt(policy, 'Police.householdOffences', { role: 'SCHOOL_DSL', purpose: 'OP_ENCOMPASS', justified: false });
    expect(d!.effect === 'WITHHOLD' && d!.remedy).toMatch(/Operation Encompass covers the incident, not criminal history/);
  });

  it('tells an early help practitioner to seek consent or escalate to screening', () => {
    const d = decisionAt(policy, 'Health.diagnoses', { role: 'EARLY_HELP_PRACTITIONER', purpose: 'EARLY_HELP', justified: false });
    expect(d!.effect === 'WITHHOLD' && d!.remedy).toMatch(/consent.*escalate to MASH screening/);
  });

  it('cites the lawful basis and gateway of each rule', () => {
    expect(decisionAt(policy, 'Police.householdOffences', { role: 'MASH_SOCIAL_WORKER', purpose: 'SCREENING', justified: false })).toMatchObject({
      basis: ['UKGDPR A6(1)(e)', 'UKGDPR A10 + DPA2018 s10(5) + Sch1 Pt3 para36'],
    });
    expect(decisionAt(policy, 'Intelligence.grading', { role: 'POLICE_MASH_OFFICER', purpose: 'SCREENING', justified: false })).toMatchObject({ basis: ['DPA2018 Pt3 s35 + Sch8 para4'] });
  });

  it('applies the strictest implementation to a field selected on an interface', () => {
    const d = decisionAt(policy, 'PoliceRecord.date', { role: 'SCHOOL_DSL', purpose: 'OP_ENCOMPASS', justified: false });
    expect(d).toMatchObject({ effect: 'WITHHOLD', reason: 'NOT_PERMITTED', coordinate: 'PoliceRecord.date' });
    expect(decisionAt(policy, 'Incident.date', { role: 'SCHOOL_DSL', purpose: 'OP_ENCOMPASS', justified: false })!.effect).toBe('ALLOW');
  });

  it('leaves unclassified fields (the child key) to every caller', () => {
    expect(decisionAt(policy, 'Child.id', { role: 'IG_OVERSIGHT', purpose: null, justified: false })).toBeNull();
  });

  it('is pure: the same inputs give the same decision without the compiled policy', () => {
    const field: FieldPolicy = policy.fields.get('Health.diagnoses')!;
    const a = decide(field, { role: 'HEALTH_MASH_NURSE', purpose: 'SCREENING', justified: false }, policy.agreement, policy.vocabulary);
    const b = decide(field, { role: 'HEALTH_MASH_NURSE', purpose: 'SCREENING', justified: false }, policy.agreement, policy.vocabulary);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ effect: 'ALLOW', rule: 'health-sensitive' });
  });
});
