import { badInput } from '../../errors.js';

/** Normalisation and validation of account fields. Each returns the clean value or throws BAD_USER_INPUT. */

const HAN_NAME = /^\p{Script=Han}+(?:·\p{Script=Han}+)*$/u;
const LATIN_NAME = /^\p{Script=Latin}+(?:[ ·]\p{Script=Latin}+)*$/u;

/**
 * A real name: 2-20 Chinese characters (a "·" may join parts, as in 阿依古丽·买买提),
 * or a Latin-script name of letters, single spaces and "·". No digits, symbols or emoji.
 */
export function realName(raw: unknown): string {
  const value = String(raw ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!value) throw badInput('请填写真实姓名', 'realName');
  if (HAN_NAME.test(value)) {
    const han = [...value.replace(/·/g, '')].length;
    if (han < 2 || han > 20) throw badInput('中文姓名应为 2 至 20 个汉字', 'realName');
    return value;
  }
  if (LATIN_NAME.test(value)) {
    if (value.length < 2 || value.length > 60) throw badInput('外文姓名应为 2 至 60 个字母', 'realName');
    return value;
  }
  throw badInput('请使用真实姓名：2 至 20 个汉字，或由字母、空格和“·”组成的外文姓名，不能使用昵称、数字或符号', 'realName');
}

export function loginName(raw: unknown): string {
  const value = String(raw ?? '').trim().toLowerCase();
  if (!/^[a-z][a-z0-9_.-]{2,31}$/.test(value)) {
    throw badInput('登录名应为 3 至 32 位，以字母开头，只含字母、数字、下划线、点或连字符', 'loginName');
  }
  return value;
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/** Checked before any hashing, so an overlong password costs nothing. */
export function newPassword(raw: unknown, login?: string, field = 'password'): string {
  const value = String(raw ?? '');
  const length = [...value].length;
  if (length < PASSWORD_MIN) throw badInput(`密码至少 ${PASSWORD_MIN} 个字符`, field);
  if (length > PASSWORD_MAX) throw badInput(`密码不能超过 ${PASSWORD_MAX} 个字符`, field);
  if (login && value.toLowerCase() === login.toLowerCase()) throw badInput('密码不能与登录名相同', field);
  return value;
}

export function title(raw: unknown): string {
  const value = String(raw ?? '').normalize('NFC').trim();
  if (!value) throw badInput('请填写职务', 'title');
  if ([...value].length > 30) throw badInput('职务不能超过 30 个字', 'title');
  if (/[<>\p{Cc}]/u.test(value)) throw badInput('职务含有不允许的字符', 'title');
  return value;
}

/** Mobile (11 digits starting with 1) or landline (area code, dash, number, optional extension). */
export function phone(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw).trim().replace(/\s+/g, '');
  if (!value) return null;
  if (/^1[3-9]\d{9}$/.test(value) || /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/.test(value)) return value;
  throw badInput('电话号码格式不正确：请填写 11 位手机号，或“区号-号码”格式的固定电话', 'phone');
}

export function optionalText(raw: unknown, field: string, label: string, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw).normalize('NFC').trim();
  if (!value) return null;
  if ([...value].length > max) throw badInput(`${label}不能超过 ${max} 个字`, field);
  return value;
}

export function requiredText(raw: unknown, field: string, label: string, max: number): string {
  const value = optionalText(raw, field, label, max);
  if (!value) throw badInput(`请填写${label}`, field);
  return value;
}

/** "138****5678": what everyone but the person and their admins sees. */
export function maskPhone(value: string | null): string | null {
  if (!value) return null;
  if (value.length <= 7) return value.replace(/\d/g, '*');
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}
