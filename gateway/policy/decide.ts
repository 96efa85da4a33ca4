import type { Agreement, Effect, Rule } from './agreement.js';
import type { Vocabulary } from './vocabulary.js';

/** The effective rules of one field coordinate: its category and the agreement's rules as narrowed for it. */
export interface FieldPolicy {
  coordinate: string;
  category: string;
  labels: readonly string[];
  rules: readonly Rule[];
}

/** Who is asking and why: everything a decision depends on. */
export interface Access {
  role: string;
  purpose: string | null;
  /** Whether the request carries a written justification (x-justification). */
  justified: boolean;
}

export interface Disclose {
  effect: Effect;
  coordinate: string;
  category: string;
  labels: readonly string[];
  rule: string;
  basis: readonly string[];
  gateway: readonly string[];
  breakGlass: boolean;
}

export interface Withhold {
  effect: 'WITHHOLD';
  coordinate: string;
  category: string;
  labels: readonly string[];
  /** PURPOSE_REQUIRED, NOT_PERMITTED, JUSTIFICATION_REQUIRED, or a prohibition's reason. */
  reason: string;
  /** The prohibition or rule behind the reason, when there is one. */
  rule: string | null;
  /** What would make sharing lawful, in plain words. */
  remedy: string;
  /** The same, as data: purposes under which this role may receive it; roles who may for this purpose. */
  alternatives: { purposes: string[]; roles: string[] };
}

export type Decision = Disclose | Withhold;

type Core = Disclose | { effect: 'WITHHOLD'; reason: string; rule: string | null };

function grants(rule: Rule, role: string, purpose: string): boolean {
  return rule.grants.some((g) => g.roles.has(role) && g.purposes.has(purpose));
}

/** The decision without its explanation: prohibitions first, then ALLOW, then MASK, deny by default. */
function decideCore(field: FieldPolicy, agreement: Agreement, role: string, purpose: string | null, justified: boolean): Core {
  if (purpose === null) return { effect: 'WITHHOLD', reason: 'PURPOSE_REQUIRED', rule: null };
  for (const p of agreement.prohibitions) {
    if ((p.roles === null || p.roles.has(role)) && (p.purposes === null || p.purposes.has(purpose)) && (p.categories === null || p.categories.has(field.category))) {
      return { effect: 'WITHHOLD', reason: p.reason, rule: p.id };
    }
  }
  let mask: Rule | undefined;
  let unmet: Rule | undefined;
  for (const rule of field.rules) {
    if (!grants(rule, role, purpose)) continue;
    if (rule.requires.includes('JUSTIFICATION') && !justified) {
      unmet ??= rule;
      continue;
    }
    if (rule.effect === 'ALLOW') return disclose(field, rule);
    mask ??= rule;
  }
  if (mask) return disclose(field, mask);
  if (unmet) return { effect: 'WITHHOLD', reason: 'JUSTIFICATION_REQUIRED', rule: unmet.id };
  return { effect: 'WITHHOLD', reason: 'NOT_PERMITTED', rule: null };
}

function disclose(field: FieldPolicy, rule: Rule): Disclose {
  return {
    effect: rule.effect,
    coordinate: field.coordinate,
    category: field.category,
    labels: field.labels,
    rule: rule.id,
    basis: rule.basis,
    gateway: rule.gateway,
    breakGlass: rule.breakGlass,
  };
}

const or = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/**
 * Decides whether the caller may receive one field, and if not, why and what would make it lawful. Pure: the
 * same field, agreement and access always give the same decision, so decisions can be cached per access.
 */
export function decide(field: FieldPolicy, access: Access, agreement: Agreement, vocabulary: Vocabulary): Decision {
  const core = decideCore(field, agreement, access.role, access.purpose, access.justified);
  if (core.effect !== 'WITHHOLD') return core;

  const prohibition = agreement.prohibitions.find((p) => p.id === core.rule);
  // Alternatives are what a practitioner can act on: another purpose for their role, or a colleague's role.
  const purposes = [...vocabulary.purposes.keys()].filter((p) => p !== access.purpose && decideCore(field, agreement, access.role, p, true).effect === 'ALLOW');
  const roles =
    access.purpose === null ? [] : [...vocabulary.roles.keys()].filter((r) => r !== access.role && decideCore(field, agreement, r, access.purpose, true).effect === 'ALLOW');

  const parts: string[] = [];
  const category = `${field.category} data`;
  if (core.reason === 'PURPOSE_REQUIRED') {
    parts.push(
      purposes.length > 0
        ? `Declare the purpose you are acting for in the x-purpose header: your role may receive ${category} for ${or(purposes)}.`
        : `Declare the purpose you are acting for in the x-purpose header; your role may not receive ${category} for any purpose.`,
    );
  } else if (core.reason === 'JUSTIFICATION_REQUIRED') {
    parts.push('Give a written justification in the x-justification header: emergency access is flagged and reviewed by information governance.');
  } else if (prohibition) {
    parts.push(prohibition.remedy);
  } else {
    if (purposes.length > 0) parts.push(`Your role may receive ${category} for ${or(purposes)}; if that is what you are doing, declare it in x-purpose.`);
    if (roles.length > 0) parts.push(`For ${access.purpose}, ${or(roles)} may receive it: ask them to review it and share what is necessary.`);
    if (purposes.length === 0 && roles.length === 0) parts.push(`No rule of the information sharing agreement shares ${category} for ${access.purpose}.`);
  }
  if (core.reason === 'NOT_PERMITTED' || core.reason === 'PURPOSE_REQUIRED') {
    const advice = agreement.advice.find(
      (a) => (a.roles === null || a.roles.has(access.role)) && (a.purposes === null || (access.purpose !== null && a.purposes.has(access.purpose))) && (a.categories === null || a.categories.has(field.category)),
    );
    if (advice) parts.push(advice.text);
  }
  return {
    effect: 'WITHHOLD',
    coordinate: field.coordinate,
    category: field.category,
    labels: field.labels,
    reason: core.reason,
    rule: core.rule,
    remedy: parts.join(' '),
    alternatives: { purposes, roles },
  };
}
