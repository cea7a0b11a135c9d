import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

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

export async function registerWeb(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (request, reply) => {
    // File downloads set their own, stricter policy.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', request.url.startsWith('/graphiql') ? GRAPHIQL_CSP : APP_CSP);
  });
  if (!fs.existsSync(path.join(webDist, 'index.html'))) {
    app.log.warn('web/dist is missing: run `npm run build:web` to serve the web UI');
    app.get('/', async (_, reply) => reply.type('text/plain; charset=utf-8').code(503).send('网页尚未构建：请先运行 npm run build:web'));
    return;
  }
  await app.register(fastifyStatic, { root: webDist, prefix: '/', index: ['index.html'], cacheControl: true, maxAge: 0 });
}
