import { randomInt, randomUUID } from 'node:crypto';
import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit, User } from '../../../db/entities/index.js';
import { audit } from '../../../audit/logger.js';
import type { PasswordHasher } from '../../accounts/passwords.js';
import { lockOrganisationImport, maxUnitSortOrder } from '../store.js';
import type { Operator } from '../operator.js';
import { newUnit } from '../units.js';
import type { OrgFileRow, RowProblem } from './columns.js';
import { endAllSessions } from '../../accounts/sessions.js';
import { personPinyinKey } from '../../content/pinyin.js';
import { planImport, type ImportPlan, type PlanOptions } from './plan.js';

/** An initial password, for the unit admins to hand over; never stored or logged in clear. */
export interface InitialPassword {
  unit: string;
  realName: string;
  loginName: string;
  password: string;
}

export interface ImportResult {
  plan: ImportPlan;
  /** False when the plan had problems: nothing was written. */
  applied: boolean;
  passwords: InitialPassword[];
}

// No 0/O, 1/l/I: read off paper and typed by hand.
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
const PASSWORD_LENGTH = 12;

/** 12 characters of 56: about 70 bits, above the registration rules' 10-character floor. */
export function initialPassword(): string {
  return Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
}

/** A few hashes at a time: the hasher's queue stays short, so sign-ins are not starved. */
async function hashAll(hasher: PasswordHasher, passwords: string[]): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < passwords.length; i += 4) hashes.push(...(await Promise.all(passwords.slice(i, i + 4).map((p) => hasher.hash(p)))));
  return hashes;
}

/**
 * Applies the file in one transaction: plans again under the import lock (so the plan is the
 * state it writes over), and writes nothing when any row is bad. New accounts get initial
 * passwords that must be changed at first sign-in; `deliver` receives them before the commit,
 * so a failure to deliver rolls the import back. Existing accounts' passwords are never touched,
 * except with `reissuePasswords`: the file's accounts that still must change their initial
 * password get a fresh one (the lost one stops working, their sessions end).
 */
export async function applyImport(
  em: EntityManager,
  hasher: PasswordHasher,
  operator: Operator,
  rows: OrgFileRow[],
  fileProblems: RowProblem[],
  deliver: (passwords: InitialPassword[]) => Promise<void>,
  options: PlanOptions = {},
): Promise<ImportResult> {
  return em.transactional(async (tem) => {
    await lockOrganisationImport(tem);
    const plan = await planImport(tem, rows, fileProblems, options);
    if (plan.problems.length) return { plan, applied: false, passwords: [] };
    const importId = randomUUID();
    const units = new Map((await tem.find(OrgUnit, {})).map((u) => [u.name, u]));
    let sortOrder = await maxUnitSortOrder(tem);
    for (const change of plan.units) {
      if (change.action === 'create') {
        const unit = newUnit(change.name, change.level, change.parentName ? units.get(change.parentName)! : null, ++sortOrder);
        tem.persist(unit);
        units.set(unit.name, unit);
        audit(tem, { actorId: operator.actorId, action: 'org.unit_created', targetType: 'org_unit', targetId: unit.id, unitId: unit.id, after: { name: unit.name, level: unit.level, parent: change.parentName, importId }, ip: operator.ip });
      } else {
        const unit = units.get(change.name)!;
        unit.level = change.level;
        audit(tem, { actorId: operator.actorId, action: 'org.unit_updated', targetType: 'org_unit', targetId: unit.id, unitId: unit.id, before: { level: change.levelBefore }, after: { level: change.level, importId }, ip: operator.ip });
      }
    }

    const created = plan.accounts.filter((a) => a.action === 'create');
    const reissued = plan.accounts.filter((a) => a.reissuePassword);
    const passwords = [...created, ...reissued].map(() => initialPassword());
    const hashes = await hashAll(hasher, passwords);
    const existing = new Map<string, User>((await tem.find(User, { id: plan.accounts.flatMap((a) => (a.userId ? [a.userId] : [])) }, { populate: ['adminUnits'] })).map((u) => [u.id, u]));
    const reviewer = operator.actorId ? tem.getReference(User, operator.actorId, { wrapped: true }) : null;
    created.forEach((account, i) => {
      const unit = units.get(account.unitName)!;
      const user = new User();
      Object.assign(user, { loginName: account.loginName, realName: account.realName, title: account.title, phone: account.phone, email: account.email, status: 'active', passwordHash: hashes[i], mustChangePassword: true, reviewedBy: reviewer, reviewedAt: new Date() });
      user.namePinyin = personPinyinKey(user);
      user.unit = ref(unit);
      if (account.grantAdmin) user.adminUnits.add(unit);
      tem.persist(user);
      existing.set(user.id, user);
      account.userId = user.id;
      audit(tem, { actorId: operator.actorId, action: 'user.created', targetType: 'user', targetId: user.id, unitId: unit.id, after: { loginName: user.loginName, realName: user.realName, unit: unit.name, title: user.title, status: 'active', unitAdmin: account.grantAdmin, importId }, ip: operator.ip });
    });
    for (const account of plan.accounts.filter((a) => a.action === 'update')) {
      const user = existing.get(account.userId!)!;
      const unit = units.get(account.unitName)!;
      const before = { realName: user.realName, unit: user.unit.getEntity().name, title: user.title, phone: user.phone, email: user.email };
      Object.assign(user, { realName: account.realName, title: account.title, phone: account.phone, email: account.email });
      user.namePinyin = personPinyinKey(user);
      user.unit = ref(unit);
      if (account.grantAdmin) user.adminUnits.add(unit);
      audit(tem, { actorId: operator.actorId, action: 'user.import_updated', targetType: 'user', targetId: user.id, unitId: unit.id, before, after: { realName: account.realName, unit: unit.name, title: account.title, phone: account.phone, email: account.email, unitAdminGranted: account.grantAdmin, importId }, ip: operator.ip });
    }
    for (const [i, account] of reissued.entries()) {
      const user = existing.get(account.userId!)!;
      user.passwordHash = hashes[created.length + i];
      await endAllSessions(tem, user.id);
      audit(tem, { actorId: operator.actorId, action: 'user.password_reissued', targetType: 'user', targetId: user.id, unitId: units.get(account.unitName)!.id, after: { loginName: user.loginName, importId }, ip: operator.ip });
    }
    const count = (action: string, list: Array<{ action: string }>) => list.filter((c) => c.action === action).length;
    audit(tem, {
      actorId: operator.actorId,
      action: 'org.imported',
      targetType: 'system',
      targetId: importId,
      after: {
        rows: plan.rowCount,
        unitsCreated: count('create', plan.units),
        unitsUpdated: count('update', plan.units),
        accountsCreated: count('create', plan.accounts),
        accountsUpdated: count('update', plan.accounts),
        accountsUnchanged: count('unchanged', plan.accounts),
        unitAdminsGranted: plan.accounts.filter((a) => a.grantAdmin).length,
        passwordsReissued: reissued.length,
      },
      ip: operator.ip,
    });
    await tem.flush();
    const delivered = [...created, ...reissued].map((account, i) => ({ unit: account.unitName, realName: account.realName, loginName: account.loginName, password: passwords[i] }));
    await deliver(delivered);
    return { plan, applied: true, passwords: delivered };
  });
}
