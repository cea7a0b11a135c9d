import { OrgUnit } from '../db/entities/index.js';
import { UnitView } from '../modules/accounts/people.js';
import { administers, administersStrictlyBelow, type MaybeActor } from './actor.js';
import { allow } from './engine.js';

/** Every rule holds alike for the entity and a unit view (modules/accounts/people.ts): both carry `path`. */
function allowUnit(action: string, rule: (actor: MaybeActor, unit: OrgUnit | UnitView) => boolean): void {
  allow(OrgUnit, action, rule);
  allow(UnitView, action, rule);
}

/** What OrgUnit.viewerCan sends. */
export const UNIT_ABILITIES = ['administer', 'appointAdmin'] as const;

/** Anyone, signed in or not, may see the tree (registration needs it). */
allowUnit('read', () => true);

/** Officials of a unit are listed to signed-in officials only. */
allowUnit('listMembers', (actor) => !!actor);

/** Creating accounts in, and approving registrations for, this unit. */
allowUnit('administer', (actor, unit) => administers(actor, unit.path));

/**
 * Appointing (or removing) an admin of this unit: a system admin anywhere; a unit admin only
 * strictly below their own units. Peers come from above, so nobody creates an admin they then
 * cannot manage.
 */
allowUnit('appointAdmin', (actor, unit) => administersStrictlyBelow(actor, unit.path));
