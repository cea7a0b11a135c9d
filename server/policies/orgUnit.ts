import { OrgUnit } from '../db/entities/index.js';
import { administers, administersStrictlyBelow } from './actor.js';
import { allow } from './engine.js';

/** Anyone, signed in or not, may see the tree (registration needs it). */
allow(OrgUnit, 'read', () => true);

/** Officials of a unit are listed to signed-in officials only. */
allow(OrgUnit, 'listMembers', (actor) => !!actor);

/** Creating accounts in, and approving registrations for, this unit. */
allow(OrgUnit, 'administer', (actor, unit) => administers(actor, unit.path));

/**
 * Appointing (or removing) an admin of this unit: a system admin anywhere; a unit admin only
 * strictly below their own units. Peers come from above, so nobody creates an admin they then
 * cannot manage.
 */
allow(OrgUnit, 'appointAdmin', (actor, unit) => administersStrictlyBelow(actor, unit.path));
