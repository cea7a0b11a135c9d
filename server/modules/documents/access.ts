import type { EntityManager } from '@mikro-orm/postgresql';
import { Document, DocumentVersion } from '../../db/entities/index.js';
import { badInput, notFound, notFoundAs } from '../../errors.js';
import { can, type Actor } from '../../policies/index.js';
import { conversationForActor, groupForActor } from '../groups/access.js';
import { isUuid } from '../ids.js';
import { isAttached } from './store.js';
import { DocumentAccess, LibraryAccess } from './subjects.js';


/** A library the actor may read: a group's (members) or a private conversation's (its two people). */
export async function libraryForActor(em: EntityManager, actor: Actor, target: { groupId?: unknown; conversationId?: unknown }): Promise<LibraryAccess> {
  const { groupId, conversationId } = target;
  const given = [groupId, conversationId].filter((v) => v !== null && v !== undefined && v !== '');
  if (given.length !== 1) throw badInput('请指定群组或私聊', 'groupId');
  let library: LibraryAccess;
  if (groupId) {
    library = new LibraryAccess(await groupForActor(em, actor, groupId).catch(notFoundAs('群组')), null);
  } else {
    const conversation = await conversationForActor(em, actor, conversationId).catch(notFoundAs('会话'));
    // A group's conversation shares the group's library; a discussion group or a private chat
    // keeps its own, so that nobody outside it sees its files.
    library = conversation.conversation.kind === 'group'
      ? new LibraryAccess(await groupForActor(em, actor, conversation.group!.id), conversation)
      : new LibraryAccess(null, conversation);
  }
  if (!can(actor, 'read', library)) throw notFound(groupId ? '群组' : '会话');
  return library;
}

async function libraryOf(em: EntityManager, actor: Actor, document: Document): Promise<LibraryAccess> {
  return document.group ? libraryForActor(em, actor, { groupId: document.group.id }) : libraryForActor(em, actor, { conversationId: document.conversation!.id });
}

/** A document in a library the actor may read (deleted ones too: callers check the policy), or NOT_FOUND. */
export async function documentForActor(em: EntityManager, actor: Actor, id: unknown): Promise<DocumentAccess> {
  if (!isUuid(id)) throw notFound('文件');
  const document = await em.findOne(Document, { id });
  if (!document) throw notFound('文件');
  const library = await libraryOf(em, actor, document).catch(notFoundAs('文件'));
  return new DocumentAccess(document, library);
}

/** A version of a document the actor may download, or NOT_FOUND (deleted documents included). */
export async function versionForActor(em: EntityManager, actor: Actor, id: unknown): Promise<{ version: DocumentVersion; access: DocumentAccess }> {
  if (!isUuid(id)) throw notFound('文件');
  const version = await em.findOne(DocumentVersion, { id });
  if (!version) throw notFound('文件');
  const access = await documentForActor(em, actor, version.document.id);
  if (!can(actor, 'download', access)) {
    // A document deleted from the library still downloads where a message, thread or reply of
    // the same library attached it: deleting never takes content out of the record.
    const attached = access.document.deletedAt ? await isAttached(em, version.id) : false;
    if (!attached || !can(actor, 'read', access.library)) throw notFound('文件');
  }
  return { version, access };
}
