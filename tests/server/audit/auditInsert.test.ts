import { describe, expect, it } from 'vitest';
import { auditInsert } from '../../../server/audit/logger.js';
import { sql, sqlText } from '../../../server/db/statement.js';

describe('auditInsert (the typed audit row as a statement)', () => {
  it('writes the fields the record gives, in order, values as placeholders and statements composed in place', () => {
    const statement = auditInsert(
      { actorId: sqlText('m.author_id'), action: 'content.sensitive_acknowledged', targetType: 'group', targetId: 'g1', reason: '确认', after: sql`jsonb_set(${'{}'}::jsonb, '{messageId}', to_jsonb(m.id::text))`, ip: null },
      sqlText('m'),
    );
    expect(statement.text.replace(/\s+/g, ' ')).toBe(
      "insert into audit_log (at, actor_id, action, target_type, target_id, reason, after, ip) select now(), m.author_id, ?, ?, ?, ?, jsonb_set(?::jsonb, '{messageId}', to_jsonb(m.id::text)), ? from m",
    );
    expect(statement.values).toEqual(['content.sensitive_acknowledged', 'group', 'g1', '确认', '{}', null]);
  });

  it('casts plain before and after objects to jsonb, and needs no source', () => {
    const statement = auditInsert({ actorId: 'u1', action: 'group.updated', targetType: 'group', targetId: 'g1', before: { name: 'a' }, after: null });
    expect(statement.text.replace(/\s+/g, ' ')).toBe('insert into audit_log (at, actor_id, action, target_type, target_id, before, after) select now(), ?, ?, ?, ?, ?::jsonb, ?');
    expect(statement.values).toEqual(['u1', 'group.updated', 'group', 'g1', '{"name":"a"}', null]);
    // @ts-expect-error an action must be one of AuditAction's names
    auditInsert({ actorId: 'u1', action: 'group.renamed', targetType: 'group', targetId: 'g1' });
  });
});
