import { User } from '../db/entities/index.js';
import { forbidden } from '../errors.js';
import { DIRECTORY_IDENTITY_MESSAGE, type DirectoryField } from '../modules/accounts/directoryAccounts.js';
import { PersonView } from '../modules/accounts/people.js';
import { administers, administersStrictlyBelow, type MaybeActor } from './actor.js';
import { allow, authorize, can } from './engine.js';

/**
 * Policies of the User entity. The subject must have `unit` (and for `manage*`, `adminUnits`) loaded.
 * The read rules hold for a person view too (modules/accounts/people.ts: the same person as read
 * with the content that names them); the others need the entity.
 */

type Person = User | PersonView;
const unitPath = (user: Person) => (user instanceof PersonView ? user.unit.path : user.unit.getEntity().path);
const isSelf = (actor: MaybeActor, user: Person) => !!actor && actor.userId === user.id;

/** One rule for both kinds of subject. */
function allowPerson(action: string, rule: (actor: MaybeActor, user: Person) => boolean): void {
  allow(User, action, rule);
  allow(PersonView, action, rule);
}

/** Admin over the user's unit, and not acting on themselves or on someone at or above their own rank. */
function outranks(actor: MaybeActor, user: User): boolean {
  if (!actor || isSelf(actor, user)) return false;
  if (user.isSystemAdmin) return false;
  if (!administers(actor, unitPath(user))) return false;
  if (actor.isSystemAdmin) return true;
  // A unit admin manages another unit admin only when all that admin's units lie strictly below theirs.
  return user.adminUnits.getItems().every((unit) => administersStrictlyBelow(actor, unit.path));
}

allowPerson('read', (actor, user) => {
  if (!actor) return false;
  if (isSelf(actor, user)) return true;
  if (user.status === 'active' || user.status === 'disabled') return true;
  return administers(actor, unitPath(user));
});

/** Phone number in full, account status and the review history. */
allowPerson('readPrivate', (actor, user) => isSelf(actor, user) || administers(actor, unitPath(user)));

allow(User, 'review', (actor, user) => !isSelf(actor, user) && administers(actor, unitPath(user)));

/** Title and phone: the person themselves, or an admin who outranks them. */
allow(User, 'updateProfile', (actor, user) => isSelf(actor, user) || outranks(actor, user));

/**
 * Real name and unit only change by the hand of an admin who outranks the person (no self-service
 * nicknames), and never for a directory account: the directory is their source (docs/directory.md).
 */
allow(User, 'updateIdentity', (actor, user) => !user.directoryDn && outranks(actor, user));

/**
 * After the updateProfile rule, for the values asked for: no change to a field the directory
 * supplies (`fromDirectory`: modules/accounts/directoryAccounts.ts directoryFields).
 */
export function authorizeProfileChange(fromDirectory: readonly DirectoryField[], changed: { title: boolean; phone: boolean }): void {
  if (changed.title && fromDirectory.includes('title')) throw forbidden('职务来自统一身份认证目录，只能在目录中修改');
  if (changed.phone && fromDirectory.includes('phone')) throw forbidden('电话来自统一身份认证目录，只能在目录中修改');
}

/** A change of real name or unit: the updateIdentity rule, saying why a directory account is refused. */
export function authorizeIdentityChange(actor: MaybeActor, user: User): void {
  authorize(actor, 'updateIdentity', user, user.directoryDn ? DIRECTORY_IDENTITY_MESSAGE : '只有该单位或上级单位的管理员可以修改真实姓名和所属单位');
}

allow(User, 'manageStatus', (actor, user) => outranks(actor, user));

allow(User, 'manageRoles', (actor, user) => outranks(actor, user) || (!!actor?.isSystemAdmin && !isSelf(actor, user)));

/** Only a system admin makes or unmakes another system admin (never themselves: someone must remain). */
allow(User, 'manageSystemAdmin', (actor, user) => !!actor?.isSystemAdmin && !isSelf(actor, user));

/**
 * User.viewerCan: the rules, offered only where the account's state lets the action through
 * (reviewing a pending registration, disabling or enabling a reviewed account, appointing an
 * active one): the services answer CONFLICT otherwise. Needs the entity with `adminUnits`.
 */
export function userAbilities(actor: MaybeActor, user: User) {
  return {
    review: user.status === 'pending' && can(actor, 'review', user),
    updateProfile: can(actor, 'updateProfile', user),
    updateIdentity: can(actor, 'updateIdentity', user),
    manageStatus: (user.status === 'active' || user.status === 'disabled') && can(actor, 'manageStatus', user),
    manageRoles: user.status === 'active' && can(actor, 'manageRoles', user),
  };
}
