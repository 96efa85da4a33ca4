import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '../../subgraphs/shared/sql.js';
import type { AuditEventInput } from './AuditEvent.js';
import { openAuditLog } from './AuditLog.js';

export interface AuditThroughput {
  events: number;
  concurrency: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  transactions: number;
  largestBatch: number;
}

/**
 * Measures `record` on `sql`: `events` events from `concurrency` callers, each awaiting its own receipt
 * before the next (as gateway requests do). Appends to the audit log in that store, so point it at a
 * scratch database. Keys and checkpoints go to a temporary folder unless given.
 */
export async function measureAuditThroughput(options: {
  sql: Sql;
  events: number;
  concurrency: number;
  keyFile?: string;
  checkpointFile?: string;
  event?: (i: number) => AuditEventInput;
}): Promise<AuditThroughput> {
  const { sql, events, concurrency } = options;
  if (!Number.isSafeInteger(events) || events < 1 || !Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TypeError('events and concurrency must be positive integers');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'audit-bench-'));
  const log = await openAuditLog({
    sql,
    keyFile: options.keyFile ?? join(scratch, 'key.jwk'),
    checkpointFile: options.checkpointFile ?? join(scratch, 'checkpoints.jsonl'),
  });
  const make = options.event ?? benchEvent;
  const latencies = new Float64Array(events);
  let next = 0;
  const before = log.stats();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, events) }, async () => {
    while (next < events) {
      const i = next++;
      const t0 = performance.now();
      await log.record(make(i));
      latencies[i] = performance.now() - t0;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const after = log.stats();
  await log.close();
  rmSync(scratch, { recursive: true, force: true });
  latencies.sort();
  const at = (q: number): number => latencies[Math.min(events - 1, Math.floor(q * events))]!;
  return {
    events,
    concurrency,
    seconds,
    eventsPerSecond: events / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    transactions: after.transactions - before.transactions,
    largestBatch: after.largestBatch,
  };
}

/** A typical disclosure: one child, a handful of fields from two agencies. */
export function benchEvent(i: number): AuditEventInput {
  return {
    kind: 'DISCLOSURE',
    requestId: `bench-${i}`,
    actor: { sub: `user-${i % 40}`, name: null, role: 'MASH_SOCIAL_WORKER', org: 'LA-CSC' },
    purpose: 'S47_ENQUIRY',
    caseRef: `CASE-${i % 500}`,
    justification: null,
    breakGlass: false,
    mode: 'enforce',
    policyVersion: 'a'.repeat(64),
    operation: { name: 'ChildOverview', hash: 'b'.repeat(64) },
    subjects: [{
      childId: `child-${i % 1000}`,
      disclosed: ['Child.name', 'Child.dateOfBirth', 'School.attendance', 'Health.gpPractice'].map((coordinate) => ({
        coordinate, category: 'PERSONAL', effect: 'ALLOW' as const, rule: 'mash-core', lawfulBasis: ['UKGDPR-6-1-e'], gateway: ['CA1989-s47'], count: 1,
      })),
      withheld: [{ coordinate: 'Health.diagnoses', category: 'SPECIAL_HEALTH', reason: 'NOT_NECESSARY', rule: 'health-sc' }],
    }],
  };
}
