import { ref, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit, User, type UnitLevel } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { badInput, conflict } from '../../errors.js';
import type { PasswordHasher } from '../accounts/passwords.js';
import * as valid from '../core/validation.js';
import type { Operator } from './operator.js';
import { levelOf } from './orgImport/columns.js';
import { newUnit } from './units.js';
import { personPinyinKey } from '../content/pinyin.js';
import { DEMO_PASSWORD } from '../../../seeds/demo.js';

export interface SystemAdminInput {
  loginName: unknown;
  realName: unknown;
  /** The unit by name: created as a top-level unit when missing. */
  unitName: unknown;
  /** Level of a unit created here (省级 when not given). */
  unitLevel?: unknown;
  title?: unknown;
  password: unknown;
}

/**
 * A system admin's password: the registration rules, and never the demo accounts' password, which
 * README.md publishes (production refuses to start while a demo account still has it).
 */
export function systemAdminPassword(raw: unknown, loginName: string): string {
  const password = valid.newPassword(raw, loginName);
  if (password === DEMO_PASSWORD) throw badInput('不能使用公开的演示密码，请另设一个密码', 'password');
  return password;
}

const loginTaken = (loginName: string) => conflict(`登录名“${loginName}”已被使用，请换一个`, 'loginName');

/**
 * A system admin from the console (the first one, or another): checked like registration
 * (core/validation.ts), active at once, with the password the operator chose. One transaction
 * with its audit rows; the unit is created as a top-level unit when no unit has that name.
 */
export async function createSystemAdmin(em: EntityManager, hasher: PasswordHasher, operator: Operator, input: SystemAdminInput): Promise<{ user: User; unit: OrgUnit; unitCreated: boolean }> {
  const loginName = valid.loginName(input.loginName);
  const realName = valid.realName(input.realName);
  const title = input.title === undefined || input.title === null || input.title === '' ? '系统管理员' : valid.title(input.title);
  const password = systemAdminPassword(input.password, loginName);
  const unitName = valid.requiredText(input.unitName, 'unit', '单位', 100);
  const level: UnitLevel | null = input.unitLevel ? levelOf(String(input.unitLevel)) : 'province';
  if (!level) throw badInput(`未知层级“${String(input.unitLevel)}”：应为省级、市级或县级`, 'level');
  if (await em.count(User, { loginName })) throw loginTaken(loginName);
  const hash = await hasher.hash(password);
  try {
    return await em.transactional(async (tem) => {
      let unit = await tem.findOne(OrgUnit, { name: unitName });
      const unitCreated = !unit;
      if (!unit) {
        unit = newUnit(unitName, level, null);
        tem.persist(unit);
        audit(tem, { actorId: operator.actorId, action: 'org.unit_created', targetType: 'org_unit', targetId: unit.id, unitId: unit.id, after: { name: unit.name, level: unit.level, parent: null }, ip: operator.ip });
      }
      const user = new User();
      Object.assign(user, { loginName, realName, title, status: 'active', isSystemAdmin: true, passwordHash: hash, reviewedAt: new Date() });
      user.namePinyin = personPinyinKey(user);
      user.unit = ref(unit);
      tem.persist(user);
      audit(tem, { actorId: operator.actorId, action: 'user.created', targetType: 'user', targetId: user.id, unitId: unit.id, after: { loginName, realName, unit: unit.name, title, status: 'active' }, ip: operator.ip });
      audit(tem, { actorId: operator.actorId, action: 'user.system_admin_changed', targetType: 'user', targetId: user.id, unitId: unit.id, before: { isSystemAdmin: false }, after: { isSystemAdmin: true }, ip: operator.ip });
      await tem.flush();
      return { user, unit, unitCreated };
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw loginTaken(loginName);
    throw error;
  }
}
