import { User } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { AppError, badInput, forbidden, notFound } from '../../errors.js';
import type { Actor } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { endAllSessions, endSession, openSession, revokeOwnSession } from './sessions.js';
import { isUuid } from '../ids.js';
import { beginLoginAttempt, forgetLoginAttempt, markLoginSucceeded } from './throttle.js';
import { DIRECTORY_LOGIN_OFF_MESSAGE, DIRECTORY_PASSWORD_MESSAGE } from './directoryAccounts.js';
import * as valid from '../core/validation.js';

const WRONG_CREDENTIALS = '登录名或密码错误';

export interface LoginResult {
  user: User;
  token: string;
  expiresAt: Date;
  /** The new session as an actor, so the rest of this request runs as the signed-in user. */
  actor: Actor;
}

/**
 * Login: throttle first (no hashing for a locked name), then one argon2 verification
 * whether or not the user exists, so unknown names and wrong passwords look alike. With the
 * LDAP directory configured, directory accounts and unknown names are checked there instead
 * (docs/directory.md); local accounts keep their local password.
 */
export async function login(ctx: DomainContext, rawLoginName: unknown, rawPassword: unknown): Promise<LoginResult> {
  const typed = String(rawLoginName ?? '').trim().toLowerCase();
  const password = String(rawPassword ?? '');
  if (!typed) throw badInput('请输入登录名', 'loginName');
  if (!password) throw badInput('请输入密码', 'password');
  if (typed.length > 64) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  if ([...password].length > valid.PASSWORD_MAX) throw badInput(`密码不能超过 ${valid.PASSWORD_MAX} 个字符`, 'password');

  const { em, deps, ip } = ctx;
  const attempt = await beginLoginAttempt(em, deps.config, typed, ip);

  const local = await em.findOne(User, { loginName: typed }, { populate: ['passwordHash', 'unit', 'adminUnits'] });
  let user: User | null;
  if (deps.directory && (!local || local.directoryDn)) {
    // Directory accounts and unknown names ask the directory; local accounts (the first admin) never do.
    const signedIn = await deps.directory.signIn(em, typed, password).catch(async (error: unknown) => {
      // Nothing was verified: an outage counts as no attempt at all.
      if (error instanceof AppError && error.code === 'DIRECTORY_UNAVAILABLE') await forgetLoginAttempt(em, attempt);
      throw error;
    });
    if (!signedIn) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    user = signedIn.user;
    if (signedIn.disabledNow) await deps.realtime.endSessions(user.id);
  } else {
    const ok = await deps.hasher.verify(local?.passwordHash ?? null, password);
    if (local?.directoryDn) throw forbidden(DIRECTORY_LOGIN_OFF_MESSAGE);
    if (!ok || !local) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    user = local;
  }
  await markLoginSucceeded(em, attempt);

  // The password was right: now it is safe to say why the account cannot sign in.
  if (user.status === 'pending') throw forbidden('您的注册申请正在等待单位管理员审核，审核通过后即可登录');
  if (user.status === 'rejected') {
    throw new AppError('FORBIDDEN', `您的注册申请未通过审核${user.statusReason ? `：${user.statusReason}` : ''}`, { status: 'REJECTED', reason: user.statusReason });
  }
  if (user.status === 'disabled') {
    throw new AppError('FORBIDDEN', `账号已停用${user.statusReason ? `：${user.statusReason}` : ''}`, { status: 'DISABLED' });
  }

  return em.transactional(async (tem) => {
    if (user.passwordHash && deps.hasher.needsRehash(user.passwordHash)) {
      user.passwordHash = await deps.hasher.hash(password);
    }
    const { token, session } = openSession(tem, user, deps.config.sessionTtlHours, ip, ctx.userAgent);
    await tem.flush();
    const actor: Actor = {
      userId: user.id,
      sessionId: session.id,
      unitId: user.unit.id,
      isSystemAdmin: user.isSystemAdmin,
      adminUnitPaths: user.adminUnits.getItems().map((unit) => unit.path),
      mustChangePassword: user.mustChangePassword,
    };
    return { user, token, expiresAt: session.expiresAt, actor };
  });
}

export async function logout(ctx: DomainContext): Promise<void> {
  if (!ctx.actor) return;
  await endSession(ctx.em, ctx.actor.sessionId);
  await ctx.deps.realtime.endSessions(ctx.actor.userId, [ctx.actor.sessionId]);
}

/** Ends one of the actor's own sessions (and its live connections); another user's id is NOT_FOUND. */
export async function revokeSession(ctx: DomainContext, sessionId: unknown): Promise<void> {
  const actor = requireActor(ctx);
  if (!isUuid(sessionId) || !(await revokeOwnSession(ctx.em, actor.userId, sessionId))) throw notFound('会话');
  await ctx.deps.realtime.endSessions(actor.userId, [sessionId]);
}

export async function logoutEverywhere(ctx: DomainContext): Promise<number> {
  const actor = requireActor(ctx);
  const ended = await endAllSessions(ctx.em, actor.userId);
  await ctx.deps.realtime.endSessions(actor.userId);
  return ended;
}

/** Changing the password ends every other session of the account; the current one stays. */
export async function changePassword(ctx: DomainContext, current: unknown, next: unknown): Promise<number> {
  const actor = requireActor(ctx);
  const { em, deps, ip } = ctx;
  const user = await em.findOneOrFail(User, { id: actor.userId }, { populate: ['passwordHash'] });
  if (user.directoryDn) throw forbidden(DIRECTORY_PASSWORD_MESSAGE);
  const currentPassword = String(current ?? '');
  if (!currentPassword) throw badInput('请输入当前密码', 'currentPassword');
  if ([...currentPassword].length > valid.PASSWORD_MAX) throw badInput('当前密码不正确', 'currentPassword');
  const newPassword = valid.newPassword(next, user.loginName, 'newPassword');
  const attempt = await beginLoginAttempt(em, deps.config, user.loginName, ip);
  if (!(await deps.hasher.verify(user.passwordHash, currentPassword))) throw badInput('当前密码不正确', 'currentPassword');
  await markLoginSucceeded(em, attempt);
  if (newPassword === currentPassword) throw badInput('新密码不能与当前密码相同', 'newPassword');
  const hash = await deps.hasher.hash(newPassword);
  const ended = await em.transactional(async (tem) => {
    user.passwordHash = hash;
    user.passwordChangedAt = new Date();
    user.mustChangePassword = false;
    audit(tem, { actorId: actor.userId, action: 'user.password_changed', targetType: 'user', targetId: user.id, unitId: actor.unitId, ip });
    await tem.flush();
    return endAllSessions(tem, user.id, actor.sessionId);
  });
  // After commit: every other live connection of this account closes now.
  await deps.realtime.endSessions(user.id, undefined, actor.sessionId);
  // The rest of this request (and the client's next viewer query) sees the password as changed.
  if (ctx.actor) ctx.actor = { ...ctx.actor, mustChangePassword: false };
  return ended;
}
