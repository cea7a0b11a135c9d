import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ROOT } from '../paths.js';

export const webDist = path.join(ROOT, 'web/dist');

/** web/build.ts names bundles app-<hash>.js: a new build is a new name, so they never change. */
const HASHED = /\/app-[A-Z0-9]{8}\.(js|css)/;

/** Strict CSP for the app: only our own scripts and styles, no inline code, no framing. */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** GraphiQL (development only) loads React and its bundle from unpkg. */
const GRAPHIQL_CSP = "default-src 'self'; script-src 'self' https://unpkg.com; style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The built UI from web/dist: the brotli or gzip copy made at build time when the browser takes
 * it, hashed bundles cached for a year, everything else revalidated (index.html names the
 * current bundles). Source maps are never served in production.
 */
export async function registerWeb(app: FastifyInstance, production = false): Promise<void> {
  app.addHook('onSend', async (request, reply) => {
    // File downloads set their own, stricter policy.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', request.url.startsWith('/graphiql') ? GRAPHIQL_CSP : APP_CSP);
  });
  if (!fs.existsSync(path.join(webDist, 'index.html'))) {
    app.log.warn('web/dist is missing: run `npm run build:web` to serve the web UI');
    app.get('/', async (_, reply) => reply.type('text/plain; charset=utf-8').code(503).send('网页尚未构建：请先运行 npm run build:web'));
    return;
  }
  await app.register(fastifyStatic, {
    root: webDist,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    allowedPath: (pathName) => !(production && pathName.endsWith('.map')),
    setHeaders: (reply, filePath) => {
      reply.header('cache-control', HASHED.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
