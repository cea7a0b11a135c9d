// Importing this module registers every rule; callers use can/authorize from here.
import './user.js';
import './orgUnit.js';
import './chat.js';
import './forum.js';
import './documents.js';
import './meetings.js';
import './confidentiality.js';
import './moderation.js';
import './organisation.js';
import './archives.js';

export { abilities, allow, authorize, can, noAbilities } from './engine.js';
export { administers, isAnyAdmin, type Actor, type MaybeActor } from './actor.js';
export { isGroupMember, leadsGroup, leadsGroupSql, managesGroup, notificationShownSql, managesGroupAsMember, ownsGroup, runsGroup } from './groups.js';
export { ContentReaders, mayReadContent, mayReadSql, restrictedReaders, userMayRead, type ReadFacts, type SqlOperand } from './confidentiality.js';
export { mayFind, mayFindSql } from './search.js';
export { GROUP_ABILITIES, MESSAGE_ABILITIES } from './chat.js';
export { DOCUMENT_ABILITIES, FOLDER_ABILITIES } from './documents.js';
export { REPLY_ABILITIES, THREAD_ABILITIES } from './forum.js';
export { meetingAbilities } from './meetings.js';
export { UNIT_ABILITIES } from './orgUnit.js';
export { Organisation } from './organisation.js';
export { authorizeIdentityChange, authorizeProfileChange, userAbilities } from './user.js';
export { ModerationTarget, ReportableContent, auditShowsTextSql, mayActOn, mayReadAuditIp, moderatesEverywhere, mutedUntil, INDEFINITE, MODERATION_ACTIONS, type ModerationAction } from './moderation.js';
export { ARCHIVE_ABILITIES, holdsExportRight, seesGroupArchive } from './archives.js';
