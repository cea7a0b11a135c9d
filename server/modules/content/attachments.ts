import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { isUuid } from '../ids.js';
import { insertAttachmentRows, lockLibraryVersions } from './store.js';

export const MAX_ATTACHMENTS = 10;

export interface AttachmentLibrary {
  groupId: string | null;
  conversationId: string | null;
}

/**
 * Checks that every version belongs to a live document of the given library (the group of the
 * thread, or the conversation's own files) and locks those documents against deletion until
 * the caller's transaction ends. Answers the version ids, de-duplicated.
 */
export async function checkAttachments(em: EntityManager, library: AttachmentLibrary, raw: unknown[] | null | undefined): Promise<string[]> {
  const ids = [...new Set((raw ?? []).map(String))];
  if (!ids.length) return [];
  if (ids.length > MAX_ATTACHMENTS) throw badInput(`最多附加 ${MAX_ATTACHMENTS} 个文件`, 'attachmentVersionIds');
  if (!ids.every(isUuid)) throw badInput('附件不存在或不在本群文件中', 'attachmentVersionIds');
  const found = await lockLibraryVersions(em, ids, library);
  if (found.length !== ids.length) throw badInput('附件不存在或不在本群文件中', 'attachmentVersionIds');
  return ids;
}

export async function insertAttachments(em: EntityManager, owner: { messageId?: string; threadId?: string; replyId?: string; meetingId?: string }, versionIds: string[]): Promise<void> {
  if (!versionIds.length) return;
  await insertAttachmentRows(em, owner, versionIds);
}
