/**
 * Hash routes (#/login, #/users/<id>, …) so the server needs no fallback route.
 * A pattern like "/users/:id" matches one path segment per parameter.
 */

export interface Match<Route> {
  route: Route;
  params: Record<string, string>;
}

/** Matches hashes against a table of routes, in the table's order (the first match wins). */
export class Router<Route extends { pattern: string }> {
  private readonly routes: Array<{ route: Route; parts: string[] }>;

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, parts: route.pattern.split('/').filter(Boolean) }));
  }

  /** The route for a hash such as "#/directory/abc", or null. */
  match(hash: string): Match<Route> | null {
    const path = hash.replace(/^#/, '').split('?')[0];
    const parts = path.split('/').filter(Boolean);
    for (const { route, parts: pattern } of this.routes) {
      if (pattern.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = pattern.every((part, i) => {
        if (part.startsWith(':')) {
          try {
            params[part.slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            return false;
          }
          return true;
        }
        return part === parts[i];
      });
      if (ok) return { route, params };
    }
    return null;
  }
}

/** Current hash path, "#/" when empty. */
export function currentHash(): string {
  return window.location.hash || '#/';
}

/** Goes to a hash route; `replace` keeps the back button from returning to the old one. */
export function navigate(hash: string, replace = false): void {
  if (window.location.hash === hash) return;
  if (replace) window.location.replace(hash);
  else window.location.hash = hash;
}

/** The query part of the hash route ("#/search?q=…" → q=…). */
export function hashQuery(hash: string = currentHash()): URLSearchParams {
  const i = hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
}
