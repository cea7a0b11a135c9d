import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../../db/sql.js';
import { sql, sqlText } from '../../../db/statement.js';
import { personColumns, personJoinSql } from '../../accounts/store.js';
import type { PersonRow } from '../../accounts/people.js';
import type { MessageRow } from '../messageViews.js';

/** Message rows as the read paths build views from them: the message, its readers and its people, in prepared statements. */

const MESSAGE_ROW_COLUMN_TEXT =
  'm.id, m.conversation_id, m.seq, m.author_id, m.body, m.reply_to_id, m.client_message_id, m.mentions_all, m.created_at, m.edited_at, m.recalled_at, m.confidentiality, m.removed_at, m.removal_reason, m.moved_to_thread_id';

/** The message columns (as `MessageRow`) under alias `m`. */
export const messageRowColumns = sqlText(MESSAGE_ROW_COLUMN_TEXT);

/** The same columns of a message under another alias (a page's subquery reads `x`). */
export const messageRowColumnsOf = (alias: string) => sqlText(MESSAGE_ROW_COLUMN_TEXT.replace(/\bm\./g, `${alias}.`));

/**
 * Who may read a restricted message `m`, in the same row (null for other levels, which costs
 * nothing more): the members named on it and the owner and admins of its group now. With the
 * author they are its readers (see messageViews.ts `readersOfRow` and policies/confidentiality.ts).
 */
export const readerColumns = sqlText(`case when m.confidentiality = 'restricted' then array(select a.user_id from content_audience a where a.subject_id = m.id) end as audience,
       case when m.confidentiality = 'restricted' then array(select gm.user_id from group_member gm where gm.group_id = jl_conversation_group(m.conversation_id) and gm.role in ('owner', 'admin')) end as managers`);

/** The readers' columns of restricted messages, by id. */
export function restrictedReaderRows(em: EntityManager, ids: string[]): Promise<MessageRow[]> {
  return query<MessageRow>(em, 'jiaoliu_restricted_readers', sql`select m.id, m.author_id, m.confidentiality, ${readerColumns} from message m where m.id = any(${ids}::uuid[])`);
}

/** Message rows with their readers and their authors' columns, by id (none asked: no statement). */
export async function messageRows(em: EntityManager, ids: readonly string[]): Promise<Array<MessageRow & PersonRow>> {
  if (!ids.length) return [];
  return query(em, 'jiaoliu_message_rows_v2', sql`select ${messageRowColumns}, ${readerColumns}, ${personColumns} from message m ${personJoinSql('m.author_id')} where m.id = any(${ids}::uuid[])`);
}

/** The mentioned people of messages, in the order they were written in (the sender's order, as the send path answers). */
export function mentionRows(em: EntityManager, messageIds: string[]): Promise<Array<PersonRow & { message_id: string; user_id: string }>> {
  return query(
    em,
    'jiaoliu_message_mentions_v2',
    sql`select mm.message_id, mm.user_id, ${personColumns} from message_mention mm ${personJoinSql('mm.user_id')} where mm.message_id = any(${messageIds}::uuid[])
        order by mm.ctid`,
  );
}

/** The reactions of messages with the reacting people, oldest first. */
export function reactionRows(em: EntityManager, messageIds: string[]): Promise<Array<PersonRow & { message_id: string; user_id: string; emoji: string }>> {
  return query(
    em,
    'jiaoliu_message_reactions_v2',
    sql`select r.message_id, r.user_id, r.emoji, ${personColumns} from message_reaction r ${personJoinSql('r.user_id')}
        where r.message_id = any(${messageIds}::uuid[]) order by r.created_at, r.user_id`,
  );
}
