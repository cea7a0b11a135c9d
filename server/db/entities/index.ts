import { AuditEntrySchema } from './AuditEntry.js';
import { LoginAttemptSchema } from './LoginAttempt.js';
import { OrgUnitSchema } from './OrgUnit.js';
import { SessionSchema } from './Session.js';
import { UserSchema } from './User.js';
import { chatEntities } from './Chat.js';
import { forumEntities } from './Forum.js';
import { documentEntities } from './Documents.js';
import { meetingEntities } from './Meetings.js';
import { confidentialityEntities } from './Confidentiality.js';
import { moderationEntities } from './Moderation.js';
import { archiveEntities } from './Archives.js';
import { SearchRebuildSchema } from './SearchRebuild.js';

export { AuditEntry } from './AuditEntry.js';
export { LoginAttempt } from './LoginAttempt.js';
export { OrgUnit, type UnitLevel } from './OrgUnit.js';
export { Session } from './Session.js';
export { User, type UserStatus } from './User.js';

export * from './Chat.js';
export * from './Forum.js';
export * from './Documents.js';

export * from './Meetings.js';
export * from './Confidentiality.js';
export * from './Moderation.js';
export * from './Archives.js';
export { SearchRebuild } from './SearchRebuild.js';

export const entities = [OrgUnitSchema, UserSchema, SessionSchema, LoginAttemptSchema, AuditEntrySchema, ...chatEntities, ...forumEntities, ...documentEntities, ...meetingEntities, ...moderationEntities, ...confidentialityEntities, ...archiveEntities, SearchRebuildSchema];
