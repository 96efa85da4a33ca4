/**
 * Errors raised by the disclosure audit log. Each carries a stable string `code` (on the class and the
 * instance) that callers and tests match on; messages are for people and may change.
 *
 * Caller misuse (a malformed event, a negative page size from code) is a plain `TypeError`, as in jose.
 */
export class AuditError extends Error {
  static readonly code: string = 'AUDIT_ERROR';
  readonly code: string = AuditError.code;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The log could not commit the event. The gateway must withhold the data it was about to disclose: an
 * unrecorded disclosure is worse than a refused one (fail closed).
 */
export class AuditUnavailableError extends AuditError {
  static override readonly code = 'AUDIT_UNAVAILABLE';
  override readonly code = AuditUnavailableError.code;
}

/** `record` was called after `close()`. Treat like AUDIT_UNAVAILABLE: withhold. */
export class AuditClosedError extends AuditError {
  static override readonly code = 'AUDIT_CLOSED';
  override readonly code = AuditClosedError.code;
}

/** A governance query got an argument it cannot use (a cursor it never issued, a page size out of range). */
export class AuditInvalidArgumentError extends AuditError {
  static override readonly code = 'AUDIT_INVALID_ARGUMENT';
  override readonly code = AuditInvalidArgumentError.code;
}

/** The event named by a governance action is not in the (retained) log. */
export class AuditEventNotFoundError extends AuditError {
  static override readonly code = 'AUDIT_EVENT_NOT_FOUND';
  override readonly code = AuditEventNotFoundError.code;
}

/** A break-glass review was requested for an event that was not a break-glass access. */
export class AuditNotBreakGlassError extends AuditError {
  static override readonly code = 'AUDIT_NOT_BREAK_GLASS';
  override readonly code = AuditNotBreakGlassError.code;
}

/** Pruning stopped: the checkpoint it would anchor on disagrees with the events (keep them as evidence). */
export class AuditPruneRefusedError extends AuditError {
  static override readonly code = 'AUDIT_PRUNE_REFUSED';
  override readonly code = AuditPruneRefusedError.code;
}

/** The checkpoint signing key file is unreadable or not an Ed25519 private JWK. */
export class AuditKeyError extends AuditError {
  static override readonly code = 'AUDIT_KEY_INVALID';
  override readonly code = AuditKeyError.code;
}

/** An audit setting (environment variable or CLI flag) is missing or malformed; the message names it. */
export class AuditConfigError extends AuditError {
  static override readonly code = 'AUDIT_CONFIG_INVALID';
  override readonly code = AuditConfigError.code;
}
