import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { badInput, conflict } from '../../errors.js';
import { authorize, authorizeIdentityChange, authorizeProfileChange } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { lockUser, unitById, userForActor } from './access.js';
import { endAllSessions } from './sessions.js';
import { directoryFields } from './directoryAccounts.js';
import * as valid from '../core/validation.js';
import { personPinyinKey } from '../content/pinyin.js';

/** Title and phone: the person or an admin of their unit. */
export async function updateProfile(ctx: DomainContext, userId: unknown, input: { title?: unknown; phone?: unknown }): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  authorize(actor, 'updateProfile', user);
  const next = {
    title: input.title === undefined ? user.title : valid.title(input.title),
    phone: input.phone === undefined ? user.phone : valid.phone(input.phone),
  };
  authorizeProfileChange(directoryFields(ctx.deps.config, user), { title: next.title !== user.title, phone: next.phone !== user.phone });
  const before = { title: user.title, phone: user.phone };
  if (before.title === next.title && before.phone === next.phone) return user;
  return ctx.em.transactional(async (em) => {
    Object.assign(user, next);
    user.namePinyin = personPinyinKey(user);
    audit(em, { actorId: actor.userId, action: 'user.profile_changed', targetType: 'user', targetId: user.id, unitId: user.unit.id, before, after: next, ip: ctx.ip });
    await em.flush();
    return user;
  });
}

/**
 * Real name and unit: only an admin over the person's unit (and, when moving them,
 * over the new unit as well). The reason is required and kept in the audit log.
 */
export async function updateIdentity(ctx: DomainContext, userId: unknown, input: { realName?: unknown; unitId?: unknown; reason: unknown }): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  authorizeIdentityChange(actor, user);
  const reason = valid.requiredText(input.reason, 'reason', '修改原因', 200);
  const realName = input.realName === undefined || input.realName === null ? user.realName : valid.realName(input.realName);
  const unit = input.unitId === undefined || input.unitId === null ? user.unit.getEntity() : await unitById(ctx.em, input.unitId);
  if (unit.id !== user.unit.id) authorize(actor, 'administer', unit, '不能把人员调入您管理范围以外的单位');
  if (realName === user.realName && unit.id === user.unit.id) throw badInput('没有需要修改的内容');
  // An admin belongs to the units they administer: moving them out would leave the role behind.
  const stranded = user.adminUnits.getItems().filter((adminUnit) => !unit.path.startsWith(adminUnit.path));
  if (stranded.length) {
    throw conflict(`此人是${stranded.map((u) => u.name).join('、')}的管理员，请先撤销其管理员身份再调动`, 'unitId');
  }
  const before = { realName: user.realName, unitId: user.unit.id, unit: user.unit.getEntity().name };
  return ctx.em.transactional(async (em) => {
    user.realName = realName;
    user.namePinyin = personPinyinKey(user);
    user.unit = ref(unit);
    audit(em, {
      actorId: actor.userId,
      action: 'user.identity_changed',
      targetType: 'user',
      targetId: user.id,
      unitId: unit.id,
      reason,
      before,
      after: { realName, unitId: unit.id, unit: unit.name },
      ip: ctx.ip,
    });
    await em.flush();
    return user;
  });
}

/** Disable (ending every session at once) or re-enable an account. */
export async function setStatus(ctx: DomainContext, userId: unknown, status: 'active' | 'disabled', rawReason: unknown): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  authorize(actor, 'manageStatus', user, '您不能更改此账号的状态');
  const reason = valid.requiredText(rawReason, 'reason', status === 'disabled' ? '停用原因' : '启用原因', 200);
  if (user.status === 'pending' || user.status === 'rejected') throw conflict('该账号尚未通过注册审核');
  if (user.status === status) throw conflict(status === 'disabled' ? '该账号已经是停用状态' : '该账号已经是启用状态');
  await ctx.em.transactional(async (em) => {
    await lockUser(em, user);
    if (user.status === status) throw conflict(status === 'disabled' ? '该账号已经是停用状态' : '该账号已经是启用状态');
    audit(em, { actorId: actor.userId, action: 'user.status_changed', targetType: 'user', targetId: user.id, unitId: user.unit.id, reason, before: { status: user.status }, after: { status }, ip: ctx.ip });
    await applyStatus(em, user, status, reason);
  });
  // A disabled account's sockets close at once (after commit).
  if (status === 'disabled') await ctx.deps.realtime.endSessions(user.id);
  return user;
}

/**
 * In the caller's transaction: the new status, and on disabling every session ends. The caller
 * audits, and after commit closes the person's sockets (`realtime.endSessions`), as setStatus does.
 * The directory sync (modules/ldap) disables through here too.
 */
export async function applyStatus(em: EntityManager, user: User, status: 'active' | 'disabled', reason: string | null): Promise<void> {
  user.status = status;
  user.statusReason = status === 'disabled' ? reason : null;
  await em.flush();
  if (status === 'disabled') await endAllSessions(em, user.id);
}

/** Appoint or remove a unit admin. The appointer must administer that unit and outrank the person. */
export async function setUnitAdmin(ctx: DomainContext, userId: unknown, unitId: unknown, granted: boolean): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  const unit = await unitById(ctx.em, unitId);
  authorize(actor, 'appointAdmin', unit, '单位管理员只能任命下级单位的管理员；同级管理员由上级或系统管理员任命');
  authorize(actor, 'manageRoles', user, '您不能更改此人的管理员身份');
  if (user.status !== 'active') throw conflict('只能任命已启用的账号为管理员');
  if (!user.unit.getEntity().path.startsWith(unit.path)) throw badInput('单位管理员必须属于该单位或其下级单位', 'unitId');
  const holds = () => user.adminUnits.getItems().some((u) => u.id === unit.id);
  if (holds() === granted) throw conflict(granted ? '此人已经是该单位的管理员' : '此人不是该单位的管理员');
  return ctx.em.transactional(async (em) => {
    await lockUser(em, user);
    if (holds() === granted) throw conflict(granted ? '此人已经是该单位的管理员' : '此人不是该单位的管理员');
    if (granted) user.adminUnits.add(unit);
    else user.adminUnits.remove(unit);
    audit(em, {
      actorId: actor.userId,
      action: granted ? 'user.unit_admin_granted' : 'user.unit_admin_revoked',
      targetType: 'user',
      targetId: user.id,
      unitId: unit.id,
      after: { unitId: unit.id, unit: unit.name, granted },
      ip: ctx.ip,
    });
    await em.flush();
    return user;
  });
}

/** Make or unmake a system admin (system admins only). */
export async function setSystemAdmin(ctx: DomainContext, userId: unknown, value: boolean): Promise<User> {
  const actor = requireActor(ctx);
  const user = await userForActor(ctx.em, actor, userId);
  authorize(actor, 'manageSystemAdmin', user, '只有系统管理员可以任免系统管理员，且不能更改自己的身份');
  return ctx.em.transactional(async (em) => {
    await lockUser(em, user);
    if (user.status !== 'active') throw conflict('只能任命已启用的账号为系统管理员');
    if (user.isSystemAdmin === value) throw conflict(value ? '此人已经是系统管理员' : '此人不是系统管理员');
    user.isSystemAdmin = value;
    audit(em, {
      actorId: actor.userId,
      action: 'user.system_admin_changed',
      targetType: 'user',
      targetId: user.id,
      unitId: user.unit.id,
      before: { isSystemAdmin: !value },
      after: { isSystemAdmin: value },
      ip: ctx.ip,
    });
    await em.flush();
    return user;
  });
}
