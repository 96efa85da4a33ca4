import { createHash } from 'node:crypto';

/** The previous hash of the first event of a log: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The chain link: `sha256(prevHash || canonicalBytes)` in lowercase hex, where `prevHash` is the previous
 * event's hash as its 32 raw bytes and `canonicalBytes` the UTF-8 bytes of the event's canonical JSON.
 * Each hash therefore commits to the whole history before it.
 */
export function chainHash(prevHash: string, canonical: string): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new TypeError('chainHash: prevHash must be 64 lowercase hex digits');
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical, 'utf8').digest('hex');
}

/** sha256 hex of a UTF-8 string (used for checkpoint digests). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
