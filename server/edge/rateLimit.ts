import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

const require = createRequire(import.meta.url);

/** @fastify/rate-limit's own stores: a fixed window per key, in memory or in Redis (one Lua call). */
interface Store {
  incr(key: string, cb: (error: Error | null, result: { current: number; ttl: number } | null) => void, timeWindow: number, max: number): void;
}
type StoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]) => Store;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreClass;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreClass;

export type LimitKind = 'mutation' | 'upload';

export interface RateLimits {
  /** Per minute; 0 turns that limit off. */
  mutationsPerUser: number;
  mutationsPerAddress: number;
  uploadsPerUser: number;
  uploadsPerAddress: number;
}

const WINDOW_MS = 60_000;

const MESSAGES: Record<LimitKind, { user: string; address: string }> = {
  mutation: { user: '您的操作过于频繁', address: '来自您所在网络的操作过于频繁' },
  upload: { user: '您上传文件过于频繁', address: '来自您所在网络的上传过于频繁' },
};

interface Log {
  warn: (obj: unknown, msg?: string) => void;
}

/**
 * Per-person and per-address limits on mutations and uploads, in fixed one-minute windows.
 * With Redis the counters are shared by every instance; without it each instance counts alone.
 * When Redis cannot answer, the request passes (logged): a rate limit must not take the
 * service down with it.
 */
export class RateLimiter {
  private readonly store: Store;
  private lastWarned = 0;

  constructor(private readonly limits: RateLimits, private readonly log: Log, redis: Redis | null) {
    this.store = redis ? new RedisStore(false, false, redis, 'jiaoliu-rate-') : new LocalStore(false, false, 20_000);
  }

  /**
   * Counts `weight` actions (aliased mutations count one each) for the user and the address.
   * Throws RATE_LIMITED with retryAfterSeconds when either is over its limit.
   */
  async hit(kind: LimitKind, userId: string | null, address: string, weight = 1): Promise<void> {
    const perUser = kind === 'mutation' ? this.limits.mutationsPerUser : this.limits.uploadsPerUser;
    const perAddress = kind === 'mutation' ? this.limits.mutationsPerAddress : this.limits.uploadsPerAddress;
    const checks: Array<Promise<void>> = [];
    if (userId && perUser > 0) checks.push(this.count(`${kind}:user:${userId}`, perUser, weight, MESSAGES[kind].user));
    if (perAddress > 0) checks.push(this.count(`${kind}:ip:${address}`, perAddress, weight, MESSAGES[kind].address));
    await Promise.all(checks);
  }

  private async count(key: string, max: number, weight: number, message: string): Promise<void> {
    let results: Array<{ current: number; ttl: number }>;
    try {
      results = await Promise.all(
        Array.from({ length: weight }, () => new Promise<{ current: number; ttl: number }>((resolve, reject) => this.store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), WINDOW_MS, max))),
      );
    } catch (error) {
      if (Date.now() - this.lastWarned > 10_000) {
        this.lastWarned = Date.now();
        this.log.warn({ err: error }, 'rate limit store unavailable; requests pass unlimited');
      }
      return;
    }
    const last = results.reduce((a, b) => (b.current > a.current ? b : a));
    if (last.current > max) {
      const seconds = Math.max(1, Math.ceil(last.ttl / 1000));
      throw new AppError('RATE_LIMITED', `${message}，请 ${seconds} 秒后再试（每分钟上限 ${max} 次）`, { retryAfterSeconds: seconds });
    }
  }
}
