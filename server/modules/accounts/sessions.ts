import type { EntityManager } from '@mikro-orm/postgresql';
import { Session, User } from '../../db/entities/index.js';
import type { Actor } from '../../policies/index.js';
import { hashToken, newSessionToken } from './tokens.js';
import { renewSession, sessionActorRows } from './store.js';

const RENEW_AFTER_MS = 5 * 60_000;

/** Creates a session row (flushed by the caller's transaction) and returns the bearer token. */
export function openSession(em: EntityManager, user: User, ttlHours: number, ip: string, userAgent: string | null): { token: string; session: Session } {
  const token = newSessionToken();
  const session = new Session();
  session.user = em.getReference(User, user.id, { wrapped: true });
  session.tokenHash = hashToken(token);
  session.expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  session.ip = ip.slice(0, 64);
  session.userAgent = userAgent?.slice(0, 300) ?? null;
  em.persist(session);
  return { token, session };
}

export interface SessionLifetime {
  /** Idle timeout: a session unused this long ends. */
  ttlHours: number;
  /** Absolute limit: no session lives longer, however busy. */
  maxDays: number;
}

/**
 * Turns a presented token into the actor, or null when it is unknown, expired, too old, or
 * the account is no longer active. Sliding expiry: use renews it, at most every few minutes;
 * `renewedUntil` then tells the caller to renew the cookie as well.
 */
export async function resolveSession(em: EntityManager, token: string, lifetime: SessionLifetime): Promise<{ actor: Actor; renewedUntil: Date | null } | null> {
  if (!token || token.length > 100) return null;
  // Every request runs this: a prepared statement, straight on a pool connection.
  const rows = await sessionActorRows(em, hashToken(token), lifetime.maxDays);
  const row = rows[0];
  if (!row) return null;
  let renewedUntil: Date | null = null;
  if (Date.now() - new Date(row.last_used_at).getTime() > RENEW_AFTER_MS) {
    renewedUntil = await renewSession(em, row.session_id, lifetime.ttlHours, lifetime.maxDays);
  }
  const actor: Actor = {
    userId: row.user_id,
    sessionId: row.session_id,
    unitId: row.unit_id,
    isSystemAdmin: row.is_system_admin,
    adminUnitPaths: row.admin_paths ?? [],
    mustChangePassword: row.must_change_password,
  };
  return { actor, renewedUntil };
}

export async function endSession(em: EntityManager, sessionId: string): Promise<void> {
  await em.nativeDelete(Session, { id: sessionId });
}

/** Ends every session of the user, optionally keeping one (the one changing the password). */
export async function endAllSessions(em: EntityManager, userId: string, keepSessionId?: string): Promise<number> {
  return em.nativeDelete(Session, keepSessionId ? { user: userId, id: { $ne: keepSessionId } } : { user: userId });
}

export async function pruneExpiredSessions(em: EntityManager): Promise<number> {
  return em.nativeDelete(Session, { expiresAt: { $lt: new Date() } });
}

export async function listSessions(em: EntityManager, userId: string): Promise<Session[]> {
  return em.find(Session, { user: userId, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc' } });
}

/** Ends one of the user's own sessions; another user's id is answered as not found. */
export async function revokeOwnSession(em: EntityManager, userId: string, sessionId: string): Promise<boolean> {
  return (await em.nativeDelete(Session, { id: sessionId, user: userId })) > 0;
}
