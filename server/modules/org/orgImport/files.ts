import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type OrgUnit } from '../../../db/entities/index.js';
import { listUnits } from '../units.js';
import { FORMULA_START, LEVEL_LABELS, NO, ORG_FILE_HEADER, YES, type OrgColumn } from './columns.js';
import type { OrgFileFormat } from './parse.js';
import type { InitialPassword } from './apply.js';

type OrgRecord = Record<OrgColumn, string>;

/**
 * The organisation in the import's own format: every unit (parents first, a unit without
 * active officials as a row of its own) and every active official. Importing it changes nothing.
 */
export async function exportOrganisation(em: EntityManager): Promise<OrgRecord[]> {
  const units = await listUnits(em);
  const people = await em.find(User, { status: 'active' }, { populate: ['adminUnits'], orderBy: { realName: 'asc', loginName: 'asc' } });
  const byUnit = new Map<string, User[]>();
  for (const person of people) byUnit.set(person.unit.id, [...(byUnit.get(person.unit.id) ?? []), person]);
  const children = new Map<string | null, OrgUnit[]>();
  for (const unit of units) children.set(unit.parent?.id ?? null, [...(children.get(unit.parent?.id ?? null) ?? []), unit]);
  const records: OrgRecord[] = [];
  const walk = (unit: OrgUnit, parent: OrgUnit | null) => {
    const base = { 单位: unit.name, 上级单位: parent?.name ?? '', 层级: LEVEL_LABELS[unit.level] };
    const members = byUnit.get(unit.id) ?? [];
    if (!members.length) records.push({ ...base, 姓名: '', 登录名: '', 职务: '', 手机: '', 邮箱: '', 是否单位管理员: '' });
    for (const person of members) {
      const admin = person.adminUnits.getItems().some((u) => u.id === unit.id);
      records.push({ ...base, 姓名: person.realName, 登录名: person.loginName, 职务: person.title, 手机: person.phone ?? '', 邮箱: person.email ?? '', 是否单位管理员: admin ? YES : NO });
    }
    for (const child of children.get(unit.id) ?? []) walk(child, unit);
  };
  for (const root of children.get(null) ?? []) walk(root, null);
  return records;
}

/**
 * A CSV cell Excel would run as a formula (= + - @, tab, CR first: a self-entered title such as
 * =HYPERLINK(…)) gets a leading single quote, as OWASP advises; the import strips it again
 * (parse.ts, withoutFormulaGuard), so an export imports unchanged.
 */
export function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** A table as CSV (UTF-8 with BOM, which Excel needs to show Chinese) or as an XLSX workbook. */
export async function writeTable(columns: readonly string[], records: Array<Record<string, string>>, format: OrgFileFormat, sheetName = '组织机构'): Promise<Buffer> {
  if (format === 'csv') {
    return Buffer.from('\uFEFF' + stringify(records.map((r) => columns.map((c) => guardFormula(r[c] ?? ''))), { header: true, columns: [...columns], record_delimiter: 'windows' }), 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ header: c, key: c, width: 16 }));
  // Text cells: a phone number stays digits, not a number Excel rounds.
  for (const record of records) sheet.addRow(Object.fromEntries(columns.map((c) => [c, record[c] ?? ''])));
  for (const column of columns) sheet.getColumn(column).numFmt = '@';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function writeOrgFile(records: OrgRecord[], format: OrgFileFormat): Promise<Buffer> {
  return writeTable(ORG_FILE_HEADER, records, format);
}

export const PASSWORD_FILE_HEADER = ['单位', '姓名', '登录名', '初始密码'] as const;

const byUnitThenName = (a: InitialPassword, b: InitialPassword) =>
  a.unit.localeCompare(b.unit, 'zh') || a.realName.localeCompare(b.realName, 'zh') || a.loginName.localeCompare(b.loginName);

/** The initial passwords for the unit admins: one unit's rows together, sorted by unit, then name. */
export function passwordsCsv(passwords: InitialPassword[]): Promise<Buffer> {
  const sorted = [...passwords].sort(byUnitThenName);
  return writeTable(PASSWORD_FILE_HEADER, sorted.map((p) => ({ 单位: p.unit, 姓名: p.realName, 登录名: p.loginName, 初始密码: p.password })), 'csv');
}

/** A unit name as a file name: path separators, characters Windows refuses and control characters become _. */
export function unitFileName(unit: string): string {
  return `${unit.replace(/[/\\:*?"<>|\p{Cc}]/gu, '_').replace(/^\.+/, '_').slice(0, 100)}.csv`;
}

/** One passwords file per unit (file name → CSV), so each unit admin gets only their unit's. */
export async function passwordsByUnit(passwords: InitialPassword[]): Promise<Map<string, Buffer>> {
  const units = new Map<string, InitialPassword[]>();
  for (const p of passwords) units.set(p.unit, [...(units.get(p.unit) ?? []), p]);
  const files = new Map<string, Buffer>();
  for (const unit of [...units.keys()].sort((a, b) => a.localeCompare(b, 'zh'))) {
    let name = unitFileName(unit);
    // Two names alike once sanitised (甲/乙 and 甲_乙): the second gets a number.
    for (let n = 2; files.has(name); n++) name = unitFileName(unit).replace(/\.csv$/, `-${n}.csv`);
    files.set(name, await passwordsCsv(units.get(unit)!));
  }
  return files;
}
