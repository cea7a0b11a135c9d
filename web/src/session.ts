/** Who is signed in, as far as the UI knows. The session itself is an HttpOnly cookie. */
import { gql } from './api.js';
import type { Viewer } from './types.js';
import { graphql } from './graphql/index.js';
import { ViewerFields } from './graphql/fragments.js';

let current: Viewer | null = null;
const listeners = new Set<(viewer: Viewer | null) => void>();

export function viewer(): Viewer | null {
  return current;
}

export function setViewer(next: Viewer | null): void {
  current = next;
  for (const listener of listeners) listener(current);
}

export function onViewerChange(listener: (viewer: Viewer | null) => void): void {
  listeners.add(listener);
}

/** Unit admins and system admins review registrations. */
export function isAdmin(v: Viewer | null = current): boolean {
  return !!v && (v.isSystemAdmin || v.adminUnits.length > 0);
}

/** Asks the server who the cookie belongs to (null when signed out or expired). */
export async function loadViewer(): Promise<Viewer | null> {
  const data = await gql(graphql('query Viewer { viewer { ...ViewerFields } }', [ViewerFields]));
  setViewer(data.viewer);
  return data.viewer;
}
