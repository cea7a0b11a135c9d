/**
 * The live event stream: one `chatEvents` subscription over WebSocket (graphql-transport-ws,
 * authenticated by the session cookie), kept alive across drops.
 *
 * - Before the first subscribe it asks for `chatEventCursor`; every stored event it applies moves
 *   the cursor forward (ids are numeric strings; typing and presence have none).
 * - After every (re)connect it asks `chatEvents(after: cursor)` page by page and applies what it
 *   missed; live events that arrive meanwhile wait in a buffer, and an id seen twice is applied once.
 * - `resyncRequired` (the cursor is too old) tells listeners to refetch their state instead.
 * - A ping every 10 s that gets no pong within 5 s, or the browser going offline, ends the socket
 *   and the client reconnects (at once when the browser comes back online).
 * - A server that is stopping closes the socket with 1012 (Service Restart): the client reconnects
 *   at once, without backoff (the load balancer sends it to another instance), then catches up.
 */
import { createClient, type Client } from 'graphql-ws';
import { gql, isAbort, operationText, toApiError } from '../api.js';
import { sessionEnded } from '../auth.js';
import { viewer } from '../session.js';
import type { ChatEvent } from './types.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { EventFields } from '../graphql/fragments.js';

export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting';

const CURSOR = graphql('query ChatEventCursor { chatEventCursor }');
const SUBSCRIBE = graphql('subscription ChatEvents { chatEvents { ...EventFields } }', [EventFields]);
const CATCH_UP = graphql('query CatchUp($after: String!) { chatEvents(after: $after) { cursor hasMore resyncRequired events { ...EventFields } } }', [EventFields]);
type CatchUpPage = ResultOf<typeof CATCH_UP>['chatEvents'];
const VIEWER = graphql('query StillSignedIn { viewer { id } }');

const PING_INTERVAL_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
/** Give the server a moment to register the subscription before asking what was missed. */
const CATCH_UP_DELAY_MS = 250;
const MAX_SEEN = 5_000;
/** The server is stopping (server/plugins/drain.ts): reconnect without waiting. */
const SERVICE_RESTART = 1012;

type EventListener = (event: ChatEvent) => void;
type StateListener = (state: ConnectionState, recovered: boolean) => void;

const sleep = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));
const backoff = (attempt: number) => Math.min(8_000, 500 * 2 ** attempt) + Math.random() * 400;

function wsUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/graphql`;
}

function newer(a: string, b: string | null): boolean {
  if (b === null) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

class Realtime {
  private client: Client | null = null;
  private unsubscribe: (() => void) | null = null;
  private generation = 0;
  private cursor: string | null = null;
  private readonly seen = new Set<string>();
  /** Live events held back while a catch-up runs. */
  private buffer: ChatEvent[] | null = null;
  private catchUpRun = 0;
  private connectedOnce = false;
  private state: ConnectionState = 'idle';
  private pongTimer: number | undefined;
  private wake: (() => void) | null = null;
  /** The server closed the last socket with 1012: the next reconnect does not wait. */
  private restartNow = false;
  private readonly eventListeners = new Set<EventListener>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly resyncListeners = new Set<() => void>();

  /** Starts the stream for the signed-in viewer (no-op when running). */
  start(): void {
    if (this.generation % 2 === 1) return;
    this.generation += 1;
    const gen = this.generation;
    this.setState('connecting', false);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    document.addEventListener('visibilitychange', this.onOnline);
    void this.boot(gen);
  }

  /** Ends the stream (sign-out). */
  stop(): void {
    if (this.generation % 2 === 0) return;
    this.generation += 1;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    document.removeEventListener('visibilitychange', this.onOnline);
    window.clearTimeout(this.pongTimer);
    this.unsubscribe?.();
    this.unsubscribe = null;
    void this.client?.dispose();
    this.client = null;
    this.cursor = null;
    this.seen.clear();
    this.buffer = null;
    this.connectedOnce = false;
    this.setState('idle', false);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** State changes; `recovered` is true once after a reconnect has caught up. */
  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The server could not replay what was missed: refetch. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  private live(gen: number): boolean {
    return gen === this.generation;
  }

  private setState(state: ConnectionState, recovered: boolean): void {
    if (state === this.state && !recovered) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state, recovered);
  }

  private async boot(gen: number): Promise<void> {
    for (let attempt = 0; this.live(gen); attempt += 1) {
      try {
        const data = await gql(CURSOR);
        this.cursor = data.chatEventCursor;
        break;
      } catch (error) {
        if (toApiError(error).code === 'UNAUTHENTICATED') return sessionEnded();
        await sleep(backoff(attempt));
      }
    }
    if (!this.live(gen)) return;
    this.client = createClient({
      url: wsUrl(),
      lazy: true,
      keepAlive: PING_INTERVAL_MS,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: (retries) => this.retryWait(retries),
      on: {
        connected: () => this.onConnected(gen),
        closed: (event) => {
          this.restartNow = (event as { code?: number } | undefined)?.code === SERVICE_RESTART;
          this.onClosed(gen);
        },
        ping: (received) => {
          if (received) return;
          // Our ping is out: no pong in time means the socket is dead even if it looks open.
          window.clearTimeout(this.pongTimer);
          this.pongTimer = window.setTimeout(() => this.client?.terminate(), PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) window.clearTimeout(this.pongTimer);
        },
      },
    });
    this.subscribe(gen, 0);
  }

  private subscribe(gen: number, failures: number): void {
    if (!this.live(gen) || !this.client) return;
    this.unsubscribe = this.client.subscribe<ResultOf<typeof SUBSCRIBE>>(
      { query: operationText(SUBSCRIBE) },
      {
        next: (value) => {
          if (this.live(gen) && value.data?.chatEvents) this.receive(value.data.chatEvents);
        },
        error: () => void this.resubscribe(gen, failures + 1),
        complete: () => void this.resubscribe(gen, failures + 1),
      },
    );
  }

  /** The subscription ended (refused, or the socket was closed for good): check the session, then again. */
  private async resubscribe(gen: number, failures: number): Promise<void> {
    this.unsubscribe = null;
    if (!this.live(gen)) return;
    this.setState('reconnecting', false);
    try {
      const data = await gql(VIEWER);
      if (!this.live(gen)) return;
      if (!data.viewer || data.viewer.id !== viewer()?.id) return sessionEnded();
    } catch (error) {
      if (isAbort(error) || !this.live(gen)) return;
    }
    await sleep(backoff(Math.min(failures, 5)));
    this.subscribe(gen, failures);
  }

  private retryWait(retries: number): Promise<void> {
    if (this.restartNow) {
      // Once: should that attempt fail too, the usual backoff applies.
      this.restartNow = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        window.clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = window.setTimeout(done, backoff(retries));
      this.wake = done;
    });
  }

  private readonly onOffline = () => {
    if (this.state === 'online' || this.state === 'connecting') this.setState('reconnecting', false);
    this.client?.terminate();
  };

  private readonly onOnline = () => {
    if (document.visibilityState === 'visible' && navigator.onLine) this.wake?.();
  };

  private onConnected(gen: number): void {
    if (!this.live(gen)) return;
    const recovering = this.connectedOnce;
    this.connectedOnce = true;
    if (!recovering) this.setState('online', false);
    this.buffer ??= [];
    const run = ++this.catchUpRun;
    window.setTimeout(() => void this.catchUp(gen, run, recovering, 0), CATCH_UP_DELAY_MS);
  }

  private onClosed(gen: number): void {
    if (!this.live(gen)) return;
    window.clearTimeout(this.pongTimer);
    this.catchUpRun += 1;
    if (this.state !== 'idle') this.setState('reconnecting', false);
  }

  /** Replays stored events after the cursor, then what arrived live meanwhile. */
  private async catchUp(gen: number, run: number, recovering: boolean, attempt: number): Promise<void> {
    const current = () => this.live(gen) && run === this.catchUpRun;
    if (!current()) return;
    try {
      for (;;) {
        const after = this.cursor ?? '0';
        const { chatEvents: page } = await gql(CATCH_UP, { after });
        if (!current()) return;
        if (page.resyncRequired) {
          this.cursor = page.cursor;
          this.buffer = (this.buffer ?? []).filter((e) => e.id !== null && newer(e.id, page.cursor));
          for (const listener of [...this.resyncListeners]) listener();
          break;
        }
        for (const event of page.events) this.apply(event);
        if (newer(page.cursor, this.cursor)) this.cursor = page.cursor;
        if (!page.hasMore) break;
      }
    } catch (error) {
      if (!current()) return;
      if (toApiError(error).code === 'UNAUTHENTICATED') return sessionEnded();
      // Still connected but the request failed: try again; live events keep waiting.
      await sleep(backoff(attempt));
      return this.catchUp(gen, run, recovering, attempt + 1);
    }
    const held = this.buffer ?? [];
    this.buffer = null;
    for (const event of held) this.apply(event);
    this.setState('online', recovering);
  }

  private receive(event: ChatEvent): void {
    if (this.buffer && event.id !== null) this.buffer.push(event);
    else this.apply(event);
  }

  private apply(event: ChatEvent): void {
    if (event.id !== null) {
      if (this.seen.has(event.id)) return;
      this.seen.add(event.id);
      if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value as string);
      if (newer(event.id, this.cursor)) this.cursor = event.id;
    }
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        console.warn('chat event listener failed', error);
      }
    }
  }
}

/** The one stream of this tab. */
export const realtime = new Realtime();
