import type { Readable } from 'node:stream';

/**
 * Reads the queue mercurius gives a subscription without destroying it when the reader stops
 * early. A client's `complete` that arrives while an event is on its way makes mercurius close the
 * queue and then return the iterator; a Readable destroyed before its end emits AbortError, which
 * mercurius logs at error level ("subscription queue error"), as a kicked member's page did.
 * mercurius still ends the queue itself (push(null)) and removes its listeners.
 */
export function readSubscriptionQueue<T>(queue: Readable): AsyncIterableIterator<T> {
  return queue.iterator({ destroyOnReturn: false });
}
