import type { AuditEventInput, AuditEventRecord } from './AuditEvent.js';

/**
 * Checks an event from the gateway and copies exactly the documented fields into a record (anything else
 * the caller's object carries, such as a disclosed value by mistake, is not copied). Throws TypeError on a
 * malformed event: that is a bug in the caller, and the gateway must then withhold as for any failed record.
 *
 * Strings must be well-formed Unicode without NUL: PostgreSQL text cannot hold NUL, and a lone surrogate
 * would be stored differently from its canonical JSON, which verification would report as tampering.
 */
export function toEventRecord(input: AuditEventInput, assigned: Assigned): AuditEventRecord {
  return fastRecord(input, assigned) ?? checkedRecord(input, assigned);
}

type Assigned = { logId: string; seq: number; prevHash: string; eventId: string; recordedAt: string };

/** Strings already found well-formed: coordinates, categories, rules and bases repeat in every event. */
const known = new Set<string>();

function ok(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (known.has(value)) return true;
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return false;
  if (value.length <= 200) {
    if (known.size >= 20_000) known.clear();
    known.add(value);
  }
  return true;
}

const okList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => ok(v) && v.length > 0);
const okOpt = (value: unknown): boolean => value === null || value === undefined || ok(value);

/**
 * The hot path (an event for a 50-child answer has thousands of entries): the same checks and the same copy
 * as `checkedRecord`, without building a path name for every value. Returns null at the first problem, and
 * `checkedRecord` then names it.
 */
function fastRecord(input: AuditEventInput, assigned: Assigned): AuditEventRecord | null {
  const e = input as unknown as Record<string, any>;
  if (typeof e !== 'object' || e === null || typeof e.actor !== 'object' || e.actor === null || Array.isArray(e.actor)) return null;
  if (typeof e.operation !== 'object' || e.operation === null || Array.isArray(e.operation) || !Array.isArray(e.subjects)) return null;
  if (e.kind !== 'DISCLOSURE' && e.kind !== 'GOVERNANCE_ACCESS') return null;
  if (e.mode !== 'enforce' && e.mode !== 'dry-run') return null;
  if (typeof e.breakGlass !== 'boolean' || e.governance !== undefined) return null;
  const nonEmpty = (v: unknown) => ok(v) && v.length > 0;
  if (!nonEmpty(e.requestId) || !nonEmpty(e.actor.sub) || !nonEmpty(e.actor.role) || !nonEmpty(e.policyVersion) || !nonEmpty(e.operation.hash)) return null;
  if (!okOpt(e.actor.name) || !okOpt(e.actor.org) || !okOpt(e.purpose) || !okOpt(e.caseRef) || !okOpt(e.justification) || !okOpt(e.operation.name)) return null;
  const subjects: AuditEventRecord['subjects'] = [];
  const seen = new Set<string>();
  for (const s of e.subjects as any[]) {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || !Array.isArray(s.disclosed) || !Array.isArray(s.withheld)) return null;
    if (!nonEmpty(s.childId) || seen.has(s.childId)) return null;
    seen.add(s.childId);
    const disclosed: AuditEventRecord['subjects'][number]['disclosed'] = [];
    for (const f of s.disclosed as any[]) {
      if (typeof f !== 'object' || f === null || Array.isArray(f) || !Number.isSafeInteger(f.count) || f.count < 0) return null;
      if (!nonEmpty(f.coordinate) || !nonEmpty(f.category) || !nonEmpty(f.rule) || (f.effect !== 'ALLOW' && f.effect !== 'MASK')) return null;
      if (!okList(f.lawfulBasis) || !okList(f.gateway)) return null;
      disclosed.push({ coordinate: f.coordinate, category: f.category, effect: f.effect, rule: f.rule, lawfulBasis: [...f.lawfulBasis], gateway: [...f.gateway], count: f.count });
    }
    const withheld: AuditEventRecord['subjects'][number]['withheld'] = [];
    for (const f of s.withheld as any[]) {
      if (typeof f !== 'object' || f === null || Array.isArray(f) || !nonEmpty(f.coordinate) || !nonEmpty(f.reason) || !okOpt(f.category) || !okOpt(f.rule)) return null;
      withheld.push({ coordinate: f.coordinate, category: f.category ?? null, reason: f.reason, rule: f.rule ?? null });
    }
    subjects.push({ childId: s.childId, disclosed, withheld });
  }
  return {
    v: 1,
    logId: assigned.logId,
    seq: assigned.seq,
    prevHash: assigned.prevHash,
    eventId: assigned.eventId,
    recordedAt: assigned.recordedAt,
    kind: e.kind,
    requestId: e.requestId,
    actor: { sub: e.actor.sub, name: e.actor.name ?? null, role: e.actor.role, org: e.actor.org ?? null },
    purpose: e.purpose ?? null,
    caseRef: e.caseRef ?? null,
    justification: e.justification ?? null,
    breakGlass: e.breakGlass,
    mode: e.mode,
    policyVersion: e.policyVersion,
    operation: { name: e.operation.name ?? null, hash: e.operation.hash },
    subjects,
  };
}

/** Checks every field, naming the first that is wrong (TypeError), and copies the documented ones. */
export function checkedRecord(input: AuditEventInput, assigned: Assigned): AuditEventRecord {
  const e = input as unknown as Record<string, unknown>;
  if (typeof e !== 'object' || e === null) throw new TypeError('audit event must be an object');
  const kind = oneOf(e.kind, ['DISCLOSURE', 'GOVERNANCE_ACCESS'] as const, 'kind');
  const actor = obj(e.actor, 'actor');
  const operation = obj(e.operation, 'operation');
  if (!Array.isArray(e.subjects)) throw new TypeError('audit event subjects must be an array');
  const record: AuditEventRecord = {
    v: 1,
    logId: assigned.logId,
    seq: assigned.seq,
    prevHash: assigned.prevHash,
    eventId: assigned.eventId,
    recordedAt: assigned.recordedAt,
    kind,
    requestId: str(e.requestId, 'requestId'),
    actor: {
      sub: str(actor.sub, 'actor.sub'),
      name: optStr(actor.name, 'actor.name'),
      role: str(actor.role, 'actor.role'),
      org: optStr(actor.org, 'actor.org'),
    },
    purpose: optStr(e.purpose, 'purpose'),
    caseRef: optStr(e.caseRef, 'caseRef'),
    justification: optStr(e.justification, 'justification'),
    breakGlass: bool(e.breakGlass, 'breakGlass'),
    mode: oneOf(e.mode, ['enforce', 'dry-run'] as const, 'mode'),
    policyVersion: str(e.policyVersion, 'policyVersion'),
    operation: { name: optStr(operation.name, 'operation.name'), hash: str(operation.hash, 'operation.hash') },
    subjects: (e.subjects as unknown[]).map((raw, i) => {
      const s = obj(raw, `subjects[${i}]`);
      if (!Array.isArray(s.disclosed) || !Array.isArray(s.withheld)) {
        throw new TypeError(`audit event subjects[${i}] needs disclosed and withheld arrays`);
      }
      return {
        childId: str(s.childId, `subjects[${i}].childId`),
        disclosed: (s.disclosed as unknown[]).map((rawField, j) => {
          const f = obj(rawField, `subjects[${i}].disclosed[${j}]`);
          const at = `subjects[${i}].disclosed[${j}]`;
          if (!Number.isSafeInteger(f.count) || (f.count as number) < 0) throw new TypeError(`audit event ${at}.count must be a non-negative integer`);
          return {
            coordinate: str(f.coordinate, `${at}.coordinate`),
            category: str(f.category, `${at}.category`),
            effect: oneOf(f.effect, ['ALLOW', 'MASK'] as const, `${at}.effect`),
            rule: str(f.rule, `${at}.rule`),
            lawfulBasis: strList(f.lawfulBasis, `${at}.lawfulBasis`),
            gateway: strList(f.gateway, `${at}.gateway`),
            count: f.count as number,
          };
        }),
        withheld: (s.withheld as unknown[]).map((rawField, j) => {
          const f = obj(rawField, `subjects[${i}].withheld[${j}]`);
          const at = `subjects[${i}].withheld[${j}]`;
          return {
            coordinate: str(f.coordinate, `${at}.coordinate`),
            category: optStr(f.category, `${at}.category`),
            reason: str(f.reason, `${at}.reason`),
            rule: optStr(f.rule, `${at}.rule`),
          };
        }),
      };
    }),
  };
  if (e.governance !== undefined) {
    const g = obj(e.governance, 'governance');
    const args = obj(g.arguments, 'governance.arguments');
    checkStrings(args, 'governance.arguments');
    record.governance = { query: str(g.query, 'governance.query'), arguments: args };
  }
  const seen = new Set<string>();
  for (const s of record.subjects) {
    if (seen.has(s.childId)) throw new TypeError(`audit event names child ${s.childId} twice in subjects`);
    seen.add(s.childId);
  }
  return record;
}

function obj(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`audit event ${name} must be an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`audit event ${name} must be a non-empty string`);
  return clean(value, name);
}

function optStr(value: unknown, name: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`audit event ${name} must be a string or null`);
  return clean(value, name);
}

function strList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`audit event ${name} must be an array of strings`);
  return value.map((item, i) => str(item, `${name}[${i}]`));
}

function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`audit event ${name} must be a boolean`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw new TypeError(`audit event ${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function clean(value: string, name: string): string {
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
    throw new TypeError(`audit event ${name} must be well-formed Unicode without NUL`);
  }
  return value;
}

function checkStrings(value: unknown, name: string): void {
  if (typeof value === 'string') clean(value, name);
  else if (Array.isArray(value)) value.forEach((v, i) => checkStrings(v, `${name}[${i}]`));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      clean(k, name);
      checkStrings(v, `${name}.${k}`);
    }
  }
}
