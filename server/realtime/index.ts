import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { SharedCaches } from '../modules/context.js';
import { localBus, redisBus, type Bus, type BusLog } from './bus.js';
import { busCaches } from './caches.js';
import { RealtimeHub } from './hub.js';
import { localPresence, redisPresence } from './presence.js';

export interface Realtime {
  bus: Bus;
  hub: RealtimeHub;
  caches: SharedCaches;
  /** Starts the presence heartbeat (once the server is ready). */
  start(): void;
  /** Stops the heartbeat, takes this instance's people offline where they have no other connection, closes the bus. */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Bus, hub and shared caches of this instance (bus.status() for readiness and metrics). */
    realtime: Realtime;
  }
}

/** The realtime layer of one instance: alone, or sharing bus and presence through REDIS_URL. */
export async function createRealtime(config: Config, orm: MikroORM, log: BusLog): Promise<Realtime> {
  const bus = config.redisUrl ? await redisBus(config.redisUrl, log) : localBus();
  // Presence asks the hub about this instance's sockets; the hub is built with the presence.
  const isLocal = (userId: string) => hub.isLocal(userId);
  const presence = bus.redis ? redisPresence(bus.redis, bus.instanceId, config.presenceTtlMs, log, isLocal) : localPresence(isLocal);
  const hub: RealtimeHub = new RealtimeHub(bus, orm, presence, log, config.sessionMaxDays);
  return {
    bus,
    hub,
    caches: busCaches(bus),
    start: () => hub.start(),
    close: async () => {
      await hub.stop();
      await bus.close();
    },
  };
}
