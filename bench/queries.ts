/**
 * The request mix: what a MASH front end asks most. Every query uses variables, so each gateway's plan cache
 * sees one operation per query while the children asked for change from request to request.
 *
 * `Child.preAdoptionName` (statutory bar) is never selected: the policy gateway withholds it from everyone,
 * so asking for it would make the full-access answers differ from the baselines' by design.
 */
export const FULL_VIEW = `
  id name dateOfBirth household { name relationship }
  socialCare { status protectionPlan { category startDate } assessments { date summary } placementAddress }
  education { school upn attendanceRate exclusions { date kind reason } sendStatus ehcp }
  health { nhsNumber gpPractice emergencyAttendances { date reason } diagnoses { code description } mentalHealthReferrals { date service } }
  police { incidents { date kind domesticAbuse riskLevel } householdOffences { date offence relationship } intelligence { grading handlingCode summary source } }
`;

const LIST_VIEW = `
  id name dateOfBirth
  socialCare { status protectionPlan { category } }
  education { school attendanceRate }
  health { gpPractice emergencyAttendances { date } }
  police { incidents { date kind riskLevel } }
`;

export interface Caller {
  role: string;
  purpose: string;
  justification?: string;
}

/** Full access: a MASH manager in an emergency (break-glass, with a justification) sees all but barred fields. */
export const FULL_ACCESS: Caller = { role: 'MASH_MANAGER', purpose: 'EMERGENCY', justification: 'bench' };
/** Restricted: an education MASH officer screening a contact; health and police detail is withheld. */
export const RESTRICTED: Caller = { role: 'EDUCATION_MASH_OFFICER', purpose: 'SCREENING' };

export interface BenchQuery {
  name: string;
  title: string;
  caller: Caller;
  operationName: string;
  query: string;
  /** Variables for the i-th request. */
  variables(i: number): Record<string, unknown>;
  /** Errors the policy gateway is expected to add (codes); any other error is unexpected. */
  expectedPolicyErrors: ReadonlySet<string>;
}

const CHILDREN = 300;
const id = (n: number) => `C${String((((n % CHILDREN) + CHILDREN) % CHILDREN) + 1).padStart(6, '0')}`;
const ids = (start: number, count: number) => Array.from({ length: count }, (_, k) => id(start + k));

export const QUERIES: ReadonlyArray<BenchQuery> = [
  {
    name: 'childView',
    title: "one child's full view (full access)",
    caller: FULL_ACCESS,
    operationName: 'ChildView',
    query: `query ChildView($id: ID!) { child(id: $id) { ${FULL_VIEW} } }`,
    variables: (i) => ({ id: id(i * 7) }),
    expectedPolicyErrors: new Set(),
  },
  {
    name: 'list10',
    title: '10-child list, every agency (full access)',
    caller: FULL_ACCESS,
    operationName: 'ChildList',
    query: `query ChildList($ids: [ID!]!) { children(ids: $ids) { ${LIST_VIEW} } }`,
    variables: (i) => ({ ids: ids(i * 37, 10) }),
    expectedPolicyErrors: new Set(),
  },
  {
    name: 'restricted',
    title: "one child's full view, restricted role (fields withheld)",
    caller: RESTRICTED,
    operationName: 'ChildView',
    query: `query ChildView($id: ID!) { child(id: $id) { ${FULL_VIEW} } }`,
    variables: (i) => ({ id: id(i * 7) }),
    expectedPolicyErrors: new Set(['FIELD_WITHHELD']),
  },
  {
    name: 'batch50',
    title: "50-child batch, full view (full access)",
    caller: FULL_ACCESS,
    operationName: 'ChildBatch',
    query: `query ChildBatch($ids: [ID!]!) { children(ids: $ids) { ${FULL_VIEW} } }`,
    variables: (i) => ({ ids: ids(i * 37, 50) }),
    expectedPolicyErrors: new Set(),
  },
];

/** Request headers for `caller` with a bearer token (the baselines ignore them). */
export function callerHeaders(caller: Caller, token: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': caller.purpose };
  if (caller.justification) headers['x-justification'] = caller.justification;
  return headers;
}

export function requestBody(q: BenchQuery, i: number): string {
  return JSON.stringify({ operationName: q.operationName, query: q.query, variables: q.variables(i) });
}
