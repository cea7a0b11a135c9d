import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { freePort } from '../../server/db/embedded.js';
import { waitForPort } from './ports.js';

/**
 * A real OpenLDAP (Debian's slapd) on a free loopback port, in a temp folder: a generated
 * slapd.conf (mdb backend, the core/cosine/inetorgperson schemas), the fixture tree loaded with
 * slapadd before the start. Runs as the current user (root in CI is fine).
 */
export const SLAPD = process.env.SLAPD || '/usr/sbin/slapd';
const SLAPADD = process.env.SLAPADD || '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export const LDAP_SUFFIX = 'dc=jiaoliu,dc=test';
export const LDAP_ADMIN_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ADMIN_PASSWORD = 'slapd-admin-secret';
/** The service account Jiaoliu binds as (read-only by the ACL). */
export const LDAP_READER_DN = `cn=jiaoliu-reader,${LDAP_SUFFIX}`;
export const LDAP_READER_PASSWORD = 'reader-secret';
export const LDAP_PEOPLE_BASE = `ou=people,${LDAP_SUFFIX}`;

export interface TestPerson {
  uid: string;
  cn: string;
  /** The ou chain from the top (below ou=people) down to the person's own unit. */
  units: string[];
  title?: string;
  mobile?: string;
  mail?: string;
  password: string;
  /** employeeType value; "disabled" marks a disabled person in the fixture. */
  employeeType?: string;
}

export interface TestLdap {
  url: string;
  port: number;
  /** With `{ tls: true }`: the ldaps:// URL (STARTTLS also works on `url`) and the CA that signed the server's certificate. */
  tls: { url: string; caFile: string } | null;
  /** A client bound as the directory's admin (for the tests' modify/delete/add). */
  admin: () => Promise<Client>;
  personDn: (person: Pick<TestPerson, 'uid' | 'units'>) => string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  close: () => Promise<void>;
}

const ouDn = (units: string[]) => [...units].reverse().map((ou) => `ou=${ou}`).concat(LDAP_PEOPLE_BASE).join(',');

/** An LDIF line; non-ASCII values are base64 (`attr:: …`) as LDIF requires. */
const line = (attr: string, value: string) => (/^[\x20-\x7e]*$/.test(value) && !value.startsWith(' ') && !value.startsWith(':') ? `${attr}: ${value}` : `${attr}:: ${Buffer.from(value).toString('base64')}`);

function fixtureLdif(people: TestPerson[]): string {
  const entries: string[][] = [
    [line('dn', LDAP_SUFFIX), 'objectClass: dcObject', 'objectClass: organization', 'dc: jiaoliu', 'o: Jiaoliu test'],
    [line('dn', LDAP_READER_DN), 'objectClass: simpleSecurityObject', 'objectClass: organizationalRole', 'cn: jiaoliu-reader', line('userPassword', LDAP_READER_PASSWORD)],
    [line('dn', LDAP_PEOPLE_BASE), 'objectClass: organizationalUnit', 'ou: people'],
  ];
  const units = new Set<string>();
  for (const person of people) {
    for (let i = 1; i <= person.units.length; i++) {
      const chain = person.units.slice(0, i);
      const dn = ouDn(chain);
      if (units.has(dn)) continue;
      units.add(dn);
      entries.push([line('dn', dn), 'objectClass: organizationalUnit', line('ou', chain.at(-1)!)]);
    }
    entries.push(personEntry(person));
  }
  return entries.map((e) => e.join('\n')).join('\n\n') + '\n';
}

function personEntry(person: TestPerson): string[] {
  return [
    line('dn', `uid=${person.uid},${ouDn(person.units)}`),
    'objectClass: inetOrgPerson',
    line('uid', person.uid),
    line('cn', person.cn),
    line('sn', person.cn.slice(0, 1)),
    ...(person.title ? [line('title', person.title)] : []),
    ...(person.mobile ? [line('mobile', person.mobile)] : []),
    ...(person.mail ? [line('mail', person.mail)] : []),
    ...(person.employeeType ? [line('employeeType', person.employeeType)] : []),
    line('userPassword', person.password),
  ];
}

/** Attributes of a person as an ldapts `add` takes them. */
export function personAttributes(person: TestPerson): Record<string, string | string[]> {
  return {
    objectClass: 'inetOrgPerson',
    uid: person.uid,
    cn: person.cn,
    sn: person.cn.slice(0, 1),
    ...(person.title ? { title: person.title } : {}),
    ...(person.mobile ? { mobile: person.mobile } : {}),
    userPassword: person.password,
  };
}

/** A throwaway CA and a server certificate for 127.0.0.1 (EC keys: fast to make), in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Jiaoliu test CA');
  await openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
}

function slapdConf(dir: string, tls: boolean): string {
  const certificates = tls ? `TLSCACertificateFile ${dir}/ca.pem\nTLSCertificateFile ${dir}/server.pem\nTLSCertificateKeyFile ${dir}/server.key\n` : '';
  return `${certificates}include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/inetorgperson.schema
modulepath ${MODULE_DIR}
moduleload back_mdb
pidfile ${dir}/slapd.pid
database mdb
maxsize 104857600
suffix "${LDAP_SUFFIX}"
rootdn "${LDAP_ADMIN_DN}"
rootpw ${LDAP_ADMIN_PASSWORD}
directory ${dir}/data
access to attrs=userPassword by anonymous auth by self write by * none
access to * by dn.exact="${LDAP_READER_DN}" read by self read by * none
`;
}

export async function startLdap(people: TestPerson[], options: { tls?: boolean } = {}): Promise<TestLdap> {
  if (!fs.existsSync(SLAPD)) throw new Error(`${SLAPD} is missing: apt-get install -y slapd ldap-utils (.ci/run does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-slapd-'));
  fs.mkdirSync(path.join(dir, 'data'));
  if (options.tls) await makeCertificates(dir);
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(conf, slapdConf(dir, !!options.tls));
  const ldif = path.join(dir, 'fixture.ldif');
  fs.writeFileSync(ldif, fixtureLdif(people));
  await promisify(execFile)(SLAPADD, ['-q', '-f', conf, '-l', ldif]);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const tlsPort = options.tls ? await freePort() : null;
  const listeners = [`${url}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])].join(' ');
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    // -d 0: stay in the foreground (the test owns the process) and log nothing.
    child = spawn(SLAPD, ['-f', conf, '-h', listeners, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk) => (output += chunk));
    for (const listening of [port, ...(tlsPort ? [tlsPort] : [])]) {
      await waitForPort(listening, 10_000, 'slapd').catch((error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      });
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url,
    port,
    tls: tlsPort ? { url: `ldaps://127.0.0.1:${tlsPort}`, caFile: path.join(dir, 'ca.pem') } : null,
    admin: async () => {
      const client = new Client({ url });
      await client.bind(LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD);
      return client;
    },
    personDn: (person) => `uid=${person.uid},${ouDn(person.units)}`,
    start,
    stop,
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
