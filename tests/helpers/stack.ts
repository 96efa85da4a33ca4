import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../gateway/config.js';
import { silentLogger, startStack, type Stack, type StartStackOptions } from '../../gateway/stack.js';
import { agencies } from '../../subgraphs/registry.js';

export interface GraphQLAnswer {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions: Record<string, any> }>;
    extensions?: Record<string, any>;
  };
}

export interface TestStack extends Stack {
  dataDir: string;
  /** Mints a real token from the stack's development issuer. */
  token(role: string, sub?: string): Promise<string>;
  /** POSTs a query to the gateway as `role`, acting for `purpose`. */
  ask(role: string | null, purpose: string | null, query: string, options?: { variables?: Record<string, unknown>; headers?: Record<string, string>; operationName?: string }): Promise<GraphQLAnswer>;
  post(body: unknown, headers: Record<string, string>): Promise<GraphQLAnswer>;
  stop(): Promise<void>;
}

/** Starts the whole product on random loopback ports with a temporary data folder; `stop()` removes it. */
export async function startTestStack(env: Record<string, string> = {}, options: StartStackOptions = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mash-test-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SEED_CHILDREN: '60', ...env }, agencies);
  const stack = await startStack(config, { logger: silentLogger, ...options });
  const post = async (body: unknown, headers: Record<string, string>): Promise<GraphQLAnswer> => {
    const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) };
  };
  const token = (role: string, sub = `${role.toLowerCase()}-tester`) => stack.authenticator.devIssuer!.mint({ sub, role, name: `Test ${role}`, org: 'Synthetic test MASH' });
  return {
    ...stack,
    dataDir,
    token,
    post,
    async ask(role, purpose, query, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (role) headers['authorization'] = `Bearer ${await token(role)}`;
      if (purpose) headers['x-purpose'] = purpose;
      return post({ query, variables: opts.variables, operationName: opts.operationName }, headers);
    },
    async stop() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The full child view of the API contract. */
export const FULL_VIEW = `
  id name dateOfBirth household { name relationship } preAdoptionName
  socialCare { status protectionPlan { category startDate } assessments { date summary } placementAddress }
  education { school upn attendanceRate exclusions { date kind reason } sendStatus ehcp }
  health { nhsNumber gpPractice emergencyAttendances { date reason } diagnoses { code description } mentalHealthReferrals { date service } }
  police { incidents { date kind domesticAbuse riskLevel } householdOffences { date offence relationship } intelligence { grading handlingCode summary source } }
`;

export function withheldCoordinates(answer: GraphQLAnswer): string[] {
  return (answer.body.errors ?? []).filter((e) => e.extensions['code'] === 'FIELD_WITHHELD').map((e) => e.extensions['coordinate'] as string).sort();
}
