import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';
import type { Actor, MaybeActor } from '../policies/index.js';
import type { PasswordHasher } from './accounts/passwords.js';
import type { DirectorySignIn } from './accounts/directoryAccounts.js';
import type { PresenceReader, RealtimePublisher } from './core/realtime.js';
import type { ObjectStore } from '../storage/index.js';
import type { DownloadLinks } from './documents/download.js';

/** Long-lived collaborators of the domain services, built once at start. */
export interface Deps {
  config: Config;
  hasher: PasswordHasher;
  realtime: RealtimePublisher;
  presence: PresenceReader;
  /** File bytes (S3 or disk). */
  storage: ObjectStore;
  /** Short-lived download links. */
  downloadLinks: DownloadLinks;
  /** In-process caches of shared state, dropped on every instance. */
  caches: SharedCaches;
  /** Sign-in against the LDAP directory (LDAP_URL); absent: local accounts only. */
  directory?: DirectorySignIn | null;
}

export type CacheName = 'sensitiveRules';

/** Drops a cached entry (null: the whole cache) here at once and on every other instance. */
export interface SharedCaches {
  invalidate(cache: CacheName, key: string | null): void;
}

/**
 * What a domain service gets for one request: its own EntityManager, the actor and the
 * client address (for audit and throttling). No fastify or mercurius types cross this line.
 */
export interface DomainContext {
  em: EntityManager;
  actor: MaybeActor;
  ip: string;
  userAgent: string | null;
  deps: Deps;
}

export function requireActor(ctx: DomainContext): Actor {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}
