import { forbidden } from '../errors.js';
import type { MaybeActor } from './actor.js';

/**
 * A tiny rule engine in the manner of Outline's policies: each entity file registers
 * `allow(Kind, action, rule)`; everything else asks `can` or `authorize`.
 */
type Rule<S> = (actor: MaybeActor, subject: S) => boolean;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kind<S> = abstract new (...args: any[]) => S;

const rules = new Map<Kind<unknown>, Map<string, Rule<never>>>();

export function allow<S, A extends string>(kind: Kind<S>, action: A, rule: Rule<S>): void {
  let forKind = rules.get(kind as Kind<unknown>);
  if (!forKind) rules.set(kind as Kind<unknown>, (forKind = new Map()));
  if (forKind.has(action)) throw new Error(`policy ${kind.name}.${action} is defined twice`);
  forKind.set(action, rule as Rule<never>);
}

export function can<S extends object>(actor: MaybeActor, action: string, subject: S): boolean {
  const rule = rules.get(subject.constructor as Kind<unknown>)?.get(action) as Rule<S> | undefined;
  if (!rule) throw new Error(`no policy for ${subject.constructor.name}.${action}`);
  return rule(actor, subject);
}

/**
 * The actor's answer for each action, as a presenter's `viewerCan` sends it (Outline's
 * `presentPolicies`): the UI offers exactly what `authorize` lets through.
 */
export function abilities<S extends object, A extends string>(actor: MaybeActor, subject: S, actions: readonly A[]): Record<A, boolean> {
  return Object.fromEntries(actions.map((action) => [action, can(actor, action, subject)])) as Record<A, boolean>;
}

/** For a subject the actor may not see at all (NOT_FOUND to every mutation): nothing is offered. */
export function noAbilities<A extends string>(actions: readonly A[]): Record<A, boolean> {
  return Object.fromEntries(actions.map((action) => [action, false])) as Record<A, boolean>;
}

/** Throws FORBIDDEN when the actor may not; use only once the subject is known to be visible. */
export function authorize<S extends object>(actor: MaybeActor, action: string, subject: S, message?: string): void {
  if (!can(actor, action, subject)) throw forbidden(message);
}
