import type { EntityManager } from '@mikro-orm/postgresql';
import { DocumentVersion } from '../../db/entities/index.js';
import { entityColumns, hydrate, query } from '../../db/sql.js';

/**
 * Documents' SQL for the GraphQL presenters. (A page of owners' attachments in one prepared
 * statement, versions hydrated only for rows found: past the ORM's populate, which costs more.)
 */

export type AttachmentOwner = 'message' | 'thread' | 'reply' | 'meeting';

/**
 * Attachments of a page of messages, threads, replies or meetings with their version rows: one
 * prepared statement (a history page asks for 50 messages' attachments, and most have none),
 * versions hydrated as entities only for the rows found. Keyed by owner id, in attachment order.
 */
export async function attachmentsOf(em: EntityManager, column: AttachmentOwner, ids: string[]): Promise<Map<string, Array<{ version: DocumentVersion }>>> {
  const byOwner = new Map<string, Array<{ version: DocumentVersion }>>();
  if (!ids.length) return byOwner;
  const v = entityColumns(em, DocumentVersion, 'v');
  const rows = await query<Record<string, unknown> & { owner_id: string }>(
    em,
    `jiaoliu_attachments_of_${column}`,
    `select a.${column}_id as owner_id, ${v.sql} from attachment a join document_version v on v.id = a.version_id where a.${column}_id = any($1::uuid[]) order by a.id`,
    [ids],
  );
  for (const row of rows) {
    if (!byOwner.has(row.owner_id)) byOwner.set(row.owner_id, []);
    byOwner.get(row.owner_id)!.push({ version: hydrate(em, DocumentVersion, v.pick(row)!) });
  }
  return byOwner;
}

/** A request's answers in the order given. */
export function requestAnswerRows(em: EntityManager, requestId: string): Promise<Array<{ answerer_id: string; version_id: string; note: string | null; created_at: Date }>> {
  return em.execute<Array<{ answerer_id: string; version_id: string; note: string | null; created_at: Date }>>(
    `select answerer_id, version_id, note, created_at from document_request_answer where request_id = ? order by id`,
    [requestId],
  );
}
