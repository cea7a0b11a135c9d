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
  let hub: RealtimeHub | null = null;
  const isLocal = (userId: string) => hub?.isLocal(userId) ?? false;
  const presence = bus.redis ? redisPresence(bus.redis, bus.instanceId, config.presenceTtlMs, log, isLocal) : localPresence(isLocal);
  hub = new RealtimeHub(bus, orm, presence, log);
  const caches = busCaches(bus);
  const started = hub;
  return {
    bus,
    hub: started,
    caches,
    start: () => started.start(),
    close: async () => {
      await started.stop();
      await bus.close();
    },
  };
}
