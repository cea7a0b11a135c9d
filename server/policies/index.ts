// Importing this module registers every rule; callers use can/authorize from here.
import './user.js';
import './orgUnit.js';
import './chat.js';
import './forum.js';
import './documents.js';
import './meetings.js';
import './confidentiality.js';
import './moderation.js';

export { allow, authorize, can } from './engine.js';
export { administers, isAnyAdmin, type Actor, type MaybeActor } from './actor.js';
export { ContentReaders, userMayRead } from './confidentiality.js';
export { ModerationTarget, ReportableContent, mayActOn, mutedUntil, INDEFINITE, MODERATION_ACTIONS, type ModerationAction } from './moderation.js';
