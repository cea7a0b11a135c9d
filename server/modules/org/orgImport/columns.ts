import type { UnitLevel } from '../../../db/entities/index.js';

/** The organisation file as HR offices keep it: one official per row, in their unit. */
export const ORG_FILE_HEADER = ['单位', '上级单位', '层级', '姓名', '登录名', '职务', '手机', '邮箱', '是否单位管理员'] as const;
export type OrgColumn = (typeof ORG_FILE_HEADER)[number];

/** The columns that describe the official; a row with all of them empty declares its unit only. */
export const PERSON_FIELDS: readonly OrgColumn[] = ['姓名', '登录名', '职务', '手机', '邮箱', '是否单位管理员'];

/** One data row of the file, with the line (CSV) or row number (XLSX) a person finds it at. */
export interface OrgFileRow {
  line: number;
  values: Record<OrgColumn, string>;
}

/** Something wrong with one row (line 1 is the header), in Chinese. */
export interface RowProblem {
  line: number;
  message: string;
}

/** How the file writes each level (export), and the spellings an import accepts. */
export const LEVEL_LABELS: Record<UnitLevel, string> = { province: '省级', city: '市级', county: '县级' };

const LEVEL_SPELLINGS: Record<string, UnitLevel> = {
  省: 'province',
  省级: 'province',
  省级单位: 'province',
  province: 'province',
  市: 'city',
  市级: 'city',
  地市: 'city',
  地市级: 'city',
  市级单位: 'city',
  city: 'city',
  县: 'county',
  县级: 'county',
  区: 'county',
  县区: 'county',
  '县（区）': 'county',
  '县(区)': 'county',
  县级单位: 'county',
  county: 'county',
};

export function levelOf(text: string): UnitLevel | null {
  return LEVEL_SPELLINGS[text.trim().toLowerCase()] ?? null;
}

/** What makes a spreadsheet read a CSV cell as a formula (OWASP "CSV injection"). */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as export wrote it, without the quote that kept it from being a formula (files.ts guardFormula). */
export function withoutFormulaGuard(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export const YES = '是';
export const NO = '否';
