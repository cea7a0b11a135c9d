import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit, User } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, type MaybeActor } from '../../policies/index.js';
import { isUuid } from '../ids.js';

/**
 * Loads a user the actor may see, with unit and admin units, or answers NOT_FOUND:
 * the same answer whether the id does not exist or is hidden from this actor.
 */
export async function userForActor(em: EntityManager, actor: MaybeActor, id: unknown): Promise<User> {
  if (!isUuid(id)) throw notFound('用户');
  const user = await em.findOne(User, { id }, { populate: ['unit', 'adminUnits'] });
  if (!user || !can(actor, 'read', user)) throw notFound('用户');
  return user;
}

export async function unitById(em: EntityManager, id: unknown, label = '单位', field?: string): Promise<OrgUnit> {
  if (!isUuid(id)) throw notFound(label, field);
  const unit = await em.findOne(OrgUnit, { id });
  if (!unit) throw notFound(label, field);
  return unit;
}

/**
 * Inside a transaction: re-reads the user (state and admin units) under a row lock, so that a
 * check made now still holds at commit. Two admins acting at once are serialised here.
 */
export async function lockUser(em: EntityManager, user: User): Promise<User> {
  await em.refresh(user, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['unit', 'adminUnits'] });
  return user;
}
