/** A policy definition (vocabulary, agreement or directives) that cannot be used; the gateway refuses to start on one. */
export class PolicyDefinitionError extends Error {
  readonly code = 'POLICY_INVALID';
  constructor(readonly problems: string[]) {
    super(`The data-protection policy is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyDefinitionError';
  }
}
