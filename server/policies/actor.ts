/**
 * The signed-in official on whose behalf a request runs, as the policies see it.
 * Loaded once per request (or WebSocket connection) by the auth plugin.
 */
export interface Actor {
  userId: string;
  sessionId: string;
  unitId: string;
  isSystemAdmin: boolean;
  /** Paths ("/a/b/") of the units this actor administers; each covers its subtree. */
  adminUnitPaths: string[];
  /**
   * Signed in with an initial password: until it is changed, GraphQL answers only what the change
   * needs (graphql/passwordChange.ts). Absent means false.
   */
  mustChangePassword?: boolean;
}

/** Null stands for an anonymous visitor: every rule that needs an actor answers no. */
export type MaybeActor = Actor | null;

/** True when the unit at unitPath lies in a subtree the actor administers. */
export function administers(actor: MaybeActor, unitPath: string): boolean {
  if (!actor) return false;
  if (actor.isSystemAdmin) return true;
  return actor.adminUnitPaths.some((adminPath) => unitPath.startsWith(adminPath));
}

/** Strictly below one of the actor's admin units (not the unit itself). */
export function administersStrictlyBelow(actor: MaybeActor, unitPath: string): boolean {
  if (!actor) return false;
  if (actor.isSystemAdmin) return true;
  return actor.adminUnitPaths.some((adminPath) => unitPath !== adminPath && unitPath.startsWith(adminPath));
}

export const isAnyAdmin = (actor: MaybeActor) => !!actor && (actor.isSystemAdmin || actor.adminUnitPaths.length > 0);
