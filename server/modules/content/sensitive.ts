import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConfidentialityLevel, SensitiveAction, SensitivePattern, SensitiveRuleKind } from '../../db/entities/index.js';
import { AppError } from '../../errors.js';
import { sensitiveRuleRows } from './store.js';

/**
 * 保密提醒: the sensitive-content check every message, thread and reply passes before it is
 * written. Rules are the built-in ones below, system-level rows (sensitive_rule.group_id null)
 * and the group's own rows; for the same kind and value the strictest action wins (a group may
 * turn a warning into a block, never the reverse).
 *
 * Cost: each scope's rules are compiled once into one term expression plus the pattern list, and
 * cached in this process. A change drops the cache at once on every instance (deps.caches, over
 * the bus); CACHE_TTL_MS only bounds staleness should an invalidation be lost. A cached check runs no SQL at all, so a message that
 * matches nothing costs the send path no round trip.
 */

export const BUILT_IN_TERMS = ['秘密', '机密', '绝密', '涉密'];
export const PATTERN_LABELS: Record<SensitivePattern, string> = { resident_id: '身份证号码', mobile: '手机号码', bank_card: '银行卡号' };
export const CACHE_TTL_MS = 60_000;

export interface SensitiveMatch {
  /** TERM, RESIDENT_ID, MOBILE or BANK_CARD. */
  rule: 'TERM' | 'RESIDENT_ID' | 'MOBILE' | 'BANK_CARD';
  /** The term, or the matched number with its middle masked (never echoed in full). */
  text: string;
  action: 'WARN' | 'BLOCK';
  /** Chinese label, e.g. 敏感词「机密」 or 身份证号码 1101**********0015. */
  label: string;
}

export interface CompiledRules {
  terms: RegExp | null;
  termActions: Map<string, SensitiveAction>;
  patterns: Map<SensitivePattern, SensitiveAction>;
}

// ISO 7064 MOD 11-2, as used by GB 11643 (18-digit resident identity numbers).
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
export function residentIdCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}
export function validResidentId(id: string): boolean {
  return /^\d{17}[\dX]$/i.test(id) && residentIdCheckDigit(id) === id[17].toUpperCase();
}

/** The Luhn check digit that completes `payload` (all digits but the last). */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
export function validLuhn(number: string): boolean {
  return /^\d{2,}$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === number[number.length - 1];
}

const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
// 11 digits starting 13-19, optionally +86 / 86 before it, optionally split 3-4-4 by a space or hyphen.
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])/g;
// 16 to 19 digits, optionally in groups of four separated by single spaces or hyphens.
const BANK_CARD = /(?<![0-9])\d(?:[- ]?\d){15,18}(?![0-9])/g;

const mask = (digits: string) => (digits.length <= 8 ? digits : `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stricter = (a: SensitiveAction | undefined, b: SensitiveAction): SensitiveAction => (a === 'block' || b === 'block' ? 'block' : 'warn');

export function compileRules(rows: Array<{ kind: SensitiveRuleKind; value: string; action: SensitiveAction }>): CompiledRules {
  const termActions = new Map<string, SensitiveAction>(BUILT_IN_TERMS.map((t) => [t, 'warn']));
  const patterns = new Map<SensitivePattern, SensitiveAction>([
    ['resident_id', 'warn'],
    ['mobile', 'warn'],
    ['bank_card', 'warn'],
  ]);
  for (const row of rows) {
    if (row.kind === 'term') termActions.set(row.value, stricter(termActions.get(row.value), row.action));
    else if (patterns.has(row.value as SensitivePattern)) patterns.set(row.value as SensitivePattern, stricter(patterns.get(row.value as SensitivePattern), row.action));
  }
  // Longest first, so that 绝密文件 wins over 绝密 when both are terms.
  const terms = [...termActions.keys()].sort((a, b) => b.length - a.length);
  return { terms: terms.length ? new RegExp(terms.map(escapeRegExp).join('|'), 'gu') : null, termActions, patterns };
}

/** Every rule the text trips, each term or number once. Pure: no I/O. */
export function matchRules(rules: CompiledRules, text: string): SensitiveMatch[] {
  const out: SensitiveMatch[] = [];
  const seen = new Set<string>();
  const add = (m: SensitiveMatch) => {
    const key = `${m.rule}:${m.text}`;
    if (!seen.has(key)) (seen.add(key), out.push(m));
  };
  const upper = (a: SensitiveAction) => (a === 'block' ? 'BLOCK' : 'WARN') as SensitiveMatch['action'];
  if (rules.terms) {
    for (const [term] of text.matchAll(rules.terms)) add({ rule: 'TERM', text: term, action: upper(rules.termActions.get(term) ?? 'warn'), label: `敏感词「${term}」` });
  }
  const idNumbers = new Set<string>();
  const idAction = rules.patterns.get('resident_id');
  if (idAction) {
    for (const [id] of text.matchAll(RESIDENT_ID)) {
      if (!validResidentId(id)) continue;
      idNumbers.add(id);
      add({ rule: 'RESIDENT_ID', text: mask(id.toUpperCase()), action: upper(idAction), label: `${PATTERN_LABELS.resident_id} ${mask(id.toUpperCase())}` });
    }
  }
  const mobileAction = rules.patterns.get('mobile');
  if (mobileAction) {
    for (const match of text.matchAll(MOBILE)) {
      const digits = match[1] + match[2] + match[3];
      add({ rule: 'MOBILE', text: `${digits.slice(0, 3)}****${digits.slice(-4)}`, action: upper(mobileAction), label: `${PATTERN_LABELS.mobile} ${digits.slice(0, 3)}****${digits.slice(-4)}` });
    }
  }
  const cardAction = rules.patterns.get('bank_card');
  if (cardAction) {
    for (const [raw] of text.matchAll(BANK_CARD)) {
      const digits = raw.replace(/[- ]/g, '');
      // A valid identity number is reported as one, not again as a card.
      if (idNumbers.has(digits) || !validLuhn(digits)) continue;
      add({ rule: 'BANK_CARD', text: mask(digits), action: upper(cardAction), label: `${PATTERN_LABELS.bank_card} ${mask(digits)}` });
    }
  }
  return out;
}

const SYSTEM = 'system';
const cache = new Map<string, { rules: CompiledRules; at: number }>();

/** Drops the cached rules of one group (or, for system rules, of every scope). */
export function invalidateRules(groupId: string | null): void {
  if (groupId === null) cache.clear();
  else cache.delete(groupId);
}

/** The compiled rules of a group (system rules included), or of private chats (groupId null). */
export async function rulesFor(em: EntityManager, groupId: string | null): Promise<CompiledRules> {
  const key = groupId ?? SYSTEM;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.rules;
  const rows = await sensitiveRuleRows(em, groupId);
  const rules = compileRules(rows);
  cache.set(key, { rules, at: Date.now() });
  return rules;
}

export interface SensitiveVerdict {
  matches: SensitiveMatch[];
  /** The acknowledgement was given and only warnings matched: post as internal, audit it. */
  acknowledged: boolean;
}

/**
 * Checks a text before it is written. Nothing matched: { matches: [] }. Only warnings, not
 * acknowledged: CONFIRMATION_REQUIRED listing them. A block rule matched: FORBIDDEN, whatever
 * the acknowledgement.
 */
export async function checkSensitive(em: EntityManager, groupId: string | null, texts: string[], acknowledge: boolean): Promise<SensitiveVerdict> {
  const rules = await rulesFor(em, groupId);
  const matches = texts.flatMap((text) => matchRules(rules, text));
  const unique = [...new Map(matches.map((m) => [`${m.rule}:${m.text}`, m])).values()];
  if (!unique.length) return { matches: [], acknowledged: false };
  const blocked = unique.filter((m) => m.action === 'BLOCK');
  if (blocked.length) {
    throw new AppError('FORBIDDEN', `内容包含禁止发送的信息：${blocked.map((m) => m.label).join('、')}。请删除后再发送。`, { sensitiveMatches: unique });
  }
  if (!acknowledge) {
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      `内容可能涉及保密或个人信息：${unique.map((m) => m.label).join('、')}。确认发送后将标记为「内部」并记入审计日志。`,
      { sensitiveMatches: unique },
    );
  }
  return { matches: unique, acknowledged: true };
}

/** The audit row of an acknowledged sensitive-content warning (written with the content). */
export function sensitiveAuditAfter(subject: Record<string, unknown>, matches: SensitiveMatch[], confidentiality: ConfidentialityLevel) {
  return { ...subject, confidentiality, matches: matches.map((m) => ({ rule: m.rule, text: m.text })) };
}
