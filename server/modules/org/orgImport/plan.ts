import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit, User, type UnitLevel } from '../../../db/entities/index.js';
import { AppError } from '../../../errors.js';
import * as valid from '../../core/validation.js';
import { listUnits } from '../units.js';
import { LEVEL_LABELS, NO, PERSON_FIELDS, YES, levelOf, type OrgFileRow, type RowProblem } from './columns.js';

/** A unit the import creates or whose level it changes. */
export interface UnitChange {
  action: 'create' | 'update';
  name: string;
  level: UnitLevel;
  parentName: string | null;
  /** The first line that names the unit. */
  line: number;
  /** Update: the level before. */
  levelBefore?: UnitLevel;
}

/** An official of the file and what the import does to their account. */
export interface AccountChange {
  action: 'create' | 'update' | 'unchanged';
  line: number;
  loginName: string;
  realName: string;
  unitName: string;
  title: string;
  phone: string | null;
  email: string | null;
  /** Becomes unit admin of `unitName` (not one already). */
  grantAdmin: boolean;
  /** Update: the labels of the fields that change (姓名, 单位…). */
  changed: string[];
  /** Update or unchanged: the existing account. */
  userId?: string;
  /** Existing account still on its initial password, given a fresh one (--reissue-passwords). */
  reissuePassword: boolean;
}

export interface PlanOptions {
  /** Fresh initial passwords for the file's accounts that never changed theirs (must_change_password). */
  reissuePasswords?: boolean;
}

/**
 * Why an existing account may not appear in an import at all, or null. Pending and rejected
 * registrations belong to their registrant (an HR name on them would dress a squatter up as the
 * official); a disabled account was disabled on purpose and would stay without sign-in while the
 * file suggests it was provided.
 */
function untouchable(user: User): string | null {
  if (user.status === 'pending') return `登录名 ${user.loginName} 属于待审核的注册申请，请先在注册审核中处理`;
  if (user.status === 'rejected') return `登录名 ${user.loginName} 属于已驳回的注册申请，请换一个登录名`;
  if (user.status === 'disabled') return `登录名 ${user.loginName} 属于已停用的账号，请先在用户管理中启用，或换一个登录名`;
  return null;
}

/** Check before do: what an import would change, or every reason why it cannot. */
export interface ImportPlan {
  rowCount: number;
  problems: RowProblem[];
  units: UnitChange[];
  accounts: AccountChange[];
}

interface FileUnit {
  name: string;
  parentName: string | null;
  level: UnitLevel;
  line: number;
}

interface FilePerson {
  line: number;
  loginName: string;
  realName: string;
  title: string;
  phone: string | null;
  email: string | null;
  isAdmin: boolean;
  unitName: string;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const UNIT_NAME_MAX = 100;

/** A field's validation message (core/validation.ts), or the value. */
function check<T>(problems: RowProblem[], line: number, label: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (error instanceof AppError) {
      problems.push({ line, message: `${label}：${error.message}` });
      return undefined;
    }
    throw error;
  }
}

function unitName(problems: RowProblem[], line: number, label: string, raw: string): string | null {
  if ([...raw].length > UNIT_NAME_MAX) problems.push({ line, message: `${label}名称不能超过 ${UNIT_NAME_MAX} 个字` });
  else if (/[<>\p{Cc}]/u.test(raw)) problems.push({ line, message: `${label}名称含有不允许的字符` });
  else return raw;
  return null;
}

/** Row by row: fields valid, units declared alike wherever they appear, login names once. */
function readRows(rows: OrgFileRow[], problems: RowProblem[]): { units: Map<string, FileUnit>; people: FilePerson[] } {
  const units = new Map<string, FileUnit>();
  const people: FilePerson[] = [];
  const loginLines = new Map<string, number>();
  for (const { line, values } of rows) {
    const before = problems.length;
    const name = values['单位'] ? unitName(problems, line, '单位', values['单位']) : (problems.push({ line, message: '“单位”不能为空' }), null);
    const parentName = values['上级单位'] ? unitName(problems, line, '上级单位', values['上级单位']) : null;
    const level = values['层级'] ? levelOf(values['层级']) : null;
    if (!values['层级']) problems.push({ line, message: '“层级”不能为空（省级、市级或县级）' });
    else if (!level) problems.push({ line, message: `未知层级“${values['层级']}”：应为省级、市级或县级` });
    if (name && parentName === name) problems.push({ line, message: `单位“${name}”不能是自己的上级单位` });
    if (name && level && problems.length === before) {
      const declared = units.get(name);
      if (!declared) units.set(name, { name, parentName: values['上级单位'] ? parentName : null, level, line });
      else if (declared.parentName !== (parentName ?? null)) {
        problems.push({ line, message: `单位“${name}”的上级单位与第 ${declared.line} 行不一致（“${declared.parentName ?? '无'}”与“${parentName ?? '无'}”）` });
      } else if (declared.level !== level) {
        problems.push({ line, message: `单位“${name}”的层级与第 ${declared.line} 行不一致（${LEVEL_LABELS[declared.level]}与${LEVEL_LABELS[level]}）` });
      }
    }

    if (PERSON_FIELDS.every((column) => !values[column])) continue; // the unit alone
    if (!values['姓名']) problems.push({ line, message: '“姓名”不能为空' });
    const realName = values['姓名'] ? check(problems, line, '姓名', () => valid.realName(values['姓名'])) : undefined;
    if (!values['登录名']) problems.push({ line, message: '“登录名”不能为空' });
    const loginName = values['登录名'] ? check(problems, line, '登录名', () => valid.loginName(values['登录名'])) : undefined;
    const title = check(problems, line, '职务', () => valid.title(values['职务']));
    const phone = check(problems, line, '手机', () => valid.phone(values['手机']));
    let email: string | null = values['邮箱'] || null;
    if (email && (email.length > 100 || !EMAIL.test(email))) {
      problems.push({ line, message: `邮箱格式不正确：“${email}”` });
      email = null;
    }
    const adminText = values['是否单位管理员'];
    if (adminText && adminText !== YES && adminText !== NO) problems.push({ line, message: `“是否单位管理员”应填“是”或“否”，不能是“${adminText}”` });
    if (loginName) {
      const first = loginLines.get(loginName);
      if (first !== undefined) problems.push({ line, message: `登录名“${loginName}”与第 ${first} 行重复` });
      else loginLines.set(loginName, line);
    }
    if (problems.length === before && name && realName && loginName && title !== undefined && phone !== undefined) {
      people.push({ line, loginName, realName, title, phone, email: email?.toLowerCase() ?? null, isAdmin: adminText === YES, unitName: name });
    }
  }
  return { units, people };
}

/**
 * Validates the whole file against itself and the database and says what applying it would do.
 * Units are matched by name (names are unique) and must keep their parent; accounts by login name.
 * Writes nothing.
 */
export async function planImport(em: EntityManager, rows: OrgFileRow[], fileProblems: RowProblem[] = [], options: PlanOptions = {}): Promise<ImportPlan> {
  const problems = [...fileProblems];
  const { units: fileUnits, people } = readRows(rows, problems);
  const all = await listUnits(em);
  const existing = new Map(all.map((u) => [u.name, u]));
  const nameById = new Map(all.map((u) => [u.id, u.name]));
  const parentNameOf = (unit: OrgUnit) => (unit.parent ? (nameById.get(unit.parent.id) ?? null) : null);

  // The unit tree: parents exist, existing units keep their place, no cycles.
  const unitChanges: UnitChange[] = [];
  const ordered: FileUnit[] = [];
  const state = new Map<string, 'visiting' | 'done' | 'bad'>();
  const visit = (unit: FileUnit, chain: string[]): boolean => {
    const seen = state.get(unit.name);
    if (seen === 'done') return true;
    if (seen === 'bad') return false;
    if (seen === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(unit.name)), unit.name];
      problems.push({ line: unit.line, message: `单位的上级关系形成循环：${cycle.join(' → ')}` });
      return false;
    }
    state.set(unit.name, 'visiting');
    let ok = true;
    const inDb = existing.get(unit.name);
    if (inDb) {
      const dbParent = parentNameOf(inDb);
      if (dbParent !== unit.parentName) {
        problems.push({ line: unit.line, message: `单位“${unit.name}”已存在，其上级单位是“${dbParent ?? '无（顶级单位）'}”，与文件中的“${unit.parentName ?? '无'}”不同（导入不移动已有单位）` });
        ok = false;
      }
    } else if (unit.parentName) {
      const parent = fileUnits.get(unit.parentName);
      if (parent) ok = visit(parent, [...chain, unit.name]);
      else if (!existing.has(unit.parentName)) {
        problems.push({ line: unit.line, message: `上级单位“${unit.parentName}”不存在：文件和系统中都没有这个单位` });
        ok = false;
      }
    }
    state.set(unit.name, ok ? 'done' : 'bad');
    if (ok) ordered.push(unit);
    return ok;
  };
  for (const unit of fileUnits.values()) visit(unit, []);
  for (const unit of ordered) {
    const inDb = existing.get(unit.name);
    if (!inDb) unitChanges.push({ action: 'create', name: unit.name, level: unit.level, parentName: unit.parentName, line: unit.line });
    else if (inDb.level !== unit.level) unitChanges.push({ action: 'update', name: unit.name, level: unit.level, parentName: unit.parentName, line: unit.line, levelBefore: inDb.level });
  }

  // Ancestors of a unit by name (itself first), across the file and the database.
  const chainOf = (name: string): string[] => {
    const names: string[] = [];
    for (let current: string | null = name; current && !names.includes(current); ) {
      names.push(current);
      const inDb = existing.get(current);
      current = inDb ? parentNameOf(inDb) : (fileUnits.get(current)?.parentName ?? null);
    }
    return names;
  };

  const users = people.length ? await em.find(User, { loginName: people.map((p) => p.loginName) }, { populate: ['unit', 'adminUnits'] }) : [];
  const byLogin = new Map(users.map((u) => [u.loginName, u]));
  const accounts: AccountChange[] = [];
  for (const person of people) {
    const user = byLogin.get(person.loginName);
    const base = { line: person.line, loginName: person.loginName, realName: person.realName, unitName: person.unitName, title: person.title, phone: person.phone, email: person.email };
    if (!user) {
      accounts.push({ ...base, action: 'create', grantAdmin: person.isAdmin, changed: [], reissuePassword: false });
      continue;
    }
    const refusal = untouchable(user);
    if (refusal) {
      problems.push({ line: person.line, message: refusal });
      continue;
    }
    const changed: string[] = [];
    if (user.realName !== person.realName) changed.push('姓名');
    if (user.unit.getEntity().name !== person.unitName) changed.push('单位');
    if (user.title !== person.title) changed.push('职务');
    if (user.phone !== person.phone) changed.push('手机');
    if (user.email !== person.email) changed.push('邮箱');
    const grantAdmin = person.isAdmin && !user.adminUnits.getItems().some((u) => u.name === person.unitName);
    if (changed.includes('单位')) {
      // An admin belongs to the units they administer (as updateIdentity holds).
      const chain = chainOf(person.unitName);
      const stranded = user.adminUnits.getItems().filter((u) => !chain.includes(u.name));
      if (stranded.length) {
        problems.push({ line: person.line, message: `“${person.realName}”是${stranded.map((u) => u.name).join('、')}的管理员，不能调入“${person.unitName}”：请先撤销其管理员身份` });
        continue;
      }
    }
    const reissuePassword = Boolean(options.reissuePasswords) && user.mustChangePassword && user.directoryDn === null;
    // Directory accounts are the directory's (read-only here): their row may only say what they are (as export writes it).
    if (user.directoryDn !== null && (changed.length || grantAdmin)) {
      problems.push({ line: person.line, message: `登录名 ${user.loginName} 属于统一身份认证目录账号，其信息以目录为准，不能由导入修改（${[...changed, ...(grantAdmin ? ['单位管理员'] : [])].join('、')}）` });
      continue;
    }
    accounts.push({ ...base, action: changed.length || grantAdmin ? 'update' : 'unchanged', grantAdmin, changed, userId: user.id, reissuePassword });
  }
  problems.sort((a, b) => a.line - b.line);
  return { rowCount: rows.length, problems, units: unitChanges, accounts };
}
