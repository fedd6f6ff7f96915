import { isProviderError, ProviderAuthError, ProviderNotFoundError, ProviderUnavailableError } from '../providers/errors.ts';
import type { ConnectionFault } from '../providers/types.ts';

/** Transport codes that mean the host is not there at all (the request never left). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Is this error the connection's, not the record's? A refused credential, a create whose collection is unknown
 * (a wrong PowerChord trunk or Propexo integration answers 404 to every create), or a host that is not there
 * answer the same for every record.
 */
export function connectionFault(error: unknown, operation: 'create' | 'update' | 'other'): ConnectionFault | null {
  if (!isProviderError(error)) return null;
  if (error instanceof ProviderAuthError) return 'auth';
  if (error instanceof ProviderNotFoundError && operation === 'create') return 'target';
  if (error instanceof ProviderUnavailableError && error.transportCode !== null && UNREACHABLE_CODES.has(error.transportCode)) return 'unreachable';
  return null;
}

const FAULT_TEXT: Record<ConnectionFault, string> = {
  auth: 'refused the credentials',
  target: 'does not know the account or collection written to',
  unreachable: 'cannot be reached',
};

interface State {
  runId: string;
  streak: number;
  open: string | null;
}

/**
 * After a few identical connection-level answers in a row, a run stops calling that connection: its remaining
 * records fail at once with one reason (naming the setting to check) instead of each paying for a call and its
 * retries. Per process and per run: the next run, or a retry, tries again. A success in between resets the streak.
 */
export class ConnectionBreaker {
  readonly #threshold: number;
  readonly #states = new Map<string, State>();

  constructor(threshold = 5) {
    this.#threshold = threshold;
  }

  /** The reason the connection is not called in this run, or null to go ahead. */
  openReason(connection: string, runId: string): string | null {
    const state = this.#states.get(connection);
    return state && state.runId === runId ? state.open : null;
  }

  succeeded(connection: string): void {
    const state = this.#states.get(connection);
    if (state && state.open === null) state.streak = 0;
  }

  /** Counts a connection-level failure; returns the reason when this one opened the breaker. */
  failed(connection: string, runId: string, fault: ConnectionFault, detail: { provider: string; message: string; hint?: string | undefined }): string | null {
    let state = this.#states.get(connection);
    if (!state || state.runId !== runId) {
      state = { runId, streak: 0, open: null };
      this.#states.set(connection, state);
    }
    if (state.open !== null) return null;
    state.streak++;
    if (state.streak < this.#threshold) return null;
    const check = detail.hint ? ` Check ${detail.hint}.` : '';
    state.open = `connection ${connection}: ${detail.provider} ${FAULT_TEXT[fault]} ${state.streak} times in a row (last: ${detail.message}); its remaining records in this run were not sent.${check}`;
    return state.open;
  }
}
