import { sql, sqlText } from '../db/statement.js';
import { mayReadContent, mayReadSql, type ReadFacts, type SqlOperand } from './confidentiality.js';

/**
 * What a search may find in the viewer's scopes (the conversations they are in, and the groups
 * they are a member of for threads and replies: modules/search/search.ts builds those): a message
 * not recalled that they may read; a thread they may read; a reply not deleted that they may
 * read, in a thread not removed that they may read. The TypeScript rule and its SQL predicate
 * sit together; tests/server/policies/sql-agreement.test.ts holds them to the same answers.
 */
export interface FindableMessage {
  recalled: boolean;
  content: ReadFacts;
}
export interface FindableThread {
  content: ReadFacts;
}
export interface FindableReply {
  deleted: boolean;
  content: ReadFacts;
  thread: { removed: boolean; content: ReadFacts };
}

export const mayFind = {
  message: (m: FindableMessage) => !m.recalled && mayReadContent(m.content),
  thread: (t: FindableThread) => mayReadContent(t.content),
  reply: (r: FindableReply) => !r.deleted && mayReadContent(r.content) && !r.thread.removed && mayReadContent(r.thread.content),
};

/**
 * The same rule in SQL: `x` is the row's alias (fixed by code), `viewer` the viewer's id (a value
 * or a column); a message needs its conversation's group.
 */
export const mayFindSql = {
  message: (x: string, group: SqlOperand, viewer: SqlOperand) =>
    sql`${sqlText(`${x}.recalled_at is null and `)}${mayReadSql(`${x}.id`, `${x}.confidentiality`, `${x}.author_id`, group, viewer)}`,
  reply: (x: string, viewer: SqlOperand) =>
    sql`${sqlText(`${x}.deleted_at is null and `)}${mayReadSql(`${x}.id`, `${x}.confidentiality`, `${x}.author_id`, `${x}.group_id`, viewer)}${sqlText(`
     and exists (select 1 from thread t where t.id = ${x}.thread_id and t.removed_at is null and `)}${mayReadSql('t.id', 't.confidentiality', 't.author_id', 't.group_id', viewer)})`,
  thread: (x: string, viewer: SqlOperand) => mayReadSql(`${x}.id`, `${x}.confidentiality`, `${x}.author_id`, `${x}.group_id`, viewer),
};
