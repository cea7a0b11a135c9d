import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DirectoryConfig } from '../../config.js';
import { OrgUnit, User, type UnitLevel } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { applyStatus } from '../accounts/users.js';
import { newUnit } from '../org/units.js';
import { personPinyinKey } from '../content/pinyin.js';
import * as valid from '../core/validation.js';
import type { DirectoryPerson } from './entries.js';

/**
 * Accounts and units from the directory, in the caller's transaction. The directory is the
 * source: real name, unit and the mapped fields are written over; Jiaoliu keeps roles, groups
 * and everything else. Every change is audited as the system's (no actor).
 */

/** The status reason of an account the directory disabled; only these come back by themselves when the directory enables them again. */
export const DIRECTORY_DISABLED_REASON = '已在统一身份目录中停用或删除';

export type AccountChange = 'created' | 'updated' | 'unchanged' | 'enabled' | 'disabled';

export interface AppliedPerson {
  user: User;
  change: AccountChange;
  /** Set when the account was disabled now: its sockets close after commit. */
  ended: boolean;
}

/** Why a directory person cannot have an account (the sync reports it; sign-in refuses with it). */
export class PersonSkipped extends Error {}

const levelBelow = (parent: OrgUnit | null): UnitLevel => (!parent ? 'province' : parent.level === 'province' ? 'city' : 'county');

/**
 * Units by name, created where missing: the chain's first under the configured root (or at the
 * top), each next one under the one before. An existing unit of that name is used where it is
 * (names are unique in Jiaoliu). `created` collects the new ones.
 */
export async function unitForChain(em: EntityManager, config: DirectoryConfig, chain: string[], created: OrgUnit[] = []): Promise<OrgUnit | null> {
  let parent = config.unitRoot ? await em.findOne(OrgUnit, { name: config.unitRoot }) : null;
  if (config.unitRoot && !parent) throw new Error(`LDAP_UNIT_ROOT 指定的单位“${config.unitRoot}”不存在，请先创建它或改正设置`);
  for (const rawName of chain) {
    const name = rawName.normalize('NFC').slice(0, 100);
    let unit = await em.findOne(OrgUnit, { name });
    if (!unit) {
      unit = newUnit(name, levelBelow(parent), parent);
      em.persist(unit);
      audit(em, { actorId: null, action: 'directory.unit_created', targetType: 'org_unit', targetId: unit.id, unitId: unit.id, after: { name, parent: parent?.name ?? null } });
      await em.flush();
      created.push(unit);
    }
    parent = unit;
  }
  return parent;
}

/** The person's fields as Jiaoliu stores them; a value Jiaoliu would refuse is left out (title, phone) or skips the person (name, login). */
function fieldsOf(person: DirectoryPerson) {
  let loginName: string;
  let realName: string;
  try {
    loginName = valid.loginName(person.loginName);
    realName = valid.realName(person.realName);
  } catch (error) {
    throw new PersonSkipped(`${person.dn}：${(error as Error).message}`);
  }
  const title = person.title === null ? null : safe(() => (person.title ? valid.title(person.title) : ''), '');
  const phone = safe(() => valid.phone(person.phone), null);
  return { loginName, realName, title, phone };
}

const safe = <T>(read: () => T, fallback: T): T => {
  try {
    return read();
  } catch {
    return fallback;
  }
};

/** Why a person is refused the account another directory entry left behind under the same login name. */
export const FORMER_PERSON_MESSAGE = '该登录名已属于另一位目录人员的历史账号，请联系管理员';

/**
 * Creates or updates the account of a directory person (found by DN, else by login name), with
 * its unit. Never taken over (PersonSkipped): a local account with the same login name, nor the
 * account of another directory entry (a login name reused for a new person after the one who
 * held it left: their chats, groups and roles are not the newcomer's).
 */
export async function applyPerson(em: EntityManager, config: DirectoryConfig, person: DirectoryPerson, createdUnits: OrgUnit[] = []): Promise<AppliedPerson> {
  const fields = fieldsOf(person);
  const user: User | null =
    (await em.findOne(User, { directoryDn: person.dn }, { populate: ['unit'] })) ?? (await em.findOne(User, { loginName: fields.loginName }, { populate: ['unit'] }));
  if (user && !user.directoryDn) throw new PersonSkipped(`${person.dn}：登录名 ${fields.loginName} 已被本地账号使用，未关联到目录`);
  // DNs compare without case (LDAP does). Without a stable id, a person moved to another ou looks the same as a new one: both are refused.
  if (user && user.directoryDn!.toLowerCase() !== person.dn.toLowerCase()) throw new PersonSkipped(`${person.dn}：${FORMER_PERSON_MESSAGE}（登录名 ${fields.loginName}，原目录条目 ${user.directoryDn}）`);
  if (!user && person.disabled) throw new PersonSkipped(`${person.dn}：目录中已停用，不创建账号`);
  const unit = await unitForChain(em, config, person.unitChain, createdUnits);
  if (!unit) throw new PersonSkipped(`${person.dn}：无法确定所属单位（条目不在任何 ou 之下，且未设置 LDAP_UNIT_ROOT）`);

  if (!user) {
    const created = new User();
    Object.assign(created, {
      loginName: fields.loginName,
      realName: fields.realName,
      title: fields.title ?? '',
      phone: fields.phone,
      status: 'active',
      reviewedAt: new Date(),
      directoryDn: person.dn,
    });
    created.namePinyin = personPinyinKey(created);
    created.unit = ref(unit);
    em.persist(created);
    audit(em, {
      actorId: null,
      action: 'directory.user_created',
      targetType: 'user',
      targetId: created.id,
      unitId: unit.id,
      after: { loginName: created.loginName, realName: created.realName, unit: unit.name, title: created.title, dn: person.dn },
    });
    await em.flush();
    return { user: created, change: 'created', ended: false };
  }

  // A login name renamed in the directory onto one another account holds: that person waits (one bad entry never fails a whole sync).
  if (fields.loginName !== user.loginName && (await em.count(User, { loginName: fields.loginName, id: { $ne: user.id } }))) {
    throw new PersonSkipped(`${person.dn}：登录名改为 ${fields.loginName}，但该登录名已被其他账号使用`);
  }
  const before = { loginName: user.loginName, realName: user.realName, unit: user.unit.getEntity().name, title: user.title, phone: user.phone, dn: user.directoryDn };
  const after = { loginName: fields.loginName, realName: fields.realName, unit: unit.name, title: fields.title ?? user.title, phone: config.attributes.phone ? fields.phone : user.phone, dn: person.dn };
  let change: AccountChange = 'unchanged';
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    Object.assign(user, { loginName: after.loginName, realName: after.realName, title: after.title, phone: after.phone, directoryDn: after.dn });
    user.namePinyin = personPinyinKey(user);
    user.unit = ref(unit);
    audit(em, { actorId: null, action: 'directory.user_updated', targetType: 'user', targetId: user.id, unitId: unit.id, before, after });
    await em.flush();
    change = 'updated';
  }
  if (person.disabled && user.status === 'active') {
    await disableAccount(em, user);
    return { user, change: 'disabled', ended: true };
  }
  if (!person.disabled && user.status === 'disabled' && user.statusReason === DIRECTORY_DISABLED_REASON) {
    audit(em, { actorId: null, action: 'directory.user_enabled', targetType: 'user', targetId: user.id, unitId: unit.id, before: { status: 'disabled' }, after: { status: 'active' } });
    await applyStatus(em, user, 'active', null);
    return { user, change: 'enabled', ended: false };
  }
  return { user, change, ended: false };
}

/** Disables an account the directory no longer has (or marks disabled): sessions end now, sockets after commit. */
export async function disableAccount(em: EntityManager, user: User): Promise<void> {
  audit(em, { actorId: null, action: 'directory.user_disabled', targetType: 'user', targetId: user.id, unitId: user.unit.id, reason: DIRECTORY_DISABLED_REASON, before: { status: user.status }, after: { status: 'disabled' } });
  await applyStatus(em, user, 'disabled', DIRECTORY_DISABLED_REASON);
}
