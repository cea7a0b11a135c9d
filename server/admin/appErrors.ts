import { AppError } from '../errors.js';
import { AdminError } from './command.js';

/** A domain refusal (Chinese message, e.g. a login name taken) is the operator's error: exit 1, no stack. */
export async function asAdminError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw new AdminError(error.message);
    throw error;
  }
}

/** The console as the operator of an audited change (no account). */
export const CONSOLE_OPERATOR = { actorId: null, ip: 'console' } as const;
