import autocannon from 'autocannon';
import { callerHeaders, requestBody, type BenchQuery } from './queries.js';

/**
 * Distinct request bodies per query (one per seeded child). One counter across all connections picks the
 * next, so concurrent requests ask about different children: a gateway that merges identical in-flight
 * requests gains nothing from the bench's own repetition.
 */
const BODIES = 300;

export interface LoadOptions {
  url: string;
  query: BenchQuery;
  /** The caller's bearer token (the baselines ignore it). */
  token: string;
  /** Whether the policy errors the query expects (FIELD_WITHHELD) may appear: only on the policy gateway. */
  policy: boolean;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  seconds: number;
  /** Responses received (any status). */
  responses: number;
  /** Good responses per second: 2xx, with data and no unexpected GraphQL error. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Socket errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx responses with a GraphQL error the query should not produce, or with no data. */
  unexpected: number;
  /** Responses carrying only the errors the policy is expected to add (FIELD_WITHHELD). */
  withExpectedErrors: number;
  /** The first unexpected answer, cut short, so a failure can be read, never hidden. */
  firstProblem: string | null;
}

/**
 * Runs autocannon against one gateway with one query for a fixed time (bounded: `seconds`, `connections`,
 * a 10 s request timeout). Every response is checked: status, and for a 200 the GraphQL errors it carries.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { url, query, token, policy, connections, seconds } = options;
  const headers = callerHeaders(query.caller, token);
  const expected = policy ? query.expectedPolicyErrors : new Set<string>();
  let unexpected = 0;
  let withExpectedErrors = 0;
  let good = 0;
  let firstProblem: string | null = null;
  const problem = (text: string) => {
    unexpected++;
    firstProblem ??= text.slice(0, 600);
  };
  const onResponse = (status: number, body: string) => {
    if (status < 200 || status >= 300) {
      firstProblem ??= `HTTP ${status}: ${body.slice(0, 500)}`;
      return;
    }
    // Parse only what may carry errors: most answers are clean and this process shares the cores.
    if (!body.includes('"errors"')) {
      if (body.startsWith('{"data":null') || !body.includes('"data"')) return problem(body);
      good++;
      return;
    }
    let parsed: { data?: unknown; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return problem(`unparseable body: ${body}`);
    }
    const codes = (parsed.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
    if (parsed.data === null || parsed.data === undefined || codes.some((c) => !expected.has(c))) {
      return problem(JSON.stringify({ errors: parsed.errors?.filter((e) => !expected.has(e.extensions?.code ?? 'NO_CODE')).slice(0, 3) }));
    }
    withExpectedErrors++;
    good++;
  };
  const bodies = Array.from({ length: BODIES }, (_, i) => requestBody(query, i));
  let next = Math.floor(Math.random() * BODIES);
  const requests = [{ method: 'POST', headers, body: bodies[0], onResponse, setupRequest: (req: object) => ({ ...req, body: bodies[next++ % BODIES] }) }];
  const instance = autocannon({ url, connections, duration: seconds, timeout: 10, requests });
  const result = await instance;
  return {
    seconds: result.duration,
    responses: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    rps: good / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected,
    withExpectedErrors,
    firstProblem,
  };
}

/**
 * Unmeasured warm-up: `requests` requests from `connections` concurrent loops (fetch, keep-alive), for JIT,
 * plan caches and connection pools. Autocannon is not used here: its shortest run lasts about a second.
 */
export async function warmUp(options: { url: string; query: BenchQuery; token: string; connections: number; requests: number }): Promise<void> {
  const headers = callerHeaders(options.query.caller, options.token);
  let next = 0;
  await Promise.all(Array.from({ length: options.connections }, async () => {
    while (next < options.requests) {
      const i = next++;
      const res = await fetch(options.url, { method: 'POST', headers, body: requestBody(options.query, i * 11), signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
    }
  }));
}
