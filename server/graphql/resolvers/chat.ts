import mercurius from 'mercurius';
import { conversationForActor } from '../../modules/groups/access.js';
import { messageForActor } from '../../modules/chat/access.js';
import { loadMessageView, redactFor } from '../../modules/chat/messageViews.js';
import { currentCursor, eventsAfter } from '../../modules/chat/catchup.js';
import { directConversations, openDirect, setBlocked } from '../../modules/chat/direct.js';
import { editMessage, markRead, react, recallMessage, sendMessage, setTyping, unreadCounts, type SendInput } from '../../modules/chat/messages.js';
import { requireActor } from '../../modules/context.js';
import { eventViews, type ChatEventView } from '../../realtime/hub.js';
import type { GraphQLContext } from '../context.js';
import { authenticateSubscriber } from '../subscriptions.js';
import { rethrowUnavailable } from '../../db/unavailable.js';
import { isShareable } from '../sharedSubscriptions.js';
import type { GraphQLResolveInfo } from 'graphql';
import { countDelivered, timedSend } from '../../metrics/registry.js';
import { observedSubscribe } from '../observe.js';
import { socketLog } from '../subscriptions.js';
import { readSubscriptionQueue } from '../subscriptionQueue.js';

type Ctx = GraphQLContext;
// mercurius is CommonJS: Node's ESM loader does not see withFilter as a named export.
const { withFilter } = mercurius;

export const chatQueries = {
  message: async (_: unknown, args: { id: string }, { domain }: Ctx) => {
    const actor = requireActor(domain);
    const access = await messageForActor(domain.em, actor, args.id);
    // The message itself is readable (or NOT_FOUND above); a quote the viewer may not read is a placeholder.
    return redactFor((await loadMessageView(domain.em, access.message.id))!, actor.userId);
  },
  conversation: (_: unknown, args: { id: string }, { domain }: Ctx) => conversationForActor(domain.em, requireActor(domain), args.id),
  directConversations: (_: unknown, args: { first?: number }, { domain }: Ctx) => directConversations(domain, args.first ?? 50),
  unreadSummary: async (_: unknown, __: unknown, { domain }: Ctx) => {
    const counts = [...(await unreadCounts(domain.em, requireActor(domain).userId)).values()];
    return { unreadCount: counts.reduce((n, c) => n + c.unread, 0), mentionCount: counts.reduce((n, c) => n + c.mentions, 0) };
  },
  chatEventCursor: (_: unknown, __: unknown, { domain }: Ctx) => currentCursor(domain),
  chatEvents: async (_: unknown, args: { after: string }, { domain }: Ctx) => {
    const page = await eventsAfter(domain, args.after);
    return { ...page, events: await eventViews(domain.em, page.events, [], requireActor(domain).userId) };
  },
};

export const chatMutations = {
  openDirectConversation: (_: unknown, args: { userId: string }, { domain }: Ctx) => openDirect(domain, args.userId),
  // Send latency: from here to the end of the publish after commit (sendMessage awaits it).
  sendMessage: (_: unknown, args: SendInput & { conversationId: string }, { domain }: Ctx) => timedSend(() => sendMessage(domain, args.conversationId, args)),
  editMessage: (_: unknown, args: { messageId: string; body: string; acknowledgeSensitive?: boolean }, { domain }: Ctx) => editMessage(domain, args.messageId, args.body, !!args.acknowledgeSensitive),
  recallMessage: (_: unknown, args: { messageId: string }, { domain }: Ctx) => recallMessage(domain, args.messageId),
  addReaction: (_: unknown, args: { messageId: string; emoji: string }, { domain }: Ctx) => react(domain, args.messageId, args.emoji, true),
  removeReaction: (_: unknown, args: { messageId: string; emoji: string }, { domain }: Ctx) => react(domain, args.messageId, args.emoji, false),
  markRead: (_: unknown, args: { conversationId: string; seq?: number }, { domain }: Ctx) => markRead(domain, args.conversationId, args.seq),
  setTyping: (_: unknown, args: { conversationId: string }, { domain }: Ctx) => setTyping(domain, args.conversationId),
  blockUser: (_: unknown, args: { userId: string }, { domain }: Ctx) => setBlocked(domain, args.userId, true),
  unblockUser: (_: unknown, args: { userId: string }, { domain }: Ctx) => setBlocked(domain, args.userId, false),
};

const inConversation = (payload: { chatEvents: ChatEventView }, args: { conversationId?: string | null }) =>
  !args.conversationId || payload.chatEvents.conversationId === args.conversationId;

/**
 * A subscription to one conversation completes when its subscriber leaves it (kicked, banned,
 * removed, or gone), on whichever instance the socket is: the hub hears it over the bus.
 */
function endsWhenLeaving<T>(ctx: Ctx, conversationId: string, iterator: AsyncIterator<T> & AsyncIterable<T>, end: () => void): AsyncIterator<T> & AsyncIterable<T> {
  const connection = ctx.ws?.connection;
  if (!connection) return iterator;
  const forget = ctx.ws!.hub.trackStream(connection.userId, { conversationId, end });
  return {
    next: async () => {
      const result = await iterator.next();
      if (result.done) forget();
      return result;
    },
    return: async () => {
      forget();
      return iterator.return ? iterator.return() : { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export const chatSubscriptions = {
  chatEvents: {
    /**
     * Authenticated here (token from connection_init, or the upgrade request's cookie), and a
     * conversation filter is checked now: not a member answers NOT_FOUND at subscribe time.
     * A document that selects only viewer-independent fields is served by the shared lane
     * (executed once per event and document, not once per subscriber).
     */
    subscribe: (root: unknown, args: { conversationId?: string | null }, ctx: Ctx, info: GraphQLResolveInfo) =>
      // Counted by operation and outcome, logged on the socket's logger.
      observedSubscribe(info.operation.name?.value, socketLog(ctx), async () => {
        const topic = await authenticateSubscriber(ctx).catch(rethrowUnavailable);
        const conversationId = args.conversationId
          ? (await conversationForActor(ctx.domain.em, requireActor(ctx.domain), args.conversationId).catch(rethrowUnavailable)).conversation.id
          : null;
        const subscriptionId = (ctx as { id?: unknown }).id;
        if (ctx.ws && typeof subscriptionId === 'string' && isShareable(info)) {
          const iterator = ctx.ws.lane.subscribe(topic, ctx.ws.socket, subscriptionId, info, (payload) => inConversation(payload as { chatEvents: ChatEventView }, args));
          // The shared lane writes each frame as the event arrives: ending at once keeps the order.
          return conversationId ? endsWhenLeaving(ctx, conversationId, iterator, () => void iterator.return?.()) : iterator;
        }
        const queue = await ctx.pubsub.subscribe(topic);
        const iterator = (await withFilter(async () => readSubscriptionQueue(queue), inConversation)(root, args, ctx, info)) as AsyncIterator<unknown> & AsyncIterable<unknown>;
        // End of stream after what the queue already holds (the removal event itself).
        return conversationId ? endsWhenLeaving(ctx, conversationId, iterator, () => !queue.readableEnded && !queue.destroyed && queue.push(null)) : iterator;
      }),
    /**
     * Per-subscriber execution: a socket keeps one context for its whole life, so forget the
     * entities loaded for the last event (nothing stale is shown, the identity map does not grow).
     */
    resolve: (payload: { chatEvents: ChatEventView }, _args: unknown, ctx: Ctx) => {
      // The shared lane executes with a viewerless context of its own: nothing to forget there.
      ctx.domain?.em?.clear();
      countDelivered('subscriber');
      return payload.chatEvents;
    },
  },
};
