/** What to do when the server says the session is gone, and where to return after login. */
import { ApiError, isAbort, toApiError } from './api.js';
import { notify } from './notify.js';
import { currentHash, navigate } from './router.js';
import { loadViewer, setViewer } from './session.js';

let returnTo: string | null = null;

/** Remembers a page to come back to after signing in. */
export function rememberReturn(hash: string): void {
  if (!/^#\/(login|register)\b/.test(hash) && hash !== '#/') returnTo = hash;
}

export function takeReturn(fallback = '#/chat'): string {
  const target = returnTo ?? fallback;
  returnTo = null;
  return target;
}

/** Signed out (by expiry, by another device, by an admin): back to the login page. */
export function sessionEnded(message = '登录已失效，请重新登录'): void {
  rememberReturn(currentHash());
  setViewer(null);
  notify(message, 'info');
  navigate('#/login', true);
}

/**
 * For errors of a page that needs login: null when already handled (the request was
 * cancelled by navigation, or the session ended and we went to login), else the error to show.
 */
export function pageError(error: unknown): ApiError | null {
  if (isAbort(error)) return null;
  const apiError = toApiError(error);
  if (apiError.code === 'UNAUTHENTICATED') {
    sessionEnded();
    return null;
  }
  // The session must change its initial password first: the fresh viewer brings up that screen (main.ts).
  if (apiError.code === 'PASSWORD_CHANGE_REQUIRED') {
    void loadViewer().catch(() => undefined);
    return null;
  }
  return apiError;
}
