import { randomUUID } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { AuditKeyError } from './AuditError.js';

/** The Ed25519 key that signs checkpoints, loaded from a file outside the database. */
export interface CheckpointKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint of the public key; the `kid` of every checkpoint it signs. */
  kid: string;
}

/** The public JWK's file: `<keyFile>.pub.json`. */
export function publicKeyFileFor(keyFile: string): string {
  return `${keyFile}.pub.json`;
}

/**
 * Loads the checkpoint signing key from `keyFile` (an Ed25519 private JWK). When the file is absent and
 * `create` is true, generates one, writes it with mode 0600 and its public half beside it.
 *
 * Why a file and not the database: a database administrator who can rewrite the event tables must not also
 * be able to sign checkpoints, or the checkpoints would prove nothing. Several gateway processes writing one
 * log must share this file (same key), and creation is race-free: the private key appears atomically (link).
 */
export async function loadCheckpointKey(keyFile: string, options: { create: boolean }): Promise<CheckpointKey> {
  let text: string | undefined;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AuditKeyError(`cannot read the audit signing key ${keyFile}`, { cause: error });
    }
    if (!options.create) throw new AuditKeyError(`the audit signing key ${keyFile} does not exist`);
  }
  if (text === undefined) text = await createKeyFile(keyFile);
  return parsePrivateKey(text, keyFile);
}

async function createKeyFile(keyFile: string): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', use: 'sig' };
  const pub = { ...(await exportJWK(publicKey)), alg: 'EdDSA', use: 'sig' };
  const kid = await calculateJwkThumbprint(pub);
  const text = `${JSON.stringify({ ...jwk, kid })}\n`;
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const tmp = `${keyFile}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, keyFile);
  } catch (error) {
    unlinkSync(tmp);
    // Another process created the key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(keyFile, 'utf8');
    throw new AuditKeyError(`cannot create the audit signing key ${keyFile}`, { cause: error });
  }
  unlinkSync(tmp);
  const pubTmp = `${publicKeyFileFor(keyFile)}.${process.pid}.tmp`;
  writeFileSync(pubTmp, `${JSON.stringify({ ...pub, kid })}\n`, { mode: 0o644 });
  renameSync(pubTmp, publicKeyFileFor(keyFile));
  return text;
}

async function parsePrivateKey(text: string, keyFile: string): Promise<CheckpointKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch (error) {
    throw new AuditKeyError(`the audit signing key ${keyFile} is not JSON`, { cause: error });
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new AuditKeyError(`the audit signing key ${keyFile} is not an Ed25519 private JWK`);
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: 'EdDSA', use: 'sig' };
  const kid = await calculateJwkThumbprint(publicJwk);
  publicJwk.kid = kid;
  try {
    const privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
    return { privateKey, publicJwk, kid };
  } catch (error) {
    throw new AuditKeyError(`the audit signing key ${keyFile} cannot be imported`, { cause: error });
  }
}

/**
 * Reads trusted public keys for verification from a file holding one public JWK or a JWK set
 * (`{ "keys": [...] }`). Private members, if present, are dropped.
 */
export async function readPublicKeys(file: string): Promise<JWK[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AuditKeyError(`cannot read the public key file ${file}`, { cause: error });
  }
  const list = (parsed as { keys?: unknown }).keys ?? [parsed];
  if (!Array.isArray(list)) throw new AuditKeyError(`${file} holds neither a JWK nor a JWK set`);
  const keys: JWK[] = [];
  for (const item of list as JWK[]) {
    if (item?.kty !== 'OKP' || item.crv !== 'Ed25519' || typeof item.x !== 'string') {
      throw new AuditKeyError(`${file} holds a key that is not an Ed25519 public JWK`);
    }
    const pub: JWK = { kty: 'OKP', crv: 'Ed25519', x: item.x };
    keys.push({ ...pub, kid: await calculateJwkThumbprint(pub) });
  }
  return keys;
}
