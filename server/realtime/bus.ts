import { randomUUID } from 'node:crypto';
import mqemitter, { type MQEmitter } from 'mqemitter';
import type { Redis } from 'ioredis';
import { createRedis } from '../redis.js';
import { decodeWire, encodeWire } from './wire.js';
import { countBusError } from '../metrics/registry.js';

export interface BusLog {
  info: (obj: unknown, msg?: string) => void;
  warn: (obj: unknown, msg?: string) => void;
  error: (obj: unknown, msg?: string) => void;
}

/**
 * The event bus of this instance. `emitter` is what mercurius, the shared subscription lane and
 * the hub listen on; `deliver` puts a payload on some topics here and on every other instance.
 *
 * Alone (no REDIS_URL) it is the in-process mqemitter as before. With Redis, every delivery is
 * emitted locally at once and published once to one Redis channel with its list of topics
 * (not once per recipient); the other instances decode it once and emit it locally, so the
 * shared lane's per-payload cache works for payloads from Redis too. Local delivery never
 * waits on Redis: while Redis is away each instance keeps serving its own sockets, logs the
 * failed publishes, and ioredis reconnects and the bus subscribes again.
 *
 * (mqemitter-redis was tried first: it delivers even local events only through Redis, one
 * message per topic, and packs payloads with msgpack, where Dates and views lose their types.)
 */
export interface Bus {
  readonly emitter: MQEmitter;
  /** This instance's id on the bus (presence entries are kept per instance). */
  readonly instanceId: string;
  /** Emits `payload` on each topic here (unless `local` is false) and on every other instance. */
  deliver(topics: string[], payload: object, local?: boolean): void;
  /** The Redis client for commands (presence, and rate limits may share it), or null when alone. */
  readonly redis: Redis | null;
  /** Called whenever the bus reconnects after losing Redis (events may have been missed). */
  onReconnect(listener: () => void): void;
  /** For readiness and metrics: whether both connections answer and the channel is subscribed (null: no Redis), and counters since start. */
  status(): BusStatus;
  close(): Promise<void>;
}

export interface BusStatus {
  redisConnected: boolean | null;
  /** Messages published to Redis, received from other instances, and publishes that failed. */
  published: number;
  received: number;
  publishFailures: number;
}

const CHANNEL = 'jiaoliu:bus';

interface Envelope {
  /** Sending instance: it already delivered locally. */
  o: string;
  t: string[];
  p: unknown;
}

function emitLocally(emitter: MQEmitter, topics: string[], payload: object): void {
  for (const topic of topics) emitter.emit({ topic, payload } as never);
}

export function localBus(): Bus {
  const emitter = mqemitter();
  return {
    emitter,
    instanceId: randomUUID(),
    redis: null,
    deliver: (topics, payload, local = true) => local && emitLocally(emitter, topics, payload),
    onReconnect: () => {},
    status: () => ({ redisConnected: null, published: 0, received: 0, publishFailures: 0 }),
    close: () => new Promise<void>((resolve) => emitter.close(() => resolve())),
  };
}

export async function redisBus(url: string, log: BusLog): Promise<Bus> {
  const emitter = mqemitter();
  const instanceId = randomUUID();
  const pub = createRedis(url, log, 'bus-pub');
  // Subscribed by us on every 'ready' (below), not also by ioredis's auto-resubscribe.
  const sub = createRedis(url, log, 'bus-sub', { autoResubscribe: false });
  const reconnectListeners: Array<() => void> = [];
  let closing = false;
  let lost = false;
  let subscribed = false;
  const counts = { published: 0, received: 0, publishFailures: 0 };

  sub.on('message', (channel: string, text: string) => {
    if (channel !== CHANNEL) return;
    let envelope: Envelope;
    try {
      envelope = decodeWire<Envelope>(text);
    } catch (error) {
      countBusError('decode');
      log.error({ err: error }, 'bus message could not be decoded');
      return;
    }
    if (envelope.o === instanceId) return;
    counts.received++;
    emitLocally(emitter, envelope.t, envelope.p as object);
  });
  // Subscribed once per connection, on 'ready': that covers a Redis that was down at start too.
  let firstAttempt: () => void = () => {};
  const started = new Promise<void>((resolve) => (firstAttempt = resolve));
  sub.on('ready', () => {
    sub.subscribe(CHANNEL).then(
      () => {
        subscribed = true;
        firstAttempt();
        if (!lost) return;
        lost = false;
        log.info({ redis: 'bus' }, 'bus reconnected to redis: cross-instance delivery resumed');
        for (const listener of reconnectListeners) listener();
      },
      (error: Error) => (countBusError('subscribe'), log.error({ err: error }, 'bus subscribe failed (retried on reconnect)')),
    );
  });
  sub.on('close', () => {
    subscribed = false;
    firstAttempt(); // Redis is away at start: the instance starts alone and joins when it returns
    if (closing || lost) return;
    lost = true;
    countBusError('connection');
    log.error({ redis: 'bus' }, 'bus lost redis: events reach this instance only until it returns');
  });

  // Failed publishes are counted and logged at most once a second, with the last cause.
  let failed = 0;
  let lastLogged = 0;
  const publishFailed = (error: Error) => {
    counts.publishFailures++;
    countBusError('publish');
    failed++;
    if (Date.now() - lastLogged < 1000) return;
    lastLogged = Date.now();
    log.error({ err: error, dropped: failed }, 'bus publish failed: events did not reach the other instances');
    failed = 0;
  };

  // Start on the bus when Redis answers at once; never wait long for one that does not.
  let startTimer: NodeJS.Timeout | undefined;
  await Promise.race([started, new Promise<void>((resolve) => (startTimer = setTimeout(resolve, 3000)))]);
  clearTimeout(startTimer);

  return {
    emitter,
    instanceId,
    redis: pub,
    deliver(topics, payload, local = true) {
      if (local) emitLocally(emitter, topics, payload);
      if (closing) return;
      let text: string;
      try {
        text = encodeWire({ o: instanceId, t: topics, p: payload } satisfies Envelope);
      } catch (error) {
        countBusError('encode');
        log.error({ err: error, topics: topics.slice(0, 3) }, 'bus payload could not be encoded');
        return;
      }
      counts.published++;
      // Not connected (or not answering, see redis.ts): lost at once, nothing piles up in memory.
      if (pub.status !== 'ready') return publishFailed(new Error(`redis not connected (${pub.status})`));
      pub.publish(CHANNEL, text).catch(publishFailed);
    },
    onReconnect: (listener) => reconnectListeners.push(listener),
    status: () => ({ redisConnected: pub.status === 'ready' && sub.status === 'ready' && subscribed, ...counts }),
    async close() {
      closing = true;
      await Promise.allSettled([sub.quit(), pub.quit()]);
      sub.disconnect();
      pub.disconnect();
      await new Promise<void>((resolve) => emitter.close(() => resolve()));
    },
  };
}
