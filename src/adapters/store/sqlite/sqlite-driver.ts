/**
 * The few SQLite calls the store needs, over better-sqlite3 (preferred) or
 * Node's built-in node:sqlite (Node 22.13+), so Trent runs on every supported
 * Node version even where better-sqlite3's native binding was built for
 * another one. TRENT_SQLITE_DRIVER=better-sqlite3|node:sqlite forces a choice.
 * BLOB columns always come back as Buffer.
 */
import { createRequire } from 'node:module';

export type Row = Record<string, unknown>;

export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
}

export interface SqlDatabase {
  readonly driver: 'better-sqlite3' | 'node:sqlite';
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** Runs `fn` in a BEGIN IMMEDIATE transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const require = createRequire(import.meta.url);

export function openSqlite(path: string, forced = process.env.TRENT_SQLITE_DRIVER): SqlDatabase {
  if (forced === 'node:sqlite') return openNodeSqlite(path);
  if (forced === 'better-sqlite3') return openBetterSqlite(path);
  if (forced !== undefined && forced !== '') throw new Error(`unknown TRENT_SQLITE_DRIVER ${forced}`);
  try {
    return openBetterSqlite(path);
  } catch (e) {
    if (!isBindingMismatch(e)) throw e;
    return openNodeSqlite(path);
  }
}

function isBindingMismatch(e: unknown): boolean {
  const text = String((e as Error)?.message ?? e);
  return /NODE_MODULE_VERSION|Could not locate the bindings file|ERR_DLOPEN_FAILED|Cannot find module 'better-sqlite3'/.test(text) ||
    (e as { code?: string })?.code === 'ERR_DLOPEN_FAILED';
}

function openBetterSqlite(path: string): SqlDatabase {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path);
  return {
    driver: 'better-sqlite3',
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => {
      const s = db.prepare(sql);
      return {
        run: (...p) => ({ changes: s.run(...p).changes }),
        get: (...p) => s.get(...p) as Row | undefined,
        all: (...p) => s.all(...p) as Row[],
      };
    },
    transaction: (fn) => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}

function openNodeSqlite(path: string): SqlDatabase {
  const { DatabaseSync } = require('node:sqlite') as {
    DatabaseSync: new (path: string) => {
      exec(sql: string): void;
      prepare(sql: string): { run(...p: unknown[]): { changes: number | bigint }; get(...p: unknown[]): unknown; all(...p: unknown[]): unknown[] };
      close(): void;
    };
  };
  const db = new DatabaseSync(path);
  let depth = 0;
  return {
    driver: 'node:sqlite',
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const s = db.prepare(sql);
      return {
        run: (...p) => ({ changes: Number(s.run(...p).changes) }),
        get: (...p) => toBuffers(s.get(...p) as Row | undefined),
        all: (...p) => (s.all(...p) as Row[]).map((r) => toBuffers(r) as Row),
      };
    },
    transaction: (fn) => {
      if (depth > 0) return fn();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
}

function toBuffers(row: Row | undefined): Row | undefined {
  if (!row) return row;
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}
