// Genkit's error shape for processes without genkit installed (see genkit-error.ts): one class, used by the
// CommonJS and the ESM build's genkit-error alike.
import type { GenkitError as GenkitErrorType } from 'genkit';
import { httpCodeOf } from '../common/genkit-status';

type Status = GenkitErrorType['status'];

/**
 * Genkit's error shape, for processes without genkit: `name` `'GenkitError'`, `status`, `code` (HTTP),
 * `detail`, `originalMessage`, the message prefixed by the status, and the same JSON (`{ status, message,
 * details? }`).
 */
export class GenkitErrorStandIn extends Error {
  readonly status: Status;
  readonly code: number;
  readonly detail?: unknown;
  readonly source?: string;
  readonly originalMessage: string;

  constructor({
    status,
    message,
    detail,
    source,
  }: {
    status: Status;
    message: string;
    detail?: unknown;
    source?: string;
  }) {
    super(`${source ? `${source}: ` : ''}${status}: ${message}`);
    this.name = 'GenkitError';
    this.status = status;
    this.code = httpCodeOf(status);
    this.detail = detail;
    this.source = source;
    this.originalMessage = message;
  }

  toJSON(): { status: Status; message: string; details?: unknown } {
    return {
      ...(this.detail === undefined ? {} : { details: this.detail }),
      status: this.status,
      message: this.originalMessage,
    };
  }
}
