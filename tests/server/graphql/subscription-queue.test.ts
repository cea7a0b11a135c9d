/**
 * A client that completes a subscription while an event is on its way: mercurius closes the
 * subscription's queue and returns the iterator. Read through readSubscriptionQueue (as the
 * chatEvents resolver does), nothing is logged; read as the bare queue, the Readable is destroyed
 * before its end and mercurius logs an AbortError at error level (seen on every kick).
 */
import { createRequire } from 'node:module';
import mqemitter from 'mqemitter';
import mercurius from 'mercurius';
import { describe, expect, it } from 'vitest';
import { readSubscriptionQueue } from '../../../server/graphql/subscriptionQueue.js';

const require = createRequire(import.meta.url);
// mercurius's own subscription context (not exported from its index): the queue it hands resolvers.
const { PubSub, SubscriptionContext } = require('mercurius/lib/subscriber.js');

async function completeWhileDelivering(read: (queue: never) => AsyncIterable<unknown>) {
  const errors: unknown[] = [];
  const log = { error: (entry: unknown) => errors.push(entry) };
  const context = new SubscriptionContext({ pubsub: new PubSub(mqemitter()), fastify: { log } });
  const queue = await context.subscribe('chat');
  const iterator = (await mercurius.withFilter(async () => read(queue as never), () => true)({}, {}, {} as never, {} as never)) as AsyncIterator<unknown>;
  await context.publish({ topic: 'chat', payload: { n: 1 } });
  expect(await iterator.next()).toEqual({ done: false, value: { n: 1 } });
  // mercurius's handleGQLComplete: close the context, then return the iterator.
  context.close();
  await iterator.return?.();
  await new Promise((resolve) => setImmediate(resolve));
  return errors;
}

describe('a subscription completed while an event is on its way', () => {
  it('logs nothing when read through readSubscriptionQueue', async () => {
    expect(await completeWhileDelivering((queue) => readSubscriptionQueue(queue))).toEqual([]);
  });
});
