import type { Policy } from './Policy.js';

/** One cell of the access matrix: what `role` acting for `purpose` gets at `coordinate`. */
export interface AccessCell {
  coordinate: string;
  category: string;
  role: string;
  purpose: string;
  /** ALLOW, MASK, or the reason it is withheld. */
  outcome: string;
  rule: string | null;
}

/**
 * Every classified coordinate × role × purpose, decided as the gateway decides (a justification is assumed
 * given, so break-glass shows what it opens). This is what governance reviews, and what a diff compares.
 */
export function accessMatrix(policy: Policy): AccessCell[] {
  const cells: AccessCell[] = [];
  for (const [coordinate, field] of [...policy.fields].sort(([a], [b]) => a.localeCompare(b))) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = policy.schema.getType(typeName);
    if (!type || !('getFields' in type)) continue;
    for (const role of policy.vocabulary.roles.keys()) {
      for (const purpose of policy.vocabulary.purposes.keys()) {
        const d = policy.decisionFor(type as never, fieldName, { role, purpose, justified: true });
        if (!d) continue;
        cells.push({ coordinate, category: field.category, role, purpose, outcome: d.effect === 'WITHHOLD' ? d.reason : d.effect, rule: d.rule });
      }
    }
  }
  return cells;
}

/** The matrix as Markdown: one row per coordinate, one column per role, each cell the purposes it is shared for. */
export function matrixMarkdown(policy: Policy): string {
  const cells = accessMatrix(policy);
  const roles = [...policy.vocabulary.roles.keys()];
  const purposes = [...policy.vocabulary.purposes.keys()];
  const short = (p: string) => p.replace('STRATEGY_DISCUSSION', 'STRATEGY').replace('S47_ENQUIRY', 'S47');
  const lines = [
    `Access matrix, policy ${policy.version.slice(0, 12)} (agreement ${policy.agreement.version}). A cell lists the purposes for which the role receives the field; (masked) where it sees a placeholder. Empty: never.`,
    '',
    `| field | category | ${roles.join(' | ')} |`,
    `|---|---|${roles.map(() => '---').join('|')}|`,
  ];
  const byCoordinate = new Map<string, AccessCell[]>();
  for (const c of cells) byCoordinate.set(c.coordinate, [...(byCoordinate.get(c.coordinate) ?? []), c]);
  for (const [coordinate, list] of byCoordinate) {
    const row = roles.map((role) => {
      const mine = list.filter((c) => c.role === role);
      const allow = purposes.filter((p) => mine.find((c) => c.purpose === p)?.outcome === 'ALLOW').map(short);
      const mask = purposes.filter((p) => mine.find((c) => c.purpose === p)?.outcome === 'MASK').map(short);
      return [allow.join(', '), mask.length ? `(masked: ${mask.join(', ')})` : ''].filter(Boolean).join(' ');
    });
    lines.push(`| ${coordinate} | ${list[0]!.category} | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface AccessChange {
  coordinate: string;
  role: string;
  purpose: string;
  before: string;
  after: string;
}

/** What changes for whom between two policies: a plan-style diff for governance review in CI. */
export function diffAccess(before: Policy, after: Policy): AccessChange[] {
  const key = (c: AccessCell) => `${c.coordinate}|${c.role}|${c.purpose}`;
  const old = new Map(accessMatrix(before).map((c) => [key(c), c]));
  const changes: AccessChange[] = [];
  const seen = new Set<string>();
  for (const c of accessMatrix(after)) {
    seen.add(key(c));
    const o = old.get(key(c));
    const was = o ? `${o.outcome}${o.rule ? ` (${o.rule})` : ''}` : 'absent';
    const now = `${c.outcome}${c.rule ? ` (${c.rule})` : ''}`;
    if (was !== now) changes.push({ coordinate: c.coordinate, role: c.role, purpose: c.purpose, before: was, after: now });
  }
  for (const [k, o] of old) if (!seen.has(k)) changes.push({ coordinate: o.coordinate, role: o.role, purpose: o.purpose, before: o.outcome, after: 'absent' });
  return changes;
}
