import type { Document, DocumentFolder } from '../../db/entities/index.js';
import type { ConversationAccess, GroupAccess } from '../groups/subjects.js';

/**
 * A library as one actor sees it: a group's 群文件 (with their role there), or the files of a
 * discussion group or private conversation they are in.
 */
export class LibraryAccess {
  constructor(
    readonly group: GroupAccess | null,
    readonly conversation: ConversationAccess | null,
  ) {}

  get groupId(): string | null {
    return this.group?.group.id ?? null;
  }

  get conversationId(): string | null {
    return this.group ? null : this.conversation!.conversation.id;
  }
}

/** A document with the actor's access to its library. */
export class DocumentAccess {
  constructor(
    readonly document: Document,
    readonly library: LibraryAccess,
  ) {}
}

/** A folder of a group library with the actor's access to that library. */
export class FolderAccess {
  constructor(
    readonly folder: DocumentFolder,
    readonly library: LibraryAccess,
  ) {}
}

export const DOWNLOAD_LINK_SECONDS = 60;
