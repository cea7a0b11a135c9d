import { Redis } from 'ioredis';

interface Log {
  warn: (obj: unknown, msg?: string) => void;
}

/**
 * A Redis client for REDIS_URL. It reconnects by itself (backoff capped at 2 s) and never
 * queues commands for long while Redis is away: callers get an error and fall back.
 * Errors are logged with their cause, never swallowed.
 */
export function createRedis(url: string, log: Log, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `jiaoliu-${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // Once a second at most: a Redis that is down reports on every retry.
    if (Date.now() - lastLogged < 1000) return;
    lastLogged = Date.now();
    log.warn({ err: error, redis: name }, 'redis error');
  });
  return client;
}
