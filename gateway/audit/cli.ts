/**
 * The audit command line: `npm run audit -- <verify|export|prune> [options]`.
 *
 * Exit codes: 0 the log verifies (or the command succeeded), 1 the log does not verify, 2 usage or
 * configuration error, 3 the store or a file could not be reached. For the embedded store (no database URL)
 * run it while the gateway is stopped: one PGlite data directory must not be opened by two processes.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { openSql, type Sql } from '../../subgraphs/shared/sql.js';
import { AuditConfigError, AuditError, AuditKeyError } from './AuditError.js';
import { openAuditLog } from './AuditLog.js';
import { readAuditConfig, retentionCutoff, type AuditConfig } from './auditConfig.js';
import { publicKeyFileFor, readPublicKeys } from './checkpointKey.js';
import { exportLog } from './exportLog.js';
import { pruneLog } from './pruneLog.js';
import { verifyLog } from './verifyLog.js';

const USAGE = `usage: npm run audit -- <command> [options]

  verify [--file EXPORT.jsonl] [--database-url URL] [--data-dir DIR] [--public-key FILE] [--checkpoint-file FILE]
         Checks the chain, the columns and the signed checkpoints. Without --file, checks the database
         (AUDIT_DATABASE_URL, DATABASE_URL, else the embedded store in DATA_DIR) and, if it exists, the
         outside checkpoint file. The public key defaults to <AUDIT_SIGNING_KEY_FILE>.pub.json.
  export --out FILE [--database-url URL] [--data-dir DIR]
         Writes the log as JSON lines that verify --file checks with no database.
  prune --older-than-days N [--database-url URL] [--data-dir DIR]
         Removes whole checkpoint intervals older than N days; what remains still verifies.

exit codes: 0 ok, 1 the log does not verify, 2 usage error, 3 store or file unreachable`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string' },
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'public-key': { type: 'string' },
        'checkpoint-file': { type: 'string' },
        out: { type: 'string' },
        'older-than-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError('name a command');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const env = { ...process.env };
  if (values['data-dir']) env.DATA_DIR = values['data-dir'];
  const config = readAuditConfig(env);
  if (values['database-url']) config.databaseUrl = values['database-url'];

  switch (command) {
    case 'verify':
      return verify(config, values);
    case 'export': {
      if (!values.out) throw new UsageError('export needs --out FILE');
      return withSql(config, async (sql) => {
        // Seal the head with a checkpoint first, when this host holds the signing key, so the export ends signed.
        if (existsSync(config.keyFile)) {
          const log = await openAuditLog({ sql, keyFile: config.keyFile, checkpointFile: config.checkpointFile });
          await log.close();
        }
        const summary = await exportLog(sql, values.out!);
        console.log(`exported ${summary.events} events (seq ${summary.firstSeq ?? '-'}..${summary.head.seq}) and ${summary.checkpoints} checkpoints from ${sql.describe} to ${values.out}`);
        return 0;
      });
    }
    case 'prune': {
      const text = values['older-than-days'];
      if (!text || !/^\d+$/.test(text) || Number(text) < 1) throw new UsageError('prune needs --older-than-days N (a positive whole number)');
      return withSql(config, async (sql) => {
        const before = retentionCutoff(Number(text));
        const result = await pruneLog(sql, { before });
        console.log(result.anchor
          ? `pruned ${result.prunedEvents} events recorded before ${before.toISOString()}; retained history starts after seq ${result.anchor.seq}`
          : `nothing to prune: no whole checkpoint interval is older than ${before.toISOString()}`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

async function verify(config: AuditConfig, values: Record<string, string | boolean | undefined>): Promise<number> {
  const keyFile = typeof values['public-key'] === 'string' ? values['public-key'] : publicKeyFileFor(config.keyFile);
  let publicKeys: JWK[] | undefined;
  if (typeof values['public-key'] === 'string' || existsSync(keyFile)) publicKeys = await readPublicKeys(keyFile);
  const file = typeof values.file === 'string' ? values.file : undefined;
  // An export is a snapshot: hold it against a checkpoint file only when asked (later checkpoints would look like a cut).
  const checkpointFile = typeof values['checkpoint-file'] === 'string'
    ? values['checkpoint-file']
    : !file && existsSync(config.checkpointFile) ? config.checkpointFile : undefined;
  if (file && !existsSync(file)) throw new UsageError(`no such export file ${file}`);
  const run = (source: Parameters<typeof verifyLog>[0], where: string) => verifyLog(source, { ...(publicKeys ? { publicKeys } : {}), ...(checkpointFile ? { checkpointFile } : {}) })
    .then((result) => {
      const range = result.events > 0 ? ` (seq ${result.firstSeq}..${result.lastSeq})` : '';
      const anchored = result.anchor ? `, pruned up to seq ${result.anchor.seq}` : '';
      const trust = result.trustedKey ? `against the trusted key in ${keyFile}` : 'against the key recorded in the log itself (pass --public-key for independent assurance)';
      console.log(`audit log ${result.logId ?? '?'} in ${where}`);
      console.log(`  ${result.events} events${range}${anchored}; ${result.checkpoints} checkpoints checked ${trust}`);
      if (checkpointFile) console.log(`  held against the outside checkpoint file ${checkpointFile}`);
      if (result.ok) {
        console.log('  OK: the chain, the columns and the checkpoints verify');
        return 0;
      }
      console.log(`  FAILED at seq ${result.firstBadSeq ?? '?'}: ${result.problem?.code} - ${result.problem?.detail}`);
      return 1;
    });
  if (file) return run({ file }, file);
  return withSql(config, (sql) => run({ sql }, sql.describe));
}

async function withSql(config: AuditConfig, fn: (sql: Sql) => Promise<number>): Promise<number> {
  const sql = await openSql({ url: config.databaseUrl, dataDir: config.dataDir, tag: 'audit', poolSize: 2 });
  try {
    return await fn(sql);
  } finally {
    await sql.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof AuditConfigError) {
      console.error(`audit: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof AuditKeyError) {
      console.error(`audit: ${error.message}`);
      process.exitCode = 2;
    } else {
      const code = error instanceof AuditError ? ` [${error.code}]` : (error as { code?: string }).code ? ` [${(error as { code?: string }).code}]` : '';
      console.error(`audit: cannot run: ${(error as Error).message}${code}`);
      process.exitCode = 3;
    }
  },
);
