import type { ConfidentialityLevel, Message } from '../../db/entities/index.js';
import type { ConversationAccess } from '../groups/subjects.js';

/** What the message rules read of a message: the entity, or the same columns of a message view. */
export interface MessageFacts {
  readonly author: { readonly id: string };
  readonly createdAt: Date;
  readonly recalledAt: Date | null;
  readonly removedAt: Date | null;
  readonly confidentiality: ConfidentialityLevel;
}

/**
 * A message in a conversation the actor belongs to. Services hold the entity; presenters build
 * one from a message view (`MessageFacts`) to serialise `viewerCan` from the same rules.
 */
export class MessageAccess<M extends MessageFacts = Message> {
  constructor(
    readonly message: M,
    readonly conversation: ConversationAccess,
  ) {}
}

export const EDIT_WINDOW_MS = 10 * 60_000;
export const RECALL_WINDOW_MS = 2 * 60_000;
