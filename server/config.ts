import path from 'node:path';

/** Every setting Jiaoliu reads from the environment, parsed once. README lists them. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** PostgreSQL URL; when empty, main.ts starts embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Redis shared by several instances (event bus, presence, rate limits); null runs one instance alone. */
  redisUrl: string | null;
  /** With Redis: an instance's presence entries expire this long after its last heartbeat (sent every third of it). */
  presenceTtlMs: number;
  /** Folder for embedded PostgreSQL data and other local state. */
  dataDir: string;
  /** Load demo data at start when the database has none (never in production). */
  demoData: boolean;
  /** DATABASE_CREATE: create the database named in DATABASE_URL when it does not exist (otherwise a clear error). */
  databaseCreate: boolean;
  /**
   * Which peers may set X-Forwarded-For/-Proto (fastify's trustProxy): false, true (any: only
   * when nothing but the proxy can reach the port), a hop count, or addresses/CIDRs of the proxies.
   */
  trustProxy: boolean | number | string;
  /** Force the Secure flag on cookies (otherwise set when the request came over https). */
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** Absolute session age limit, however busy the session. */
  sessionMaxDays: number;
  login: {
    /** Failed logins for one login name from one address within the window before that address is refused for it. */
    maxFailuresPerAccount: number;
    /** Failures of one login name (from any address) since its last success after which attempts are slowed down. */
    slowdownAfterFailures: number;
    /** Longest interval required between attempts on one name once it is slowed down (doubles from 250 ms up to this); earlier attempts are refused with RATE_LIMITED. */
    maxSlowdownMs: number;
    /** Failed logins from one address within the window before it is refused. */
    maxFailuresPerAddress: number;
    windowMinutes: number;
    /** Concurrent password hashes; more wait in a bounded queue. */
    hashConcurrency: number;
    hashQueueLimit: number;
  };
  graphql: {
    maxDepth: number;
    /** Maximum number of field selections (aliases included) in one operation. */
    maxFields: number;
    maxAliases: number;
    /** Largest estimated cost (fields times the page sizes around them) of one operation (graphql/cost.ts). */
    maxCost: number;
  };
  /**
   * Per-minute limits (0 = off), shared through Redis: a signed-in request counts against its
   * person only, a request without a session (login, registration) against its address, so that
   * an office behind one NAT address is not throttled as one. Uploads need a session.
   */
  rateLimit: {
    mutationsPerUser: number;
    /** Mutations without a session, per address. */
    mutationsPerAddress: number;
    uploadsPerUser: number;
  };
  realtime: {
    /** A WebSocket that sends no connection_init within this time is closed. */
    wsInitTimeoutMs: number;
    /** Extra page origins allowed to open WebSockets (same-origin pages always may). */
    allowedOrigins: string[];
    /** Frames per second one socket may send before it is closed (flood). */
    maxFramesPerSecond: number;
  };
  storage: {
    /** An S3-compatible server (MinIO); null keeps files on disk under filesDir. */
    s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string; publicUrl?: string | null } | null;
    filesDir: string;
    /** Largest upload accepted. */
    maxUploadBytes: number;
    /** Key that signs short-lived download links (random per start when unset). */
    linkSecret: string | null;
  };
  scheduler: {
    /** Milliseconds between polls of the job table (meeting reminders); 0 runs no scheduler in this instance. */
    pollMs: number;
  };
  metrics: {
    /** METRICS_ENABLED=false: no /metrics route and no instrumentation hooks. */
    enabled: boolean;
    /** A scraper presenting `Authorization: Bearer <token>` may read /metrics from anywhere. */
    token: string | null;
    /** Addresses and CIDRs (request.ip, so TRUST_PROXY applies) that may read /metrics without the token. */
    allow: string[];
  };
  /** LDAP directory sign-in and sync (docs/directory.md); null without LDAP_URL: local accounts only. */
  directory: DirectoryConfig | null;
  logLevel: string;
  /** After SIGTERM, milliseconds this instance keeps serving with /readyz at 503 before it stops accepting connections. */
  shutdownDrainMs: number;
}

/** The LDAP directory officials sign in with (docs/directory.md). */
export interface DirectoryConfig {
  /** ldap:// or ldaps:// URL. */
  url: string;
  /** The service account that searches for people (empty: anonymous search). */
  bindDn: string;
  bindPassword: string;
  /** Where people (and the units above them, as ou entries) are searched. */
  searchBase: string;
  /** The filter finding one person; `{login}` is replaced by the escaped login name. */
  userFilter: string;
  /** Entry attributes read into the account; an empty one is not read (and stays editable in Jiaoliu). */
  attributes: {
    login: string;
    name: string;
    /** Empty: the unit is the chain of ou components of the entry's DN below the search base. */
    unit: string;
    title: string;
    phone: string;
    /** Empty: no attribute marks a disabled person (only removal from the directory disables). */
    disabled: string;
  };
  /** Values of the disabled attribute that mean disabled (compared case-insensitively). */
  disabledValues: string[];
  /** Name of an existing Jiaoliu unit under which the directory's top units are created; empty: at the top level. */
  unitRoot: string;
  /** Minutes between scheduled syncs; 0: no schedule (sign-in and `sync-ldap` only). */
  syncMinutes: number;
  /** Connect and operation timeout. */
  timeoutMs: number;
  tls: {
    /** A CA bundle (PEM file) the server's certificate must chain to (ldaps:// or STARTTLS). */
    caFile: string | null;
    /** Upgrade ldap:// with STARTTLS before binding. */
    startTls: boolean;
    /** false accepts any certificate (testing only). */
    rejectUnauthorized: boolean;
  };
}

/** LDAP_* variables; null when LDAP_URL is unset. In production the directory is only spoken to over verified TLS (passwords cross it). */
function directoryConfig(production: boolean): DirectoryConfig | null {
  const url = (process.env.LDAP_URL ?? '').trim();
  if (!url) return null;
  if (!/^ldaps?:\/\//i.test(url)) throw new Error(`环境变量 LDAP_URL 必须以 ldap:// 或 ldaps:// 开头，当前为 "${url}"`);
  const searchBase = (process.env.LDAP_SEARCH_BASE ?? '').trim();
  if (!searchBase) throw new Error('设置了 LDAP_URL 时必须设置 LDAP_SEARCH_BASE（人员所在的目录位置，如 ou=people,dc=example,dc=gov,dc=cn）');
  const userFilter = process.env.LDAP_USER_FILTER || '(&(objectClass=inetOrgPerson)(uid={login}))';
  if (!userFilter.includes('{login}')) throw new Error('环境变量 LDAP_USER_FILTER 必须包含 {login}');
  const attr = (name: string, fallback: string) => (process.env[name] ?? fallback).trim();
  const startTls = bool('LDAP_STARTTLS', false);
  const rejectUnauthorized = bool('LDAP_TLS_VERIFY', true);
  if (production && /^ldap:/i.test(url) && !startTls && !bool('LDAP_ALLOW_PLAINTEXT', false)) {
    throw new Error('生产环境（NODE_ENV=production）不能用明文 ldap:// 连接目录：人员的密码会明文传输。请改用 ldaps://，或设置 LDAP_STARTTLS=true；确需明文（如仅在本机回环）时请显式设置 LDAP_ALLOW_PLAINTEXT=true');
  }
  if (production && !rejectUnauthorized) throw new Error('生产环境（NODE_ENV=production）不能设置 LDAP_TLS_VERIFY=false：不校验证书时，冒充的目录服务器可以截获人员的密码。请用 LDAP_TLS_CA_FILE 指定签发目录证书的 CA');
  return {
    url,
    bindDn: process.env.LDAP_BIND_DN ?? '',
    bindPassword: process.env.LDAP_BIND_PASSWORD ?? '',
    searchBase,
    userFilter,
    attributes: {
      login: attr('LDAP_ATTR_LOGIN', 'uid') || 'uid',
      name: attr('LDAP_ATTR_NAME', 'cn') || 'cn',
      unit: attr('LDAP_ATTR_UNIT', ''),
      title: attr('LDAP_ATTR_TITLE', 'title'),
      phone: attr('LDAP_ATTR_PHONE', 'mobile'),
      disabled: attr('LDAP_ATTR_DISABLED', ''),
    },
    disabledValues: (process.env.LDAP_DISABLED_VALUES || 'disabled,true,1').split(',').map((v) => v.trim().toLowerCase()).filter(Boolean),
    unitRoot: attr('LDAP_UNIT_ROOT', ''),
    syncMinutes: int('LDAP_SYNC_MINUTES', 60),
    timeoutMs: Math.max(500, int('LDAP_TIMEOUT_MS', 5000)),
    tls: {
      caFile: process.env.LDAP_TLS_CA_FILE || null,
      startTls,
      rejectUnauthorized,
    },
  };
}

/** Load generators (tests/bench) send from one address far faster than a person. */
export const NO_RATE_LIMITS: Config['rateLimit'] = { mutationsPerUser: 0, mutationsPerAddress: 0, uploadsPerUser: 0 };

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`环境变量 ${name} 必须是非负整数，当前为 "${raw}"`);
  return value;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** TRUST_PROXY: true/false, a number of proxy hops, or a comma-separated list of proxy addresses. */
function proxyTrust(raw: string | undefined): boolean | number | string {
  const value = (raw ?? '').trim().toLowerCase();
  if (['', 'false', 'no', 'off', '0'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean).join(',');
}

/** Fastify's trustProxy option for the setting (its types take a hop count as a function). */
export function trustProxyOption(trust: Config['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const production = process.env.NODE_ENV === 'production';
  const base: Config = {
    port: int('PORT', 3000),
    host: process.env.HOST || '0.0.0.0',
    production,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || null,
    presenceTtlMs: Math.max(600, int('PRESENCE_TTL_MS', 15_000)),
    dataDir: path.resolve(process.env.JIAOLIU_DATA_DIR || '.data'),
    // A production installation never holds the demo accounts unless asked for (SECURITY 35).
    demoData: bool('DEMO_DATA', !production),
    databaseCreate: bool('DATABASE_CREATE', false),
    trustProxy: proxyTrust(process.env.TRUST_PROXY),
    cookieSecure: bool('COOKIE_SECURE', false),
    sessionTtlHours: int('SESSION_TTL_HOURS', 24 * 7),
    sessionMaxDays: int('SESSION_MAX_DAYS', 30),
    login: {
      maxFailuresPerAccount: int('LOGIN_MAX_FAILURES', 5),
      maxFailuresPerAddress: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 50),
      slowdownAfterFailures: int('LOGIN_SLOWDOWN_AFTER', 5),
      maxSlowdownMs: int('LOGIN_MAX_DELAY_MS', 3000),
      windowMinutes: int('LOGIN_LOCK_MINUTES', 15),
      hashConcurrency: int('PASSWORD_HASH_CONCURRENCY', 2),
      hashQueueLimit: 100,
    },
    graphql: { maxDepth: 8, maxFields: 300, maxAliases: 30, maxCost: int('GRAPHQL_MAX_COST', 50_000) },
    rateLimit: {
      mutationsPerUser: int('RATE_LIMIT_MUTATIONS_PER_MINUTE', 120),
      mutationsPerAddress: int('RATE_LIMIT_MUTATIONS_PER_ADDRESS_PER_MINUTE', 600),
      uploadsPerUser: int('RATE_LIMIT_UPLOADS_PER_MINUTE', 30),
    },
    realtime: {
      wsInitTimeoutMs: int('WS_INIT_TIMEOUT_MS', 5000),
      allowedOrigins: (process.env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      maxFramesPerSecond: int('WS_MAX_FRAMES_PER_SECOND', 50),
    },
    storage: {
      s3: process.env.S3_ENDPOINT
        ? {
            endpoint: process.env.S3_ENDPOINT,
            accessKey: process.env.S3_ACCESS_KEY ?? '',
            secretKey: process.env.S3_SECRET_KEY ?? '',
            bucket: process.env.S3_BUCKET || 'jiaoliu',
            region: process.env.S3_REGION || 'us-east-1',
            publicUrl: process.env.S3_PUBLIC_URL || null,
          }
        : null,
      filesDir: path.resolve(process.env.JIAOLIU_DATA_DIR || '.data', 'files'),
      maxUploadBytes: int('UPLOAD_MAX_MB', 50) * 1024 * 1024,
      linkSecret: process.env.DOWNLOAD_LINK_SECRET || null,
    },
    scheduler: { pollMs: int('SCHEDULER_POLL_MS', 5000) },
    metrics: {
      enabled: bool('METRICS_ENABLED', true),
      token: process.env.METRICS_TOKEN || null,
      // Neither set: loopback only. A token alone: only the token.
      allow: process.env.METRICS_ALLOW
        ? process.env.METRICS_ALLOW.split(',').map((a) => a.trim()).filter(Boolean)
        : process.env.METRICS_TOKEN ? [] : ['127.0.0.1', '::1'],
    },
    directory: directoryConfig(production),
    logLevel: process.env.LOG_LEVEL || (production ? 'info' : 'warn'),
    shutdownDrainMs: int('SHUTDOWN_DRAIN_MS', 5000),
  };
  const config: Config = {
    ...base,
    ...overrides,
    login: { ...base.login, ...overrides.login },
    graphql: { ...base.graphql, ...overrides.graphql },
    rateLimit: { ...base.rateLimit, ...overrides.rateLimit },
    realtime: { ...base.realtime, ...overrides.realtime },
    storage: { ...base.storage, ...overrides.storage },
    scheduler: { ...base.scheduler, ...overrides.scheduler },
    metrics: { ...base.metrics, ...overrides.metrics },
  };
  // Its accounts' password is published in README.md (SECURITY 35).
  if (config.production && config.demoData) throw new Error('生产环境（NODE_ENV=production）不能载入演示数据：演示账号的密码是公开的。请去掉 DEMO_DATA=true');
  return config;
}
