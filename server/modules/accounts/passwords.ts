import argon2 from 'argon2';
import pLimit from 'p-limit';
import { rateLimited } from '../../errors.js';

/** argon2id at OWASP's floor or above (19 MiB, t=2, p=1). */
export const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Bounded hashing: a flood of logins waits in a short queue and then gets RATE_LIMITED,
 * instead of eating every core and stalling chat.
 */
export class PasswordHasher {
  private readonly limit: ReturnType<typeof pLimit>;
  private dummyHash: Promise<string> | undefined;

  constructor(concurrency: number, private readonly queueLimit: number) {
    this.limit = pLimit(Math.max(1, concurrency));
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    if (this.limit.pendingCount >= this.queueLimit) {
      return Promise.reject(rateLimited('系统繁忙，请稍后再试', 5));
    }
    return this.limit(task);
  }

  hash(password: string): Promise<string> {
    return this.run(() => argon2.hash(password, HASH_OPTIONS));
  }

  /**
   * Verifies against the stored hash, or against a throwaway hash when there is no user,
   * so that an unknown login name takes as long as a wrong password.
   */
  async verify(storedHash: string | null, password: string): Promise<boolean> {
    this.dummyHash ??= argon2.hash('jiaoliu-timing-equaliser', HASH_OPTIONS);
    const target = storedHash ?? (await this.dummyHash);
    const ok = await this.run(() => argon2.verify(target, password).catch(() => false));
    return ok && storedHash !== null;
  }

  needsRehash(storedHash: string): boolean {
    return argon2.needsRehash(storedHash, HASH_OPTIONS);
  }
}
