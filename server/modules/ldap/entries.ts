import type { Entry } from 'ldapts';
import type { DirectoryConfig } from '../../config.js';
import { attributeText } from './client.js';

/** A person as the directory describes them, in Jiaoliu's terms. */
export interface DirectoryPerson {
  dn: string;
  /** As typed at sign-in: trimmed, lower case. */
  loginName: string;
  realName: string;
  /** Unit names from the top down to the person's own unit (empty: the configured root, or none). */
  unitChain: string[];
  /** Null when the attribute is not mapped (the Jiaoliu value stays as it is). */
  title: string | null;
  phone: string | null;
  disabled: boolean;
}

/** The RDNs of a DN as [attribute, value] pairs, escapes (`\,` and `\c3\a9`) decoded. */
export function parseDn(dn: string): Array<[string, string]> {
  const rdns: Array<[string, string]> = [];
  let current = '';
  const parts: string[] = [];
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\' && i + 1 < dn.length) {
      current += c + dn[i + 1];
      i++;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current) parts.push(current);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    rdns.push([part.slice(0, eq).trim().toLowerCase(), unescapeValue(part.slice(eq + 1).trim())]);
  }
  return rdns;
}

function unescapeValue(value: string): string {
  const bytes: number[] = [];
  const out: string[] = [];
  const flush = () => {
    if (bytes.length) out.push(Buffer.from(bytes.splice(0)).toString('utf8'));
  };
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && /^[0-9a-f]{2}$/i.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    if (value[i] === '\\' && i + 1 < value.length) i++;
    out.push(value[i]);
  }
  flush();
  return out.join('');
}

/** The ou components between the search base and the entry itself, top first. */
export function ouChain(config: DirectoryConfig, dn: string, includeSelf: boolean): string[] {
  const rdns = parseDn(dn);
  const below = rdns.slice(includeSelf ? 0 : 1, Math.max(0, rdns.length - parseDn(config.searchBase).length));
  return below.filter(([attribute]) => attribute === 'ou').map(([, value]) => value.trim()).filter(Boolean).reverse();
}

/** The person of an entry, or why it cannot be one (Chinese, for the sync report). */
export function directoryPersonOf(config: DirectoryConfig, entry: Entry): DirectoryPerson | { skipped: string } {
  const a = config.attributes;
  const loginName = attributeText(entry, a.login)?.trim().toLowerCase();
  if (!loginName) return { skipped: `${entry.dn}：缺少登录名属性 ${a.login}` };
  const realName = attributeText(entry, a.name)?.normalize('NFC').trim();
  if (!realName) return { skipped: `${entry.dn}：缺少姓名属性 ${a.name}` };
  const unitName = a.unit ? attributeText(entry, a.unit)?.trim() : null;
  const disabledValue = a.disabled ? attributeText(entry, a.disabled)?.trim().toLowerCase() : null;
  return {
    dn: entry.dn,
    loginName,
    realName,
    unitChain: a.unit ? (unitName ? [unitName] : []) : ouChain(config, entry.dn, false),
    title: a.title ? (attributeText(entry, a.title)?.trim() ?? '') : null,
    phone: a.phone ? (attributeText(entry, a.phone)?.trim() || null) : null,
    disabled: !!disabledValue && config.disabledValues.includes(disabledValue),
  };
}
