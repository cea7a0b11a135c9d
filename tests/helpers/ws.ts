import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A live event stream over a real WebSocket (graphql-transport-ws), collecting what arrives. */
export interface Stream {
  events: Array<Record<string, any>>;
  errors: unknown[];
  closed: { code: number; reason: string } | null;
  /** The server completed the subscription. */
  completed: boolean;
  /** Resolves once `predicate` matches an event that has arrived (or arrives within `ms`). */
  waitFor: (predicate: (event: Record<string, any>) => boolean, ms?: number) => Promise<Record<string, any>>;
  dispose: () => Promise<void>;
}

export const EVENT_FIELDS = `id type conversationId at readSeq online user { id realName } message { id seq body recalledAt editedAt author { id realName unit { name } } reactions { emoji count users { realName } } replyTo { id } mentionsAll mentions { id } clientMessageId } notification { id kind thread { id title } reply { floor } actor { realName } }`;

export interface StreamOptions {
  token?: string;
  cookie?: string;
  origin?: string;
  conversationId?: string;
  connectionParams?: Record<string, unknown>;
  /** The ChatEvent selection (default EVENT_FIELDS, served per subscriber because of clientMessageId). */
  fields?: string;
}

export function openStream(baseUrl: string, options: StreamOptions = {}): Promise<Stream> {
  const url = baseUrl.replace(/^http/, 'ws') + '/graphql';
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const stream: Stream = {
    events: [],
    errors: [],
    closed: null,
    completed: false,
    waitFor: (predicate, ms = 5000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const found = stream.events.find(predicate);
          if (found) return resolve(found);
          if (Date.now() - started > ms) return reject(new Error(`event not received within ${ms} ms; got ${JSON.stringify(stream.events.map((e) => e.type))}`));
          setTimeout(check, 20);
        };
        check();
      }),
    dispose: async () => {
      await client.dispose();
    },
  };
  class HeaderWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client: WsClient = createClient({
    url,
    webSocketImpl: HeaderWebSocket,
    connectionParams: options.connectionParams ?? (options.token ? { token: options.token } : undefined),
    retryAttempts: 0,
    lazy: false,
    // The close is recorded in stream.closed and asserted by the tests; no console noise.
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        stream.closed = { code: e.code, reason: String(e.reason) };
      },
    },
  });
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve(stream);
      }
    };
    client.subscribe(
      { query: `subscription($c: ID) { chatEvents(conversationId: $c) { ${options.fields ?? EVENT_FIELDS} } }`, variables: { c: options.conversationId ?? null } },
      {
        next: (value) => {
          if (value.errors) stream.errors.push(...value.errors);
          else if (value.data) stream.events.push((value.data as Record<string, any>).chatEvents);
        },
        error: (error) => {
          stream.errors.push(error);
          settle();
        },
        complete: () => {
          stream.completed = true;
          settle();
        },
      },
    );
    // The subscription is live once the server acknowledged it; a short pause covers the ack.
    client.on('connected', () => setTimeout(settle, 150));
    setTimeout(settle, 3000);
  });
}

/** The frames of one subscription as the server wrote them (text, or "binary:" + text), for byte-for-byte comparisons. */
export interface RawStream {
  frames: string[];
  close: () => void;
}

export function rawStream(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const stream: RawStream = { frames: [], close: () => socket.close() };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('message', (data, isBinary) => {
      // A binary frame would not equal mercurius's text frame.
      const text = (isBinary ? 'binary:' : '') + String(data);
      const frame = isBinary ? null : (JSON.parse(text) as { type: string });
      if (frame?.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
        setTimeout(() => resolve(stream), 150);
      } else if (!frame || frame.type === 'next' || frame.type === 'error') stream.frames.push(text);
    });
    socket.on('error', reject);
  });
}

/** Polls `check` every 20 ms until it holds, or fails after `ms`. */
export async function waitUntil(check: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
