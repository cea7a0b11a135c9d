// Importing this module registers every rule; callers use can/authorize from here.
import './user.js';
import './orgUnit.js';

export { allow, authorize, can } from './engine.js';
export { administers, isAnyAdmin, type Actor, type MaybeActor } from './actor.js';
