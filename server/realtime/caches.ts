import type { CacheName, SharedCaches } from '../modules/context.js';
import { invalidateRules } from '../modules/content/sensitive.js';
import type { Bus } from './bus.js';

const TOPIC = 'jiaoliu:cache-invalidate';

/** How each in-process cache of shared state forgets an entry (null: everything). */
const LOCAL: Record<CacheName, (key: string | null) => void> = {
  sensitiveRules: invalidateRules,
};

/**
 * Caches of shared state dropped on every instance: here at once, elsewhere as the bus brings
 * the message. After a Redis outage every cache is dropped whole (invalidations may have been
 * missed meanwhile).
 */
export function busCaches(bus: Bus): SharedCaches {
  bus.emitter.on(TOPIC, ((message: { payload: { cache: CacheName; key: string | null } }, done: () => void) => {
    LOCAL[message.payload.cache]?.(message.payload.key);
    done();
  }) as never);
  bus.onReconnect(() => {
    for (const drop of Object.values(LOCAL)) drop(null);
  });
  return {
    invalidate(cache, key) {
      LOCAL[cache](key);
      bus.deliver([TOPIC], { cache, key }, false);
    },
  };
}
