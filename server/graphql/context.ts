import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DomainContext, Deps } from '../modules/context.js';
import { resolveSession } from '../modules/accounts/sessions.js';
import { bindLog } from '../logging.js';

export const SESSION_COOKIE = 'jiaoliu_session';

/** Per-request GraphQL context: the domain context plus the cookie helpers of the HTTP reply. */
export interface JiaoliuContext {
  domain: DomainContext;
  setSessionCookie: (token: string, expiresAt: Date) => void;
  clearSessionCookie: () => void;
}

declare module 'mercurius' {
  interface MercuriusContext extends JiaoliuContext {}
}

export type GraphQLContext = import('mercurius').MercuriusContext;

/** The token a client presents: a bearer header (API clients) wins over the cookie (browser). */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE] ?? null;
}

export async function buildContext(orm: MikroORM, deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<JiaoliuContext> {
  const em = orm.em.fork();
  const token = presentedToken(request);
  const session = token ? await resolveSession(em, token, sessionLifetime(deps)) : null;
  // Every later record of this request (its "request completed" line too) names the user.
  if (session) bindLog(request.log, { userId: session.actor.userId });
  const secure = deps.config.cookieSecure || request.protocol === 'https';
  const setSessionCookie = (value: string, expiresAt: Date) =>
    reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
  // The cookie lives as long as the session it carries: renew it when the session was renewed.
  if (session?.renewedUntil && token && request.cookies?.[SESSION_COOKIE] === token) setSessionCookie(token, session.renewedUntil);
  return {
    domain: { em, actor: session?.actor ?? null, ip: request.ip, userAgent: request.headers['user-agent'] ?? null, deps },
    setSessionCookie,
    clearSessionCookie: () => reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' }),
  };
}

export const sessionLifetime = (deps: Deps) => ({ ttlHours: deps.config.sessionTtlHours, maxDays: deps.config.sessionMaxDays });
