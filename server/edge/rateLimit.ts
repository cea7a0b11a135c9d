import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

export type LimitKind = 'mutation' | 'upload';

export interface RateLimits {
  /** Per minute; 0 turns that limit off. */
  mutationsPerUser: number;
  /** Mutations without a session (login, registration, …) per address. */
  mutationsPerAddress: number;
  uploadsPerUser: number;
}

const WINDOW_MS = 60_000;

const MESSAGES: Record<LimitKind, { user: string; address: string }> = {
  mutation: { user: '您的操作过于频繁', address: '来自您所在网络的操作过于频繁' },
  upload: { user: '您上传文件过于频繁', address: '来自您所在网络的上传过于频繁' },
};

interface Log {
  warn: (obj: unknown, msg?: string) => void;
}

/** A fixed window counter: adds `weight` to the key and answers the new count and the window's remaining time. */
interface Store {
  incr(key: string, weight: number): Promise<{ current: number; ttlMs: number }>;
}

// One round trip, however heavy the request: the window starts with the key's first count.
const INCR_SCRIPT = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {current, ttl}`;

type ScriptedRedis = Redis & { jiaoliuRateIncr(key: string, weight: number, windowMs: number): Promise<[number, number]> };

class RedisStore implements Store {
  private readonly redis: ScriptedRedis;
  constructor(redis: Redis) {
    // defineCommand sends EVALSHA, falling back to EVAL once per connection when Redis lacks the script.
    if (!('jiaoliuRateIncr' in redis)) redis.defineCommand('jiaoliuRateIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }
  async incr(key: string, weight: number) {
    const [current, ttlMs] = await this.redis.jiaoliuRateIncr(`jiaoliu-rate-${key}`, weight, WINDOW_MS);
    return { current, ttlMs };
  }
}

/** Without Redis, each instance counts alone; at most MAX_KEYS windows are kept (the oldest go first). */
class MemoryStore implements Store {
  private static readonly MAX_KEYS = 20_000;
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  async incr(key: string, weight: number) {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= MemoryStore.MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
      window = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(key, window);
    }
    window.count += weight;
    return { current: window.count, ttlMs: window.resetAt - now };
  }
}

/**
 * Mutation and upload limits in fixed one-minute windows: a signed-in request counts against its
 * person only, a request without a session against its address. An office of hundreds behind
 * one NAT address thus never shares one budget, while an address still cannot hammer login or
 * registration. With Redis the counters are shared by every instance; without it each instance
 * counts alone. When Redis cannot answer, the request passes (logged): a rate limit must not take
 * the service down with it.
 */
export class RateLimiter {
  private readonly store: Store;
  private lastWarned = 0;

  constructor(private readonly limits: RateLimits, private readonly log: Log, redis: Redis | null) {
    this.store = redis ? new RedisStore(redis) : new MemoryStore();
  }

  /**
   * Counts `weight` actions (aliased mutations count one each), for the user when signed in, else
   * for the address. Throws RATE_LIMITED with retryAfterSeconds when over the limit.
   */
  async hit(kind: LimitKind, userId: string | null, address: string, weight = 1): Promise<void> {
    if (userId) {
      const max = kind === 'mutation' ? this.limits.mutationsPerUser : this.limits.uploadsPerUser;
      if (max > 0) await this.count(`${kind}:user:${userId}`, max, weight, MESSAGES[kind].user);
    } else {
      // Uploads need a session: the only anonymous actions counted are mutations.
      const max = kind === 'mutation' ? this.limits.mutationsPerAddress : 0;
      if (max > 0) await this.count(`${kind}:ip:${address}`, max, weight, MESSAGES[kind].address);
    }
  }

  private async count(key: string, max: number, weight: number, message: string): Promise<void> {
    let result: { current: number; ttlMs: number };
    try {
      result = await this.store.incr(key, weight);
    } catch (error) {
      if (Date.now() - this.lastWarned > 10_000) {
        this.lastWarned = Date.now();
        this.log.warn({ err: error }, 'rate limit store unavailable; requests pass unlimited');
      }
      return;
    }
    if (result.current > max) {
      const seconds = Math.max(1, Math.ceil(result.ttlMs / 1000));
      throw new AppError('RATE_LIMITED', `${message}，请 ${seconds} 秒后再试（每分钟上限 ${max} 次）`, { retryAfterSeconds: seconds });
    }
  }
}
