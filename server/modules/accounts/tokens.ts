import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. The token goes to the client; only its hash is stored. */
export const newSessionToken = () => randomBytes(32).toString('base64url');

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
