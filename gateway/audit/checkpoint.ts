import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { SqlTx } from '../../subgraphs/shared/sql.js';
import { sha256Hex } from './chainHash.js';
import type { CheckpointKey } from './checkpointKey.js';

/**
 * A signed statement "the log `logId` had `seq` events, the last with hash `hash`", naming the checkpoint
 * before it by seq and digest (sha256 of its compact JWS), so checkpoints form their own chain and a deleted
 * or replaced checkpoint is noticed.
 */
export interface CheckpointPayload {
  typ: 'mash-audit-checkpoint/1';
  logId: string;
  seq: number;
  hash: string;
  previous: { seq: number; digest: string } | null;
  issuedAt: string;
}

/** A checkpoint as stored: the JWS and its digest. */
export interface SignedCheckpoint {
  seq: number;
  jws: string;
  digest: string;
}

const encoder = new TextEncoder();

export async function signCheckpoint(key: CheckpointKey, payload: CheckpointPayload): Promise<SignedCheckpoint> {
  const jws = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'mash-audit-checkpoint+jws' })
    .sign(key.privateKey);
  return { seq: payload.seq, jws, digest: sha256Hex(jws) };
}

/** Reads a checkpoint's payload without checking its signature (verifyLog checks it separately). */
export function decodeCheckpoint(jws: string): CheckpointPayload {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts[1]) throw new TypeError('not a compact JWS');
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as CheckpointPayload;
  if (payload.typ !== 'mash-audit-checkpoint/1' || !Number.isSafeInteger(payload.seq) || typeof payload.hash !== 'string') {
    throw new TypeError('not an audit checkpoint');
  }
  return payload;
}

/** True when `jws` carries a valid EdDSA signature by one of `keys` (matched by kid, else tried in turn). */
export async function checkpointSignatureValid(jws: string, keys: JWK[]): Promise<boolean> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return false;
  }
  const candidates = keys.filter((k) => kid === undefined || k.kid === undefined || k.kid === kid);
  for (const jwk of candidates) {
    try {
      const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x } as JWK, 'EdDSA');
      await compactVerify(jws, key, { algorithms: ['EdDSA'] });
      return true;
    } catch {
      // try the next key
    }
  }
  return false;
}

/**
 * Issues a checkpoint at the current head, inside the caller's transaction, which must hold the audit lock
 * (so checkpoints from several processes form one chain). Returns null when the head is already
 * checkpointed or the log is empty.
 */
export async function issueCheckpoint(tx: SqlTx, key: CheckpointKey): Promise<SignedCheckpoint | null> {
  const { rows } = await tx.query<{ log_id: string; seq: string | number; hash: string; checkpoint_seq: string | number | null; checkpoint_digest: string | null }>(
    `SELECT log_id, seq, hash, checkpoint_seq, checkpoint_digest FROM audit.head`,
  );
  const head = rows[0]!;
  const seq = Number(head.seq);
  const lastSeq = head.checkpoint_seq === null ? null : Number(head.checkpoint_seq);
  if (seq === 0 || seq === lastSeq) return null;
  const payload: CheckpointPayload = {
    typ: 'mash-audit-checkpoint/1',
    logId: head.log_id,
    seq,
    hash: head.hash,
    previous: lastSeq === null ? null : { seq: lastSeq, digest: head.checkpoint_digest! },
    issuedAt: new Date().toISOString(),
  };
  const signed = await signCheckpoint(key, payload);
  await tx.query(`INSERT INTO audit.checkpoints (seq, hash, digest, jws, issued_at) VALUES ($1, $2, $3, $4, $5)`, [
    seq, head.hash, signed.digest, signed.jws, payload.issuedAt,
  ]);
  await tx.query(`UPDATE audit.head SET checkpoint_seq = $1, checkpoint_digest = $2`, [seq, signed.digest]);
  await tx.query(`INSERT INTO audit.signing_keys (kid, public_jwk) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING`, [
    key.kid, JSON.stringify(key.publicJwk),
  ]);
  return signed;
}
