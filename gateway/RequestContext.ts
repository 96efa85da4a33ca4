import type { Access } from './policy/decide.js';
import type { Mode } from './policy/planOperation.js';
import type { Caller } from './identity/authenticate.js';

/** What the gateway knows about one request once its caller is verified and its purpose read. */
export interface RequestContext {
  requestId: string;
  caller: Caller;
  purpose: string | null;
  caseRef: string | null;
  justification: string | null;
  access: Access;
  mode: Mode;
}
