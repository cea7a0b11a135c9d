import type { ConfidentialityLevel } from '../db/entities/index.js';
import { GroupAccess } from '../modules/groups/subjects.js';
import { allow } from './engine.js';

/**
 * Who may read confidential content, and who may change levels and sensitive-content rules.
 *
 * Restricted (受限) content is for its readers: the author, the members named on it, and the
 * owner and admins of its group (computed when the content is loaded: `readers`). Everyone
 * else gets NOT_FOUND for it by id, a placeholder in history, and nothing in search, counts,
 * quotes or previews. Internal (内部) and normal content is for every member of the conversation.
 */
export class ContentReaders {
  constructor(
    readonly level: ConfidentialityLevel,
    /** For restricted content: author, named members and group admins. Null otherwise. */
    readonly readers: ReadonlySet<string> | null,
  ) {}
}

/** The rule itself, for paths that hold user ids rather than actors (the realtime hub's recipients). */
export function userMayRead(userId: string, content: ContentReaders): boolean {
  return content.level !== 'restricted' || !!content.readers?.has(userId);
}

allow(ContentReaders, 'read', (actor, c) => !!actor && userMayRead(actor.userId, c));

const isManager = (role: string | null) => role === 'owner' || role === 'admin';

/**
 * Raising a level (内部 → 受限 or 普通 → 内部): the group's owner and admins. Levels are never
 * lowered by anyone: what was once marked confidential may have been treated as such.
 * The author sets the level when posting (any level the conversation allows).
 */
allow(GroupAccess, 'raiseConfidentiality', (actor, g) => !!actor && isManager(g.role));
/** A group's extra sensitive terms and block rules: its owner and admins (and system admins). */
allow(GroupAccess, 'manageSensitiveRules', (actor, g) => !!actor && (isManager(g.role) || actor.isSystemAdmin));
