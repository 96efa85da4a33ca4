import { callerHeaders, requestBody, type BenchQuery } from './queries.js';

export interface Target {
  key: string;
  url: string;
  policy: boolean;
}

export interface DataCheck {
  query: string;
  target: string;
  /** Compared with: the baseline (a) for full-access queries; for the restricted role, the target's peer. */
  against: string;
  equal: boolean;
  /** First differing path, when not equal. */
  difference: string | null;
  /** GraphQL error codes in the answer. */
  errorCodes: string[];
  /** Whether the codes are the ones this target should give for this query. */
  errorsAsExpected: boolean;
}

/** The first path at which two JSON values differ, or null. */
export function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return `${path}: ${JSON.stringify(a)?.slice(0, 80)} ≠ ${JSON.stringify(b)?.slice(0, 80)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array ≠ object`;
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/**
 * Before any timing: asks every target the same questions and compares the `data` (never extensions, which
 * only the policy gateway adds). Full-access answers must be identical across all four. The restricted role
 * is a policy question: the baselines ignore it and answer in full, so there (c) is held against (d) and
 * (b) against (a), and only the policy gateway may carry FIELD_WITHHELD errors.
 */
export async function verifyData(targets: Target[], queries: ReadonlyArray<BenchQuery>, token: (role: string) => Promise<string>, samples = 3): Promise<DataCheck[]> {
  const checks: DataCheck[] = [];
  const baseline = targets[0]!;
  for (const q of queries) {
    const headers = callerHeaders(q.caller, await token(q.caller.role));
    for (let i = 0; i < samples; i++) {
      const answers = new Map<string, { data: unknown; codes: string[] }>();
      for (const t of targets) {
        const res = await fetch(t.url, { method: 'POST', headers, body: requestBody(q, i), signal: AbortSignal.timeout(15_000) });
        const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
        answers.set(t.key, { data: body.data ?? null, codes: [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE'))].sort() });
      }
      for (const t of targets) {
        const mine = answers.get(t.key)!;
        const restricted = q.expectedPolicyErrors.size > 0;
        const peer = restricted ? targets.find((o) => o !== t && o.policy === t.policy) ?? baseline : baseline;
        if (peer === t && !restricted) continue;
        const difference = firstDifference(mine.data, answers.get(peer.key)!.data);
        const allowed = t.policy ? q.expectedPolicyErrors : new Set<string>();
        checks.push({
          query: q.name,
          target: t.key,
          against: peer.key,
          equal: difference === null,
          difference,
          errorCodes: mine.codes,
          errorsAsExpected: mine.codes.every((c) => allowed.has(c)) && (!t.policy || !restricted || mine.codes.includes('FIELD_WITHHELD')),
        });
      }
    }
  }
  return checks;
}
