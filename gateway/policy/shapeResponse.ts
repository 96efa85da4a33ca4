import type { Disclose, Withhold } from './decide.js';
import { conditionsHold, SUBJECT_ALIAS, TYPENAME_ALIAS, type Mode, type OperationPlan, type ShapeField, type ShapeSet } from './planOperation.js';

/** One line of a disclosure receipt: why values at this coordinate could be seen, and how many there were. */
export interface Receipt {
  coordinate: string;
  category: string;
  effect: 'ALLOW' | 'MASK';
  rule: string;
  lawfulBasis: readonly string[];
  gateway: readonly string[];
  labels: readonly string[];
  breakGlass: boolean;
  count: number;
}

export interface WithheldField {
  coordinate: string;
  category: string;
  reason: string;
  rule: string | null;
  remedy: string;
  alternatives: Withhold['alternatives'];
  /** The first response path where it was withheld, and how many values were withheld in all. */
  path: Array<string | number>;
  occurrences: number;
}

export interface SubjectRecord {
  childId: string;
  disclosed: Map<string, Receipt>;
  withheld: Map<string, { coordinate: string; category: string; reason: string; rule: string | null; count: number }>;
}

export interface Shaped {
  receipts: Receipt[];
  withheld: WithheldField[];
  /** Per data subject (child id): what was disclosed and withheld; `(none)` for fields outside any child. */
  subjects: Map<string, SubjectRecord>;
  breakGlass: boolean;
}

const NO_SUBJECT = '(none)';

/** Dry-run disclosures of what the policy would withhold carry no rule and no lawful basis. */
export const DRY_RUN_RULE = 'dry-run:no-rule';

function dryRun(d: Withhold): Disclose {
  return { effect: 'ALLOW', coordinate: d.coordinate, category: d.category, labels: d.labels, rule: DRY_RUN_RULE, basis: [], gateway: [], breakGlass: false };
}

/**
 * Walks the answer once along the operation's shape: puts `null` (withheld) or the placeholder (masked) where
 * the plan removed a field, counts what each rule disclosed, names the child each value is about, and strips
 * the gateway's own aliases. In dry-run mode it changes no value and only reports.
 */
export function shapeResponse(data: Record<string, unknown> | null | undefined, plan: OperationPlan, variables: Record<string, unknown> | undefined, mode: Mode): Shaped {
  const receipts = new Map<string, Receipt>();
  const withheld = new Map<ShapeField, WithheldField>();
  const subjects = new Map<string, SubjectRecord>();
  let breakGlass = false;
  const path: Array<string | number> = [];

  const subjectRecord = (id: string): SubjectRecord => {
    let s = subjects.get(id);
    if (!s) subjects.set(id, (s = { childId: id, disclosed: new Map(), withheld: new Map() }));
    return s;
  };
  const disclose = (d: Disclose, subject: string, count: number): void => {
    if (count === 0) return;
    if (d.breakGlass) breakGlass = true;
    let r = receipts.get(d.coordinate);
    if (!r) receipts.set(d.coordinate, (r = { coordinate: d.coordinate, category: d.category, effect: d.effect, rule: d.rule, lawfulBasis: d.basis, gateway: d.gateway, labels: d.labels, breakGlass: d.breakGlass, count: 0 }));
    r.count += count;
    const s = subjectRecord(subject).disclosed;
    const e = s.get(d.coordinate);
    if (e) e.count += count;
    else s.set(d.coordinate, { ...r, count });
  };
  const withhold = (f: ShapeField, d: Withhold, subject: string): void => {
    let w = withheld.get(f);
    if (!w) withheld.set(f, (w = { coordinate: d.coordinate, category: d.category, reason: d.reason, rule: d.rule, remedy: d.remedy, alternatives: d.alternatives, path: [...path, f.responseKey], occurrences: 0 }));
    w.occurrences++;
    const s = subjectRecord(subject).withheld;
    const e = s.get(d.coordinate);
    if (e) e.count++;
    else s.set(d.coordinate, { coordinate: d.coordinate, category: d.category, reason: d.reason, rule: d.rule, count: 1 });
  };

  const walkValue = (value: unknown, set: ShapeSet, subject: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walkValue(value[i], set, subject);
        path.pop();
      }
      return;
    }
    walkObject(value as Record<string, unknown>, set, subject);
  };

  const walkObject = (obj: Record<string, unknown>, set: ShapeSet, inherited: string): void => {
    const runtimeType = set.abstract ? (obj[TYPENAME_ALIAS] as string | undefined) : set.typeName;
    const subject = set.subject && typeof obj[SUBJECT_ALIAS] === 'string' ? (obj[SUBJECT_ALIAS] as string) : inherited;
    for (const f of set.fields) {
      if (f.types && (!runtimeType || !f.types.has(runtimeType))) continue;
      if (f.conditions.length > 0 && !conditionsHold(f.conditions, variables)) continue;
      const d = f.decision;
      if (d && d.effect === 'WITHHOLD') {
        withhold(f, d, subject);
        if (mode === 'enforce') {
          obj[f.responseKey] = null;
          continue;
        }
      } else if (d && d.effect === 'MASK') {
        if (mode === 'enforce') {
          obj[f.responseKey] = f.maskValue;
          disclose(d, subject, 1);
          continue;
        }
      }
      const value = obj[f.responseKey];
      if (d) {
        // In dry-run a would-withhold value still leaves: its receipt says so rather than naming a rule.
        const basis = d.effect === 'WITHHOLD' ? dryRun(d) : d;
        disclose(basis, subject, value === null || value === undefined ? 0 : Array.isArray(value) ? value.length : 1);
      }
      if (f.child && value !== null && value !== undefined) {
        path.push(f.responseKey);
        walkValue(value, f.child, subject);
        path.pop();
      }
    }
    delete obj[SUBJECT_ALIAS];
    delete obj[TYPENAME_ALIAS];
    // A field put back after the subgraphs answered would otherwise come last; GraphQL keeps the asked order.
    if (set.order && mode === 'enforce') {
      for (const key of set.order) {
        if (!(key in obj)) continue;
        const value = obj[key];
        delete obj[key];
        obj[key] = value;
      }
    }
  };

  if (data) walkObject(data, plan.root, NO_SUBJECT);
  return { receipts: [...receipts.values()], withheld: [...withheld.values()], subjects, breakGlass };
}

/**
 * Nulls every classified value in an answer (used when its disclosure could not be recorded). Returns the
 * coordinates it withheld, and whether anything at all is left to serve.
 */
export function withholdAll(data: Record<string, unknown> | null, plan: OperationPlan): { coordinates: string[]; empty: boolean } {
  const coordinates = new Set<string>();
  let leftover = false;
  const walk = (value: unknown, set: ShapeSet): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((v) => walk(v, set));
    const obj = value as Record<string, unknown>;
    for (const f of set.fields) {
      if (!(f.responseKey in obj)) continue;
      if (f.decision) {
        if (obj[f.responseKey] !== null) coordinates.add(f.coordinate);
        obj[f.responseKey] = null;
      } else if (f.child) {
        walk(obj[f.responseKey], f.child);
      } else if (obj[f.responseKey] !== null && obj[f.responseKey] !== undefined && set !== plan.root) {
        leftover = true;
      }
    }
  };
  walk(data, plan.root);
  return { coordinates: [...coordinates], empty: !leftover };
}
