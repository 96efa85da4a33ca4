import type { JWK } from 'jose';

/**
 * The export file: JSON lines, self-contained so `verifyLog({ file })` needs no database.
 *
 *   {"type":"header","format":"mash-audit-export/1","logId",...,"publicKeys":[JWK],"anchor":{seq,hash,jws}|null,"firstSeq"}
 *   {"type":"event","seq":1,"hash":"…","canonical":"{…}"}          one per event, in seq order
 *   {"type":"checkpoint","seq":1000,"jws":"…"}                        after the event it attests
 *   {"type":"end","events":N,"checkpoints":M,"head":{"seq","hash"}}   last line; its absence means a cut file
 *
 * `publicKeys` are the keys the log recorded; a verifier should rather be given the key it trusts.
 */
export const EXPORT_FORMAT = 'mash-audit-export/1';

export interface ExportHeader {
  type: 'header';
  format: typeof EXPORT_FORMAT;
  logId: string;
  exportedAt: string;
  publicKeys: JWK[];
  anchor: { seq: number; hash: string; jws: string } | null;
  firstSeq: number | null;
}

export interface ExportEventLine {
  type: 'event';
  seq: number;
  hash: string;
  canonical: string;
}

export interface ExportCheckpointLine {
  type: 'checkpoint';
  seq: number;
  jws: string;
}

export interface ExportEnd {
  type: 'end';
  events: number;
  checkpoints: number;
  head: { seq: number; hash: string };
}

export type ExportLine = ExportHeader | ExportEventLine | ExportCheckpointLine | ExportEnd;
