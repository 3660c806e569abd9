import { isAbsolute, relative, resolve } from 'node:path';
import type { Config } from '../schemas/config.ts';
import type { Connection } from '../schemas/connections.ts';
import { BadInputError } from '../errors/bad-input.ts';

/** The centre's own database (DATABASE_URL) is always available under this name. */
export const CENTRE_CONNECTION = 'centre';

function envOverrideName(name: string): string {
  return `DATAOPS_CONNECTION_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function knownNames(config: Config): string {
  return [CENTRE_CONNECTION, ...Object.keys(config.connections)].sort().join(', ');
}

/** Resolved only inside activities: workflow inputs carry the name, never the URL. */
export function resolvePostgresUrl(config: Config, name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (name === CENTRE_CONNECTION && !env[envOverrideName(name)]) return config.databaseUrl;
  return resolveDatabaseUrl(config, name, 'postgres', env);
}

/**
 * What kind of database a connection is: from the config, or, for one given only by environment
 * (DATAOPS_CONNECTION_<NAME>), from its URL's scheme. Undefined for an unknown name.
 */
export function databaseKind(config: Config, name: string, env: NodeJS.ProcessEnv = process.env): Connection['type'] | undefined {
  const override = env[envOverrideName(name)];
  if (override) return /^(mysql|mariadb):/i.test(override) ? 'mysql' : /^nats:/i.test(override) ? 'nats' : /^mqtts?:/i.test(override) ? 'mqtt' : 'postgres';
  if (name === CENTRE_CONNECTION) return 'postgres';
  return config.connections[name]?.type;
}

/** The highest sensitivity level a connection may receive unmasked: its config's, L1 for one given only by environment. */
export function maxUnmaskedLevel(config: Config, name: string): 'L1' | 'L2' | 'L3' | 'L4' {
  const connection = config.connections[name];
  return connection ? connection.maxUnmaskedLevel : 'L1';
}

/** A MySQL / MariaDB connection's URL, resolved inside activities like PostgreSQL's. */
export function resolveMysqlUrl(config: Config, name: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolveDatabaseUrl(config, name, 'mysql', env);
}

/** A broker connection's URL (NATS, MQTT), resolved inside activities like the databases'. */
export function resolveBrokerUrl(config: Config, name: string, type: 'nats' | 'mqtt', env: NodeJS.ProcessEnv = process.env): string {
  return resolveDatabaseUrl(config, name, type, env);
}

function resolveDatabaseUrl(config: Config, name: string, type: 'postgres' | 'mysql' | 'nats' | 'mqtt', env: NodeJS.ProcessEnv): string {
  const override = env[envOverrideName(name)];
  if (override) return override;
  const connection = config.connections[name];
  if (!connection) throw new BadInputError(`unknown connection "${name}" (known: ${knownNames(config)}; or set ${envOverrideName(name)})`);
  if (connection.type !== type) throw new BadInputError(`connection "${name}" is a ${connection.type} connection, not ${type}`);
  const url = connection.url || (connection.urlEnv ? env[connection.urlEnv] : undefined);
  if (!url) throw new BadInputError(`connection "${name}" has no URL: environment variable ${connection.urlEnv} is not set`);
  return url;
}

/** Resolves a file path under a `files` connection's root, refusing paths that climb out of it. */
export function resolveFilePath(config: Config, connectionName: string | undefined, path: string): string {
  if (!connectionName) {
    if (!isAbsolute(path)) throw new BadInputError(`file path "${path}" must be absolute when no connection is given`);
    return path;
  }
  const connection = config.connections[connectionName];
  if (!connection) throw new BadInputError(`unknown connection "${connectionName}" (known: ${knownNames(config)})`);
  if (connection.type !== 'files') throw new BadInputError(`connection "${connectionName}" is a ${connection.type} connection, not files`);
  const root = resolve(connection.root);
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new BadInputError(`file path "${path}" escapes the root of connection "${connectionName}"`);
  return full;
}

/**
 * The session time zone a PostgreSQL source is read in: the connection's own setting, else for the
 * centre database the centre's zone (so a timestamp a department wrote as 14:41+08:00 reads back as
 * 14:41+08, not 06:41+00), else the server's default (undefined).
 */
export function sessionTimeZone(config: Config, name: string): string | undefined {
  const connection = config.connections[name];
  if (connection?.type === 'postgres' && connection.timeZone) return connection.timeZone;
  return name === CENTRE_CONNECTION ? config.timeZone : undefined;
}

const ENV_CONNECTION = /^DATAOPS_CONNECTION_([A-Z0-9_]+)$/;

/**
 * Every database connection there is: the centre, the config's postgres and mysql connections, and
 * those defined only by a DATAOPS_CONNECTION_<NAME> variable (named in lower case) with a database
 * URL, sorted. Files and broker (nats, mqtt) connections hold no tables.
 */
export function databaseConnectionNames(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>([CENTRE_CONNECTION]);
  for (const [name, connection] of Object.entries(config.connections)) if (connection.type === 'postgres' || connection.type === 'mysql') names.add(name);
  const overridden = new Set([...names, ...Object.keys(config.connections)].map(envOverrideName));
  for (const [key, value] of Object.entries(env)) {
    const match = ENV_CONNECTION.exec(key);
    if (!match || !value || overridden.has(key)) continue;
    const name = match[1]!.toLowerCase();
    const kind = databaseKind(config, name, env);
    if (kind === 'postgres' || kind === 'mysql') names.add(name);
  }
  return [...names].sort();
}
