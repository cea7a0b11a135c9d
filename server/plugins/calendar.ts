import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../errors.js';
import { resolveSession } from '../modules/accounts/sessions.js';
import type { Deps } from '../modules/context.js';
import { meetingForActor } from '../modules/meetings/access.js';
import { meetingCalendar } from '../modules/meetings/ics.js';
import { presentedToken, sessionLifetime } from '../graphql/context.js';
import { bindLog } from '../logging.js';
import { passwordChangeRequired } from '../graphql/passwordChange.js';

const ID_ICS = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.ics$/i;

/**
 * GET /meetings/<id>.ics: the notice for calendar programs, to its invitees, organizer and
 * the group's admins, signed in by the session cookie or a bearer token like GraphQL. Anyone
 * else, and any id that does not exist, gets the same 404.
 */
export async function registerCalendar(app: FastifyInstance, orm: MikroORM, deps: Deps): Promise<void> {
  const notFound = { errors: [{ message: '会议通知不存在或无权查看', extensions: { code: 'NOT_FOUND' } }] };
  app.get<{ Params: { file: string } }>('/meetings/:file', async (request, reply) => {
    reply.header('cache-control', 'private, no-store');
    const em = orm.em.fork();
    const token = presentedToken(request);
    const session = token ? await resolveSession(em, token, sessionLifetime(deps)) : null;
    if (session) bindLog(request.log, { userId: session.actor.userId });
    if (!session) return reply.code(401).send({ errors: [{ message: '请先登录', extensions: { code: 'UNAUTHENTICATED' } }] });
    if (session.actor.mustChangePassword) {
      const refusal = passwordChangeRequired();
      return reply.code(403).send({ errors: [{ message: refusal.message, extensions: refusal.extensions }] });
    }
    const match = ID_ICS.exec(request.params.file);
    if (!match) return reply.code(404).send(notFound);
    try {
      const access = await meetingForActor(em, session.actor, match[1].toLowerCase());
      const { filename, body } = await meetingCalendar(em, access);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="meeting.ics"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .send(body);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return reply.code(404).send(notFound);
      throw error;
    }
  });
}
