import type { ChatGroup, Conversation, GroupRole } from '../../db/entities/index.js';

/** A group as one actor sees it: their role (null when not a member) and whether they are invited. */
export class GroupAccess {
  constructor(
    readonly group: ChatGroup,
    readonly role: GroupRole | null,
    readonly invited: boolean,
    /** The actor's own mute in this group (group_member.muted_until), read with the role. */
    readonly mutedUntil: Date | null = null,
    /** Whether the actor is banned from this group (may not apply or rejoin). */
    readonly banned = false,
  ) {}
}

/**
 * A conversation the actor belongs to (access helpers never build one for outsiders). Its
 * conversation and group may be plain views of their rows (columns, and `{ id }` for relations)
 * rather than managed entities: read them, never change or persist them.
 */
export class ConversationAccess {
  constructor(
    readonly conversation: Conversation,
    /** For group and discussion conversations: the group and the actor's role in it. */
    readonly group: ChatGroup | null,
    readonly role: GroupRole | null,
    /** For private conversations: the other person. */
    readonly peerId: string | null,
    /** For discussion-group conversations: which one, and whether it is archived (read-only). */
    readonly discussion: { id: string; archived: boolean } | null = null,
    /** The actor's own mute in the group (read by the same access query as the role). */
    readonly mutedUntil: Date | null = null,
  ) {}

  get readOnly(): boolean {
    return !!this.discussion?.archived;
  }
}
