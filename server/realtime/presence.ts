import type { Redis } from 'ioredis';
import type { BusLog } from './bus.js';

/**
 * Who is online across instances. Each instance keeps its own sockets (hub.ts); this says
 * whether a person has a connection on any instance.
 *
 * With Redis: per person a sorted set `jiaoliu:presence:user:<id>` of instance ids scored by
 * when that instance's entry expires, and one sorted set `jiaoliu:presence:expiry` of
 * "<userId> <instanceId>" with the same scores. Each instance refreshes its people every
 * ttl/3; an instance that stops (crash, kill -9, lost network) stops refreshing, its entries
 * expire after the ttl, and the next sweep of any instance claims them (atomically, one
 * claimer each) and reports the people who now have no connection anywhere, with the time of
 * their last heartbeat as last seen. The scripts touch keys derived from their arguments: one
 * Redis, not a cluster.
 */
export interface SharedPresence {
  /**
   * These people's first connection on this instance opened (`connected`), or their last one here
   * closed: returns those whose presence changed, i.e. who had no connection anywhere before, or
   * have none anywhere now. One round trip for any number of people (a stop hands over everyone).
   */
  changed(userIds: string[], connected: boolean): Promise<string[]>;
  /** Of these people, who has a connection on any instance. */
  onlineAmong(userIds: string[]): Promise<Set<string>>;
  /** Starts the heartbeat; `wentOffline` reports people whose last instance expired. */
  start(localUsers: () => Iterable<string>, wentOffline: (userId: string, lastSeen: Date) => void): void;
  stop(): void;
}

/** One instance alone: its own sockets are all there is. */
export function localPresence(isLocal: (userId: string) => boolean): SharedPresence {
  return {
    changed: async (ids) => ids,
    onlineAmong: async (ids) => new Set(ids.filter(isLocal)),
    start: () => {},
    stop: () => {},
  };
}

const USER_PREFIX = 'jiaoliu:presence:user:';
const EXPIRY = 'jiaoliu:presence:expiry';

// KEYS: user set, expiry set. ARGV: now, expiresAt, instance, "<user> <instance>", ttl ms. Returns how many other live entries it had.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return before`;

// Same keys and arguments. Returns how many live entries are left.
const DISCONNECT = `
redis.call('ZREM', KEYS[1], ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])`;

// KEYS: expiry set. ARGV: now, user key prefix. Returns [userId, expiredAt, …] of people now offline everywhere.
const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, 500)
local out = {}
for i = 1, #due, 2 do
  local member = due[i]
  redis.call('ZREM', KEYS[1], member)
  local sep = string.find(member, ' ', 1, true)
  if sep then
    local key = ARGV[2] .. string.sub(member, 1, sep - 1)
    redis.call('ZREM', key, string.sub(member, sep + 1))
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
    if redis.call('ZCARD', key) == 0 then
      table.insert(out, string.sub(member, 1, sep - 1))
      table.insert(out, due[i + 1])
    end
  end
end
return out`;

export function redisPresence(redis: Redis, instanceId: string, ttlMs: number, log: BusLog, isLocal: (userId: string) => boolean): SharedPresence {
  // Commands time out after a second (redis.ts) and a Redis that stopped answering drops to 'reconnecting'
  // (server/redis.ts): every caller falls back at once instead of waiting on it.
  const notReady = () => (redis.status === 'ready' ? null : new Error(`redis not connected (${redis.status})`));
  let timer: NodeJS.Timeout | null = null;
  let failing = false;
  const failed = (what: string) => (error: unknown) => {
    // Logged once per outage, not on every heartbeat.
    if (!failing) log.error({ err: error }, `presence ${what} failed: presence falls back to this instance's sockets`);
    failing = true;
  };

  async function beat(localUsers: () => Iterable<string>, wentOffline: (userId: string, lastSeen: Date) => void) {
    const down = notReady();
    if (down) throw down;
    const now = Date.now();
    const pipeline = redis.pipeline();
    for (const userId of localUsers()) {
      pipeline.zadd(USER_PREFIX + userId, now + ttlMs, instanceId);
      pipeline.pexpire(USER_PREFIX + userId, ttlMs);
      pipeline.zadd(EXPIRY, now + ttlMs, `${userId} ${instanceId}`);
    }
    pipeline.eval(SWEEP, 1, EXPIRY, now, USER_PREFIX);
    const results = (await pipeline.exec()) ?? [];
    const error = results.find(([e]) => e)?.[0];
    if (error) throw error;
    const swept = results[results.length - 1][1] as string[];
    // A person whose expired entry was ours (this instance froze for a while) may still be here.
    for (let i = 0; i < swept.length; i += 2) if (!isLocal(swept[i])) wentOffline(swept[i], new Date(Number(swept[i + 1]) - ttlMs));
    if (failing) log.info({}, 'presence heartbeat restored');
    failing = false;
  }

  return {
    async changed(userIds, connected) {
      if (!userIds.length) return [];
      try {
        const down = notReady();
        if (down) throw down;
        const now = Date.now();
        const pipeline = redis.pipeline();
        for (const userId of userIds) pipeline.eval(connected ? CONNECT : DISCONNECT, 2, USER_PREFIX + userId, EXPIRY, now, now + ttlMs, instanceId, `${userId} ${instanceId}`, ttlMs);
        const results = (await pipeline.exec()) ?? [];
        return userIds.filter((_, i) => {
          const [error, left] = results[i] ?? [new Error('no answer')];
          if (error) throw error;
          return Number(left) === 0;
        });
      } catch (error) {
        // Unknown elsewhere: as if alone (online on connect, offline when the last local socket closes).
        failed('update')(error);
        return userIds;
      }
    },
    async onlineAmong(userIds) {
      if (!userIds.length) return new Set();
      try {
        const down = notReady();
        if (down) throw down;
        const now = Date.now();
        const pipeline = redis.pipeline();
        for (const id of userIds) pipeline.zcount(USER_PREFIX + id, now, '+inf');
        const results = (await pipeline.exec()) ?? [];
        const online = new Set<string>();
        results.forEach(([error, n], i) => {
          if (error) throw error;
          if (Number(n) > 0) online.add(userIds[i]);
        });
        return online;
      } catch (error) {
        failed('read')(error);
        return new Set(userIds.filter(isLocal));
      }
    },
    start(localUsers, wentOffline) {
      const tick = () => beat(localUsers, wentOffline).catch(failed('heartbeat'));
      timer = setInterval(tick, Math.max(200, Math.floor(ttlMs / 3)));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
