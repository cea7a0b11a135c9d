import { describe, expect, it } from 'vitest';
import { compileRules, luhnCheckDigit, matchRules, residentIdCheckDigit, validLuhn, validResidentId } from '../../../server/modules/content/sensitive.js';

/**
 * The sensitive-content patterns, with identity and card numbers generated here by computing
 * their check digits (ISO 7064 MOD 11-2 and Luhn) independently of the code under test.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idCheck(first17: string): string {
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * WEIGHTS[i], 0);
  // (12 - sum mod 11) mod 11, with 10 written X: the standard's own formula.
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}
function luhn(payload: string): string {
  const digits = [...payload].reverse().map(Number);
  const sum = digits.reduce((n, d, i) => n + (i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return String((10 - (sum % 10)) % 10);
}
const luhnOk = (n: string) => luhn(n.slice(0, -1)) === n.slice(-1);

/** Valid IDs for several birth dates and sequence numbers (covering an X check digit). */
function validIds(): string[] {
  const out: string[] = [];
  for (let seq = 100; out.length < 40 && seq < 999; seq += 7) out.push(`51072219850612${seq}` + idCheck(`51072219850612${seq}`));
  return out;
}
/** The same numbers with a wrong check digit that is not by chance a valid card number. */
const invalidId = (id: string) => {
  for (const d of '0123456789X') {
    const wrong = id.slice(0, 17) + d;
    if (d !== id[17] && !luhnOk(wrong.replace('X', '0')) && d !== 'X') return wrong;
  }
  throw new Error('no invalid variant');
};

const rules = compileRules([]);
const kinds = (text: string) => matchRules(rules, text).map((m) => m.rule);

describe('check digits', () => {
  it('agree with independently computed ISO 7064 MOD 11-2 and Luhn digits', () => {
    for (const id of validIds()) {
      expect(residentIdCheckDigit(id.slice(0, 17))).toBe(id[17]);
      expect(validResidentId(id)).toBe(true);
      expect(validResidentId(invalidId(id))).toBe(false);
    }
    expect(validIds().some((id) => id.endsWith('X'))).toBe(true);
    // The standard's published example.
    expect(validResidentId('11010519491231002X')).toBe(true);
    for (const payload of ['622202100112345678', '621700123456789012', '436742123456789']) {
      expect(luhnCheckDigit(payload)).toBe(luhn(payload));
      expect(validLuhn(payload + luhn(payload))).toBe(true);
      expect(validLuhn(payload + ((Number(luhn(payload)) + 1) % 10))).toBe(false);
    }
  });
});

describe('matching', () => {
  it('finds each built-in term', () => {
    for (const term of ['秘密', '机密', '绝密', '涉密']) expect(matchRules(rules, `这份文件属于${term}材料`)).toEqual([expect.objectContaining({ rule: 'TERM', text: term, action: 'WARN' })]);
    expect(kinds('省级政府规章可以设定行政许可吗？')).toEqual([]);
  });

  it('reports resident ID numbers only with a valid check digit, masked', () => {
    for (const id of validIds()) {
      const found = matchRules(rules, `申请人身份证号${id}，请核对`);
      expect(found.map((m) => m.rule)).toEqual(['RESIDENT_ID']);
      expect(found[0].text).toBe(`${id.slice(0, 4)}**********${id.slice(-4)}`);
      expect(found[0].label).not.toContain(id);
      expect(kinds(`申请人身份证号${invalidId(id)}，请核对`)).toEqual([]);
    }
    // Lower-case x is accepted as X.
    const withX = validIds().find((id) => id.endsWith('X'))!;
    expect(kinds(`证件 ${withX.toLowerCase()}`)).toEqual(['RESIDENT_ID']);
    // Part of a longer number is not an ID.
    expect(kinds(`编号9${validIds()[0]}`)).not.toContain('RESIDENT_ID');
  });

  it('reports bank card numbers of 16-19 digits only with a valid Luhn digit', () => {
    for (const payload of ['622202100112345', '6222021001123456', '62220210011234567', '622202100112345678']) {
      const card = payload + luhn(payload);
      expect(kinds(`打款到 ${card} 即可`)).toEqual(['BANK_CARD']);
      const wrong = payload + ((Number(luhn(payload)) + 3) % 10);
      expect(kinds(`打款到 ${wrong} 即可`)).toEqual([]);
    }
    const grouped = '6222 0210 0112 3456 78' + luhn('622202100112345678');
    expect(kinds(`卡号：${grouped}`)).toEqual(['BANK_CARD']);
    // 15 and 20 digits are no card numbers.
    const short = '62220210011234' + luhn('62220210011234');
    expect(kinds(`号码 ${short}`)).toEqual([]);
  });

  it('reports mainland mobile numbers, plain, with +86 or split 3-4-4', () => {
    expect(kinds('电话13881612345')).toEqual(['MOBILE']);
    expect(kinds('电话 +86 139-0800-1234')).toEqual(['MOBILE']);
    expect(kinds('电话 151 8279 0001')).toEqual(['MOBILE']);
    expect(matchRules(rules, '电话13881612345')[0].text).toBe('138****2345');
    // Not a mobile: 12 as the prefix, or part of a longer digit run, or a landline.
    expect(kinds('编号12881612345')).toEqual([]);
    expect(kinds('订单138816123456789')).not.toContain('MOBILE');
    expect(kinds('座机 0827-5261234')).toEqual([]);
  });

  it('takes group terms and the stricter action of overrides', () => {
    const group = compileRules([
      { kind: 'term', value: '内部参考', action: 'block' },
      { kind: 'pattern', value: 'mobile', action: 'block' },
      { kind: 'term', value: '机密', action: 'warn' },
    ]);
    expect(matchRules(group, '这是内部参考')).toEqual([expect.objectContaining({ rule: 'TERM', text: '内部参考', action: 'BLOCK' })]);
    expect(matchRules(group, '电话13881612345')[0].action).toBe('BLOCK');
    expect(matchRules(compileRules([{ kind: 'term', value: '机密', action: 'block' }, { kind: 'term', value: '机密', action: 'warn' }]), '机密')[0].action).toBe('BLOCK');
  });
});
