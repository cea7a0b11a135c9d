import { OrgUnit } from '../db/entities/index.js';
import { administers } from './actor.js';
import { allow } from './engine.js';

/** Anyone, signed in or not, may see the tree (registration needs it). */
allow(OrgUnit, 'read', () => true);

/** Officials of a unit are listed to signed-in officials only. */
allow(OrgUnit, 'listMembers', (actor) => !!actor);

/** Creating accounts in, and approving registrations for, this unit. */
allow(OrgUnit, 'administer', (actor, unit) => administers(actor, unit.path));

/** Appointing an admin of this unit: an admin of the unit itself or above, or a system admin. */
allow(OrgUnit, 'appointAdmin', (actor, unit) => administers(actor, unit.path));
