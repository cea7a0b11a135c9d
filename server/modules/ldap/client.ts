import fs from 'node:fs';
import tls from 'node:tls';
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import type { DirectoryConfig } from '../../config.js';
import { AppError } from '../../errors.js';

/**
 * The LDAP conversation (ldapts): a connection bound as the service account, searches for
 * people and units, and a bind as a person to check their password. Nothing here writes rows.
 */

export const DIRECTORY_UNAVAILABLE_MESSAGE = '统一身份认证目录暂时无法连接，请稍后再试（本地账号不受影响）；如持续出现请联系系统管理员';

/** The directory did not answer (down, unreachable, timed out, refused the service account). */
export const directoryUnavailable = () => new AppError('DIRECTORY_UNAVAILABLE', DIRECTORY_UNAVAILABLE_MESSAGE);

/** RFC 4515: a value inside a filter, with every character that could change the filter escaped. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The configured person filter for one login name (escaped), or for everyone (`*`). */
export function personFilter(config: DirectoryConfig, login: string | null): string {
  const value = login === null ? '*' : escapeFilterValue(login);
  // A function, not a string: a replacement string would expand `$&`, `$'` and `` $` `` in the login into parts of the filter.
  return config.userFilter.replaceAll('{login}', () => value);
}

/** One value of an attribute as text (the first, when there are several). */
export function attributeText(entry: Entry, name: string): string | null {
  if (!name) return null;
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key ? entry[key] : undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined || first === null) return null;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export class DirectoryConnection {
  private constructor(private readonly client: Client, private readonly config: DirectoryConfig) {}

  /** Connects (STARTTLS when configured) and binds as the service account; DIRECTORY_UNAVAILABLE if any of it fails. */
  static async open(config: DirectoryConfig): Promise<DirectoryConnection> {
    const client = newClient(config);
    try {
      if (config.tls.startTls) await client.startTLS(tlsOptions(config));
      if (config.bindDn) await client.bind(config.bindDn, config.bindPassword);
    } catch (error) {
      await client.unbind().catch(() => {});
      throw unavailableFrom(error);
    }
    return new DirectoryConnection(client, config);
  }

  private attributes(): string[] {
    const a = this.config.attributes;
    return [a.login, a.name, a.unit, a.title, a.phone, a.disabled].filter(Boolean);
  }

  /** The entry of one login name: null when there is none or more than one (ambiguous: nobody signs in as it). */
  async findPerson(login: string): Promise<Entry | null> {
    const entries = await this.search(personFilter(this.config, login), this.attributes(), false);
    return entries.length === 1 ? entries[0] : null;
  }

  /** Whether the directory has anyone of this login name (one or several). */
  async hasPerson(login: string): Promise<boolean> {
    return (await this.search(personFilter(this.config, login), ['1.1'], false)).length > 0;
  }

  /** Everyone the person filter matches, in pages. */
  async listPeople(): Promise<Entry[]> {
    return this.search(personFilter(this.config, null), this.attributes(), true);
  }

  /** The organisational units below the search base (the base itself left out). */
  async listUnits(): Promise<Entry[]> {
    const entries = await this.search('(objectClass=organizationalUnit)', ['ou'], true);
    return entries.filter((e) => e.dn.toLowerCase() !== this.config.searchBase.toLowerCase());
  }

  private async search(filter: string, attributes: string[], paged: boolean): Promise<Entry[]> {
    try {
      const { searchEntries } = await this.client.search(this.config.searchBase, { scope: 'sub', filter, attributes, ...(paged ? { paged: { pageSize: 500 } } : {}) });
      return searchEntries;
    } catch (error) {
      throw unavailableFrom(error);
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => {});
  }
}

/**
 * Whether the password is the person's: a bind as their DN on a connection of its own. An empty
 * password never reaches the directory (LDAP would take it as an anonymous bind and succeed).
 */
export async function passwordMatches(config: DirectoryConfig, dn: string, password: string): Promise<boolean> {
  if (!password) return false;
  const client = newClient(config);
  try {
    if (config.tls.startTls) await client.startTLS(tlsOptions(config));
    await client.bind(dn, password);
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw unavailableFrom(error);
  } finally {
    await client.unbind().catch(() => {});
  }
}

function newClient(config: DirectoryConfig): Client {
  // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps:// (STARTTLS passes them to startTLS).
  const secure = /^ldaps:/i.test(config.url);
  return new Client({ url: config.url, timeout: config.timeoutMs, connectTimeout: config.timeoutMs, ...(secure ? { tlsOptions: tlsOptions(config) } : {}), strictDN: false });
}

function tlsOptions(config: DirectoryConfig): tls.ConnectionOptions {
  // The certificate must name the host of LDAP_URL (on STARTTLS the socket alone would not know it).
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  return {
    rejectUnauthorized: config.tls.rejectUnauthorized,
    checkServerIdentity: (_servername, certificate) => tls.checkServerIdentity(host, certificate),
    ...(config.tls.caFile ? { ca: fs.readFileSync(config.tls.caFile) } : {}),
  };
}

/** Any failure talking to the directory becomes DIRECTORY_UNAVAILABLE (the cause kept for the log). */
function unavailableFrom(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const wrapped = directoryUnavailable();
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}
