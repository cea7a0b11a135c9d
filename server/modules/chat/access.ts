import type { EntityManager } from '@mikro-orm/postgresql';
import { Message } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, ContentReaders, type Actor } from '../../policies/index.js';
import { conversationForActor } from '../groups/access.js';
import { isUuid } from '../ids.js';
import { restrictedReaders } from './messageViews.js';
import { MessageAccess } from './subjects.js';

/** A message in one of the actor's conversations, or NOT_FOUND. */
export async function messageForActor(em: EntityManager, actor: Actor, id: unknown): Promise<MessageAccess> {
  if (!isUuid(id)) throw notFound('消息');
  const message = await em.findOne(Message, { id });
  if (!message) throw notFound('消息');
  let access: MessageAccess;
  try {
    access = new MessageAccess(message, await conversationForActor(em, actor, message.conversation.id));
  } catch {
    throw notFound('消息');
  }
  // Restricted: readers only; everyone else cannot tell it from a message that does not exist.
  if (message.confidentiality === 'restricted') {
    const readers = (await restrictedReaders(em, [message.id])).get(message.id);
    if (!can(actor, 'read', new ContentReaders('restricted', new Set(readers?.readers ?? [])))) throw notFound('消息');
  }
  return access;
}
