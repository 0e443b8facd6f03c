/**
 * PostgreSQL connection URLs: recognising them, and describing one for logs
 * without its password (or any other query parameter, which may carry one).
 */
import { userInfo } from 'node:os';

/** True for `postgres://...` and `postgresql://...`. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(value);
}

/**
 * `postgres://user@host:port/database`, filling in what the URL leaves out the
 * way libpq does (PGUSER, PGHOST, PGPORT, PGDATABASE, then defaults). Never
 * includes the password.
 */
export function describePostgresUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!isPostgresUrl(url)) throw new Error('a PostgreSQL store URL starts with postgres:// or postgresql://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The message must not echo the URL: it may hold a password.
    throw new Error('the PostgreSQL store URL is not a valid URL');
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = decode(parsed.username) || env.PGUSER || safeUserName();
  const host = parsed.hostname || parsed.searchParams.get('host') || env.PGHOST || 'localhost';
  const port = parsed.port || env.PGPORT || '5432';
  const database = decode(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  return `postgres://${user}@${host}:${port}/${database}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}
