import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { startServerProcess } from '../../helpers/serverProcess.js';

/** LDAP settings in production: passwords cross to the directory only over verified TLS (docs/directory.md). */

const LDAP_VARIABLES = ['NODE_ENV', 'LDAP_URL', 'LDAP_SEARCH_BASE', 'LDAP_STARTTLS', 'LDAP_TLS_VERIFY', 'LDAP_ALLOW_PLAINTEXT', 'DEMO_DATA'] as const;
const saved = Object.fromEntries(LDAP_VARIABLES.map((name) => [name, process.env[name]]));

/** The configuration as the server would read it from these variables. */
function configWith(env: Partial<Record<(typeof LDAP_VARIABLES)[number], string>>) {
  for (const name of LDAP_VARIABLES) delete process.env[name];
  Object.assign(process.env, { LDAP_SEARCH_BASE: 'ou=people,dc=example,dc=gov,dc=cn', DEMO_DATA: 'false' }, env);
  return loadConfig();
}

afterEach(() => {
  for (const name of LDAP_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const PLAINTEXT = '生产环境（NODE_ENV=production）不能用明文 ldap:// 连接目录';
const UNVERIFIED = '生产环境（NODE_ENV=production）不能设置 LDAP_TLS_VERIFY=false';

describe('LDAP transport in production', () => {
  it('refuses plain ldap:// unless STARTTLS or the explicit plaintext opt-in', () => {
    expect(() => configWith({ NODE_ENV: 'production', LDAP_URL: 'ldap://ldap.example.gov.cn' })).toThrow(PLAINTEXT);
    expect(() => configWith({ NODE_ENV: 'production', LDAP_URL: 'LDAP://ldap.example.gov.cn', LDAP_STARTTLS: 'false' })).toThrow(PLAINTEXT);
    expect(configWith({ NODE_ENV: 'production', LDAP_URL: 'ldap://ldap.example.gov.cn', LDAP_STARTTLS: 'true' }).directory?.tls.startTls).toBe(true);
    expect(configWith({ NODE_ENV: 'production', LDAP_URL: 'ldap://127.0.0.1', LDAP_ALLOW_PLAINTEXT: 'true' }).directory?.url).toBe('ldap://127.0.0.1');
    expect(configWith({ NODE_ENV: 'production', LDAP_URL: 'ldaps://ldap.example.gov.cn' }).directory?.tls.rejectUnauthorized).toBe(true);
    // Outside production (development, the tests' own slapd) plain ldap:// stays allowed.
    expect(configWith({ LDAP_URL: 'ldap://127.0.0.1' }).directory?.url).toBe('ldap://127.0.0.1');
  });

  it('refuses LDAP_TLS_VERIFY=false in production only', () => {
    expect(() => configWith({ NODE_ENV: 'production', LDAP_URL: 'ldaps://ldap.example.gov.cn', LDAP_TLS_VERIFY: 'false' })).toThrow(UNVERIFIED);
    expect(() => configWith({ NODE_ENV: 'production', LDAP_URL: 'ldap://ldap.example.gov.cn', LDAP_STARTTLS: 'true', LDAP_TLS_VERIFY: 'false' })).toThrow(UNVERIFIED);
    expect(configWith({ LDAP_URL: 'ldaps://127.0.0.1', LDAP_TLS_VERIFY: 'false' }).directory?.tls.rejectUnauthorized).toBe(false);
  });

  it('the server refuses to start with plain ldap:// in production, saying why', async () => {
    const started = await startServerProcess({
      env: { NODE_ENV: 'production', LDAP_URL: 'ldap://ldap.example.gov.cn', LDAP_SEARCH_BASE: 'ou=people,dc=example,dc=gov,dc=cn' },
      readyTimeoutMs: 60_000,
    }).then(
      async (server) => (await server.stop(), null),
      (error: Error) => error.message,
    );
    expect(started).toContain(PLAINTEXT);
    expect(started).toContain('LDAP_STARTTLS=true');
  });
});
