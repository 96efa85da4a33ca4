import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { AuditEventInput } from '../../gateway/audit/AuditEvent.js';

/** The server these tests need: PostgreSQL on loopback with trust auth. Override with AUDIT_TEST_PG_URL. */
export const ADMIN_URL = process.env.AUDIT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'auditWriter.ts');

export async function adminQuery(text: string, url = ADMIN_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is unreachable at ${url.replace(/:[^:@/]*@/, '@')} (${(error as Error).message}). ` +
        'These tests need a real server on 127.0.0.1:5432 with trust auth; they fail rather than skip without it.',
    );
  }
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, uniquely named database on the test server, dropped (forcibly) by `drop`. */
export async function createTestDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `audit_${label}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `audit-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A synthetic disclosure about one or two fictional children. */
export function sampleEvent(i: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    kind: 'DISCLOSURE',
    requestId: `req-${i}`,
    actor: { sub: `worker-${i % 3}`, name: `Worker ${i % 3}`, role: i % 2 ? 'MASH_SOCIAL_WORKER' : 'SCHOOL_DSL', org: i % 2 ? 'LA-CSC' : 'SCHOOL-17' },
    purpose: 'S47_ENQUIRY',
    caseRef: `CASE-${i % 5}`,
    justification: null,
    breakGlass: false,
    mode: 'enforce',
    policyVersion: 'p'.repeat(64),
    operation: { name: 'ChildOverview', hash: 'o'.repeat(64) },
    subjects: [
      {
        childId: `child-${i % 4}`,
        disclosed: [
          { coordinate: 'Child.name', category: 'PERSONAL', effect: 'ALLOW', rule: 'core', lawfulBasis: ['UKGDPR-6-1-e'], gateway: ['CA2004-s11'], count: 1 },
          ...(i % 2 ? [{ coordinate: 'Health.diagnoses', category: 'SPECIAL_HEALTH', effect: 'MASK' as const, rule: 'health', lawfulBasis: ['UKGDPR-9-2-g'], gateway: ['CA1989-s47'], count: 2 }] : []),
        ],
        withheld: i % 2 ? [] : [{ coordinate: 'Police.intelligence', category: 'CRIMINAL', reason: 'ROLE_NOT_PERMITTED', rule: 'police-l3' }],
      },
    ],
    ...overrides,
  };
}

export interface WriterOptions {
  url?: string;
  dataDir?: string;
  keyFile: string;
  checkpointFile: string;
  count: number;
  concurrency: number;
  checkpointEvery?: number;
  label: string;
}

/** Starts tests/audit/fixtures/auditWriter.ts as its own Node process (no tsx wrapper, so a kill hits the writer). */
export function spawnWriter(options: WriterOptions): { child: ChildProcess; seqs: number[]; done: Promise<number | null>; stderr: () => string; waitForSeqs(n: number, timeoutMs: number): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const seqs: number[] = [];
  let buffer = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!; // a line cut by a kill is not a report
    for (const line of lines) if (line.startsWith('R ')) seqs.push(Number(line.slice(2)));
    waiters.forEach((w) => w());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    seqs,
    done,
    stderr: () => err,
    waitForSeqs: (n, timeoutMs) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer reported ${seqs.length} of ${n} receipts in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
      const check = (): void => {
        if (seqs.length >= n) {
          clearTimeout(timer);
          resolve();
        }
      };
      waiters.push(check);
      void done.then(() => {
        if (seqs.length < n) {
          clearTimeout(timer);
          reject(new Error(`writer exited after ${seqs.length} of ${n} receipts; stderr: ${err}`));
        }
      });
      check();
    }),
  };
}

/** Opens a PostgreSQL-backed audit log in a fresh database, with keys and checkpoint file in a temp folder. */
export async function openTestLog(label: string, options: { checkpointEvery?: number; commitTimeoutMs?: number } = {}) {
  const { openSql } = await import('../../subgraphs/shared/sql.js');
  const { openAuditLog } = await import('../../gateway/audit/AuditLog.js');
  const db = await createTestDatabase(label);
  const tmp = tempDir(label);
  const sql = await openSql({ url: db.url, dataDir: tmp.dir, poolSize: 4 });
  const keyFile = join(tmp.dir, 'keys', 'audit.jwk');
  const checkpointFile = join(tmp.dir, 'checkpoints.jsonl');
  const log = await openAuditLog({ sql, keyFile, checkpointFile, ...options });
  return {
    db, tmp, sql, log, keyFile, checkpointFile,
    async cleanup() {
      await log.close().catch(() => {});
      await sql.close().catch(() => {});
      await db.drop();
      tmp.remove();
    },
  };
}
