/**
 * An error whose message is written for the person or agent that caused it:
 * it says what was wrong and what to do. Everything else is a bug and is
 * reported as an internal error.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Raised inside a write transaction when another leader has taken over. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
  readonly storedEpoch: number;
  readonly ownEpoch: number;
  constructor(ownEpoch: number, storedEpoch: number, message?: string) {
    super(message ?? `write refused: this process holds epoch ${ownEpoch} but the index is at epoch ${storedEpoch}`);
    this.ownEpoch = ownEpoch;
    this.storedEpoch = storedEpoch;
  }
}

/** A run ended because its process stopped writing, not because anyone asked: whoever writes next should take the request. */
export class RunStoppedError extends Error {
  override readonly name = 'RunStoppedError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
