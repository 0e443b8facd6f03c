/**
 * The few things the PostgreSQL stores need from `pg`: a bounded pool,
 * parameterised statements (named, so each connection parses and plans them
 * once), and transactions on one pooled connection.
 *
 * BIGINT (int8) columns and count(*) come back as JS numbers: every such value
 * Trent stores (epoch milliseconds, revisions, counts) is far below 2^53.
 * BYTEA comes back as Buffer (pg's default).
 */
import pg from 'pg';

export type Row = Record<string, unknown>;

/** A statement: fixed SQL text with $1..$n placeholders and a name unique to that text. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Defines a named statement. Names are per connection; each text gets its own. */
export function statement(name: string, text: string): Statement {
  return { name: `trent_${name}`, text };
}

/** What a statement runs on: the pool (autocommit) or one transaction's connection. */
export interface Queryable {
  run(stmt: Statement, values: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export interface PgPoolOptions {
  /** Most connections the pool opens (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection, new or pooled, before failing, in ms (default 10 000). */
  connectTimeoutMillis?: number;
  /** Server-side limit on one statement, in ms (default 30 000; 0 for none). */
  statementTimeoutMillis?: number;
  /** Told when an idle pooled connection fails (the server restarted, say); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
}

/** This pool's own type parsers (pg's global ones stay untouched): int8 as number. */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, 'text', Number);

export class PgDatabase implements Queryable {
  readonly pool: pg.Pool;
  private closing: Promise<void> | undefined;

  constructor(url: string, options: PgPoolOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMillis ?? 10_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMillis ?? 30_000,
      // A transaction left open (it never should be) must not hold its locks for ever.
      idle_in_transaction_session_timeout: 60_000,
      application_name: 'trent',
      keepAlive: true,
      types,
    });
    // Without a listener an idle connection's error (server restart, network) would crash the process.
    this.pool.on('error', (e) => options.onConnectionError?.(e));
  }

  async run(stmt: Statement, values: unknown[]): Promise<{ rows: Row[]; rowCount: number }> {
    const result = await this.pool.query({ name: stmt.name, text: stmt.text, values });
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  /**
   * Runs `fn` in a READ COMMITTED transaction on one connection: committed if
   * it resolves, rolled back if it rejects. Writers that must see each other
   * (a count before an insert, say) lock a row first, see the stores.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const release = holdConnection(client);
    const tx: Queryable = {
      run: async (stmt, values) => {
        const result = await client.query({ name: stmt.name, text: stmt.text, values });
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      },
    };
    let out: T;
    try {
      await client.query('BEGIN');
      out = await fn(tx);
      await client.query('COMMIT');
    } catch (e) {
      try {
        await client.query('ROLLBACK');
        release();
      } catch {
        release(true); // the connection is broken: destroy it rather than pool it
      }
      throw e;
    }
    release();
    return out;
  }

  /** Ends every connection; later calls are harmless. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/**
 * Marks a connection taken from the pool as in use: a connection error that
 * arrives between two of its queries (rather than failing one) is absorbed
 * here, since the pool only listens to idle connections; the next query on it
 * fails instead. Returns the release function.
 */
export function holdConnection(client: pg.PoolClient): (destroy?: boolean) => void {
  const absorb = () => {};
  client.on('error', absorb);
  return (destroy) => {
    client.removeListener('error', absorb);
    client.release(destroy);
  };
}
