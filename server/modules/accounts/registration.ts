import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { OrgUnit, User } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { conflict } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { lockUser, unitById, userForActor } from './access.js';
import { DIRECTORY_LOGIN_TAKEN_MESSAGE } from './directoryAccounts.js';
import * as valid from '../core/validation.js';
import { personPinyinKey } from '../content/pinyin.js';

export interface AccountInput {
  loginName: unknown;
  password: unknown;
  realName: unknown;
  unitId: unknown;
  title: unknown;
  phone?: unknown;
  applicationNote?: unknown;
}

/**
 * Check: normalise and validate everything before any hashing or writing. With a directory, a
 * login name it knows stays the directory person's: a local account of that name (even a pending
 * registration) would shut them out of directory sign-in (docs/directory.md).
 */
async function checkAccount({ em, deps }: DomainContext, input: AccountInput) {
  const loginName = valid.loginName(input.loginName);
  const fields = {
    loginName,
    password: valid.newPassword(input.password, loginName),
    realName: valid.realName(input.realName),
    title: valid.title(input.title),
    phone: valid.phone(input.phone),
    applicationNote: valid.optionalText(input.applicationNote, 'applicationNote', '申请说明', 200),
  };
  const unit = await unitById(em, input.unitId, '单位', 'unitId');
  if (await em.count(User, { loginName })) throw conflict('该登录名已被使用，请换一个', 'loginName');
  if (deps.directory && (await deps.directory.hasPerson(loginName))) throw conflict(DIRECTORY_LOGIN_TAKEN_MESSAGE, 'loginName');
  return { ...fields, unit };
}

/** Do: one transaction writes the user and its audit row. */
async function writeAccount(ctx: DomainContext, fields: Awaited<ReturnType<typeof checkAccount>>, status: 'pending' | 'active', unit: OrgUnit): Promise<User> {
  const hash = await ctx.deps.hasher.hash(fields.password);
  try {
    return await ctx.em.transactional(async (em) => {
      const user = new User();
      Object.assign(user, {
        loginName: fields.loginName,
        realName: fields.realName,
        title: fields.title,
        phone: fields.phone,
        applicationNote: fields.applicationNote,
        passwordHash: hash,
        status,
      });
      user.namePinyin = personPinyinKey(user);
      user.unit = em.getReference(OrgUnit, unit.id, { wrapped: true });
      if (status === 'active') {
        user.reviewedBy = ctx.actor ? em.getReference(User, ctx.actor.userId, { wrapped: true }) : null;
        user.reviewedAt = new Date();
      }
      em.persist(user);
      audit(em, {
        actorId: ctx.actor?.userId ?? null,
        action: status === 'active' ? 'user.created' : 'user.registered',
        targetType: 'user',
        targetId: user.id,
        unitId: unit.id,
        after: { loginName: user.loginName, realName: user.realName, unit: unit.name, title: user.title, status },
        ip: ctx.ip,
      });
      await em.flush();
      return user;
    });
  } catch (error) {
    // Two registrations racing for one login name: the unique index decides.
    if (error instanceof UniqueConstraintViolationException) throw conflict('该登录名已被使用，请换一个', 'loginName');
    throw error;
  }
}

/** Self-registration: a pending account that an admin of the unit (or above) reviews. */
export async function register(ctx: DomainContext, input: AccountInput): Promise<User> {
  const fields = await checkAccount(ctx, input);
  return writeAccount(ctx, fields, 'pending', fields.unit);
}

/** An admin creates an active account directly, within their scope. */
export async function createAccount(ctx: DomainContext, input: AccountInput): Promise<User> {
  const actor = requireActor(ctx);
  const fields = await checkAccount(ctx, input);
  authorize(actor, 'administer', fields.unit, '只能在您管理的单位及其下级单位中创建账号');
  return writeAccount(ctx, fields, 'active', fields.unit);
}

export type ReviewDecision = 'approve' | 'reject';

/** Approve or reject a pending registration; a rejection carries the reason the applicant sees. */
export async function reviewRegistration(ctx: DomainContext, userId: unknown, decision: ReviewDecision, rawReason?: unknown): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  authorize(actor, 'review', user, '只有该单位或上级单位的管理员可以审核此申请');
  const reason =
    decision === 'reject'
      ? valid.requiredText(rawReason, 'reason', '驳回理由', 200)
      : valid.optionalText(rawReason, 'reason', '审核意见', 200);
  if (user.status !== 'pending') throw conflict('该注册申请已经处理过了');
  return ctx.em.transactional(async (em) => {
    await lockUser(em, user);
    if (user.status !== 'pending') throw conflict('该注册申请已经处理过了');
    user.status = decision === 'approve' ? 'active' : 'rejected';
    user.statusReason = decision === 'reject' ? reason : null;
    user.reviewedBy = em.getReference(User, actor.userId, { wrapped: true });
    user.reviewedAt = new Date();
    audit(em, {
      actorId: actor.userId,
      action: decision === 'approve' ? 'user.registration_approved' : 'user.registration_rejected',
      targetType: 'user',
      targetId: user.id,
      unitId: user.unit.id,
      reason,
      before: { status: 'pending' },
      after: { status: user.status },
      ip: ctx.ip,
    });
    await em.flush();
    return user;
  });
}
