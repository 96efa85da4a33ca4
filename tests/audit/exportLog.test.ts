import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFileFor, readPublicKeys } from '../../gateway/audit/checkpointKey.js';
import { exportLog } from '../../gateway/audit/exportLog.js';
import { verifyLog } from '../../gateway/audit/verifyLog.js';
import { ROOT, openTestLog, sampleEvent } from './auditTestSupport.js';

function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'gateway/audit/cli.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, AUDIT_DATABASE_URL: '', DATABASE_URL: '', ...env }, timeout: 60_000,
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe('exportLog and verifying an export with no database (PostgreSQL source at 127.0.0.1:5432)', () => {
  let t: Awaited<ReturnType<typeof openTestLog>>;
  let file: string;
  let lines: string[];
  let pubFile: string;

  beforeAll(async () => {
    t = await openTestLog('export', { checkpointEvery: 25 });
    for (let b = 0; b < 8; b++) await Promise.all(Array.from({ length: 10 }, (_, i) => t.log.record(sampleEvent(b * 10 + i))));
    await t.log.flushCheckpoint();
    file = join(t.tmp.dir, 'export.jsonl');
    const summary = await exportLog(t.sql, file);
    expect(summary).toMatchObject({ events: 80, firstSeq: 1, head: { seq: 80 } });
    lines = readFileSync(file, 'utf8').trim().split('\n');
    pubFile = publicKeyFileFor(t.keyFile);
    // From here on there is no database: the file alone must prove the log.
    await t.log.close();
    await t.sql.close();
    await t.db.drop();
  });
  afterAll(() => t?.tmp.remove());

  const tampered = (edit: (lines: string[]) => string[]): string => {
    const out = join(t.tmp.dir, `tampered-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(out, `${edit([...lines]).join('\n')}\n`);
    return out;
  };

  it('verifies the export from the file alone, against the trusted public key', async () => {
    const result = await verifyLog({ file }, { publicKeys: await readPublicKeys(pubFile) });
    expect(result).toMatchObject({ ok: true, events: 80, firstSeq: 1, lastSeq: 80, trustedKey: true });
    expect(result.checkpoints).toBeGreaterThanOrEqual(3); // at 30, 60 (batch ends past every 25) and the flush at 80
  });

  it('fails when an event line is edited, naming its seq', async () => {
    const out = tampered((l) => l.map((line) => (line.includes('"seq":42,') && line.includes('"type":"event"') ? line.replace('S47_ENQUIRY', 'S17_CIN') : line)));
    expect(await verifyLog({ file: out }, { publicKeys: await readPublicKeys(pubFile) })).toMatchObject({ ok: false, firstBadSeq: 42, problem: { code: 'EDITED' } });
  });

  it('fails when an event line is deleted', async () => {
    const out = tampered((l) => l.filter((line) => !(line.includes('"type":"event"') && line.includes('"seq":7,'))));
    expect(await verifyLog({ file: out })).toMatchObject({ ok: false, firstBadSeq: 7, problem: { code: 'MISSING' } });
  });

  it('fails when the file is cut short', async () => {
    const out = tampered((l) => l.slice(0, 50));
    expect(await verifyLog({ file: out })).toMatchObject({ ok: false, problem: { code: 'TRUNCATED' } });
  });

  it('the CLI exits 0 for a good export, 1 naming the first bad seq for a tampered one, 2 on usage errors', () => {
    const good = cli(['verify', '--file', file, '--public-key', pubFile]);
    expect(good.code, good.out).toBe(0);
    const out = tampered((l) => l.map((line) => (line.includes('"seq":42,') && line.includes('"type":"event"') ? line.replace('S47_ENQUIRY', 'S17_CIN') : line)));
    const bad = cli(['verify', '--file', out, '--public-key', pubFile]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('42');
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['prune', '--older-than-days', 'soon']).code).toBe(2);
    expect(cli(['verify', '--file', join(t.tmp.dir, 'absent.jsonl')]).code).toBe(2);
  });
});
