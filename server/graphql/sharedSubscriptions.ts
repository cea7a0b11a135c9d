import {
  execute,
  getNamedType,
  isObjectType,
  Kind,
  print,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from './graphqlModule.js';
import type { MQEmitter } from 'mqemitter';
import type { WebSocket } from 'ws';
import { countDelivered } from '../metrics/registry.js';

/**
 * Shared execution of live events. mercurius runs a subscription's GraphQL document once per
 * subscriber per event; for 50 members of a group that is 50 identical executions and 50
 * JSON.stringify calls whenever the document selects nothing that depends on who is watching.
 *
 * A subscription whose document selects only fields in SHARED (below) is served here instead:
 * each event is executed by graphql-js once per distinct (document, variables) with a viewerless
 * context, serialised once, and the same `next` frame text is written to every such socket.
 * The result is exactly what mercurius would send (same execution of the same document, and
 * the same frame layout); tests/server/chat/shared.test.ts compares the two byte for byte.
 * Documents with any other field (clientMessageId, viewerCan, viewerReacted, phone, presence…),
 * abstract types or unknown directives keep mercurius's per-subscriber execution.
 *
 * It listens on the same emitter topics as mercurius would (one per user). Results are cached
 * per payload object: the hub emits one object for all recipients, and the Redis bus decodes an
 * event from another instance once and emits that one object to all its topics (realtime/bus.ts).
 */

/** Fields whose value is the same for every viewer (no resolver reads the context or the clock). */
const SHARED: Record<string, ReadonlySet<string>> = {
  ChatEvent: new Set(['id', 'type', 'conversationId', 'at', 'message', 'user', 'readSeq', 'online']),
  // Restricted messages reach this lane already redacted per recipient group (realtime/hub.ts
  // payloadsFor): the payload, not the viewer, decides what a non-reader sees. The removal
  // tombstone is the same for everyone; removedBody (admins only) is not shared.
  Message: new Set(['id', 'conversationId', 'seq', 'author', 'body', 'replyTo', 'mentions', 'mentionsAll', 'reactions', 'createdAt', 'editedAt', 'recalledAt', 'confidentiality', 'restrictedPlaceholder', 'removal']),
  ContentRemoval: new Set(['reason', 'reasonLabel', 'notice', 'removedAt', 'movedToThreadId']),
  // viewerReacted is computed for the viewer by Message.reactions.
  ReactionGroup: new Set(['emoji', 'count', 'users']),
  // phone, status, … depend on the viewer; adminUnits, presence, … are loaders.
  User: new Set(['id', 'loginName', 'realName', 'unit', 'title', 'isSystemAdmin', 'createdAt']),
  OrgUnit: new Set(['id', 'name', 'level']),
};

function selectsOnlyShared(selectionSet: SelectionSetNode, type: GraphQLObjectType, fragments: Record<string, FragmentDefinitionNode>, depth = 0): boolean {
  if (depth > 20) return false;
  const allowed = SHARED[type.name];
  if (!allowed) return false;
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((d) => d.name.value !== 'include' && d.name.value !== 'skip')) return false;
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__typename') continue;
      if (!allowed.has(name) || selection.arguments?.length) return false;
      const field = type.getFields()[name];
      if (!field) return false;
      const named = getNamedType(field.type);
      if (selection.selectionSet) {
        if (!isObjectType(named) || !selectsOnlyShared(selection.selectionSet, named, fragments, depth + 1)) return false;
      }
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment) return false;
      if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return false;
      if (!selectsOnlyShared(fragment.selectionSet, type, fragments, depth + 1)) return false;
    }
  }
  return true;
}

/**
 * Whether the subscription's root field selects only viewer-independent fields (the root
 * field's own arguments are the subscriber's filter, handled by the caller).
 */
export function isShareable(info: GraphQLResolveInfo): boolean {
  if (info.fieldNodes.length !== 1 || info.operation.selectionSet.selections.length !== 1) return false;
  const root = info.fieldNodes[0];
  if (root.directives?.length || !root.selectionSet) return false;
  const type = getNamedType(info.returnType);
  return isObjectType(type) && selectsOnlyShared(root.selectionSet, type, info.fragments);
}

interface SharedSubscriber {
  socket: WebSocket;
  /** The client's subscribe id, echoed in every frame. */
  id: string;
  key: string;
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  accept: (payload: unknown) => boolean;
}

export interface SharedLaneOptions {
  emitter: MQEmitter;
  /** The context resolvers see: no viewer (a field that wrongly read one would get the anonymous answer). */
  viewerlessContext: () => object;
  /** mercurius's errorFormatter, for a result with errors. */
  formatErrors: (result: ExecutionResult) => { response: unknown };
}

/** The payload's serialised result per document key, for as long as the payload lives. */
const resultsByPayload = new WeakMap<object, Map<string, Buffer>>();
const CLOSE_BRACE = Buffer.from('}');

export class SharedLane {
  private executions = 0;
  private deliveries = 0;

  constructor(private readonly options: SharedLaneOptions) {}

  /** Figures for tests and benchmarks: executions run, frames written. */
  stats() {
    return { executions: this.executions, deliveries: this.deliveries };
  }

  /**
   * Serves one subscription; returns the async iterator graphql-js expects from `subscribe`.
   * It never yields (frames go straight to the socket) and ends when mercurius stops the
   * subscription or the connection closes (both call `return`).
   */
  subscribe(topic: string, socket: WebSocket, id: string, info: GraphQLResolveInfo, accept: (payload: unknown) => boolean): AsyncIterator<never> & AsyncIterable<never> {
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] };
    const operationName = info.operation.name?.value;
    const variables = info.variableValues;
    const subscriber: SharedSubscriber = {
      socket,
      id,
      // Same operation text, fragments and variables: same result.
      key: JSON.stringify([print(document), operationName ?? null, variables]),
      schema: info.schema,
      document,
      variables,
      operationName,
      accept,
    };
    const listener = (message: { payload?: unknown }, done: () => void) => {
      try {
        this.deliver(subscriber, message.payload);
      } finally {
        done();
      }
    };
    this.options.emitter.on(topic, listener as never);
    let finish: ((value: IteratorResult<never>) => void) | null = null;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.options.emitter.removeListener(topic, listener as never);
      finish?.({ done: true, value: undefined });
    };
    socket.once('close', end);
    return {
      next: () => (ended ? Promise.resolve({ done: true, value: undefined }) : new Promise<IteratorResult<never>>((resolve) => (finish = resolve))),
      return: async () => {
        end();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private deliver(subscriber: SharedSubscriber, payload: unknown): void {
    if (!payload || typeof payload !== 'object' || !subscriber.accept(payload)) return;
    if (subscriber.socket.readyState !== 1 /* OPEN */) return;
    let results = resultsByPayload.get(payload);
    if (!results) resultsByPayload.set(payload, (results = new Map()));
    // The frame's bytes, per document key and subscribe id (clients mostly use the same id):
    // encoded once, written to every socket as a text frame.
    const frameKey = `${subscriber.id}\u0000${subscriber.key}`;
    let frame = results.get(frameKey);
    if (frame === undefined) {
      let serialised = results.get(subscriber.key);
      if (serialised === undefined) {
        serialised = Buffer.from(this.run(subscriber, payload));
        results.set(subscriber.key, serialised);
      }
      // mercurius's frame: JSON.stringify({ type, id, payload }).
      frame = Buffer.concat([Buffer.from(`{"type":"next","id":${JSON.stringify(subscriber.id)},"payload":`), serialised, CLOSE_BRACE]);
      results.set(frameKey, frame);
    }
    subscriber.socket.send(frame, { binary: false });
    this.deliveries++;
    countDelivered('shared');
  }

  private run(subscriber: SharedSubscriber, payload: object): string {
    this.executions++;
    const result = execute({
      schema: subscriber.schema,
      document: subscriber.document,
      rootValue: payload,
      contextValue: this.options.viewerlessContext(),
      variableValues: subscriber.variables,
      operationName: subscriber.operationName,
    }) as ExecutionResult;
    // Every SHARED field resolves synchronously; anything else would have been refused.
    if (typeof (result as unknown as Promise<unknown>).then === 'function') throw new Error('shared subscription execution must be synchronous');
    const hasErrors = Array.isArray(result.errors) && result.errors.length > 0;
    return JSON.stringify(hasErrors ? this.options.formatErrors(result).response : result);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared subscription lane (its stats are read by tests and the benchmark). */
    sharedLane: SharedLane;
  }
}
