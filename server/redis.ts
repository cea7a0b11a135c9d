import { Redis, type RedisOptions } from 'ioredis';

interface Log {
  warn: (obj: unknown, msg?: string) => void;
}

/**
 * No Redis command waits longer than this: callers fall back (presence, rate limits) or count a lost
 * publish. A second, not less: an event loop stalled for a few hundred ms (GC, a burst) would otherwise
 * fail commands whose answers had already arrived.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** How often an idle client checks that Redis still answers (a half-open connection looks 'ready'). */
const WATCHDOG_MS = 1000;

/**
 * A Redis client for REDIS_URL. It reconnects by itself (backoff capped at 2 s) and never makes a
 * caller wait long on a Redis that is away or does not answer:
 * - every command (pipelines, the ready check and commands queued while disconnected included)
 *   fails after REDIS_COMMAND_TIMEOUT_MS; the offline queue is also flushed on every second failed reconnect;
 * - callers that can skip Redis check `status === 'ready'` first (bus, presence, readiness) and
 *   fall back at once; the queue only holds what others sent while (re)connecting;
 * - a watchdog PINGs every second; two PINGs in a row that time out (Redis black-holed, paused, or
 *   the connection half-open) drop the connection, which fails everything still waiting on it and
 *   reconnects. So `status === 'ready'` means "answered within the last ~4 s".
 * Errors are logged with their cause, never swallowed.
 */
export function createRedis(url: string, log: Log, name: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    connectionName: `jiaoliu-${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // What timed out was already reported failed to its caller: never sent again after a reconnect.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...options,
  });
  let lastLogged = 0;
  const warn = (error: Error) => {
    // Once a second at most: a Redis that is down reports on every retry.
    if (Date.now() - lastLogged < 1000) return;
    lastLogged = Date.now();
    log.warn({ err: error, redis: name }, 'redis error');
  };
  client.on('error', warn);
  let probing = false;
  let missed = 0;
  const watchdog = setInterval(() => {
    if (client.status !== 'ready' || probing) return;
    probing = true;
    // PING is allowed in subscriber mode too (the bus's subscriber connection).
    client
      .ping()
      .then(() => (missed = 0))
      .catch((error: Error) => {
        if (client.status !== 'ready' || !/timed out/i.test(error.message)) return;
        // Two in a row: one slow answer on a busy machine is not a dead connection.
        if (++missed < 2) return;
        missed = 0;
        warn(new Error(`redis did not answer two PINGs within ${REDIS_COMMAND_TIMEOUT_MS} ms: reconnecting`));
        client.disconnect(true);
      })
      .finally(() => (probing = false));
  }, WATCHDOG_MS);
  watchdog.unref();
  client.on('end', () => clearInterval(watchdog));
  return client;
}
