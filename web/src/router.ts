/**
 * Hash routes (#/login, #/users/<id>, …) so the server needs no fallback route.
 * A pattern like "/users/:id" matches one path segment per parameter.
 */

export interface Match {
  name: string;
  params: Record<string, string>;
}

interface RouteDef {
  name: string;
  parts: string[];
}

export class Router {
  private readonly routes: RouteDef[] = [];

  add(name: string, pattern: string): this {
    this.routes.push({ name, parts: pattern.split('/').filter(Boolean) });
    return this;
  }

  /** The route for a hash such as "#/directory/abc", or null. */
  match(hash: string): Match | null {
    const path = hash.replace(/^#/, '').split('?')[0];
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((part, i) => {
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
      if (ok) return { name: route.name, params };
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
