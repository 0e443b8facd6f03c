/** Runs `bin/trent server` as a child process, for tests that kill, signal or restart it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const TRENT_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'trent');

export interface ChildServer {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) of the server's main process. */
  exited: Promise<number | string>;
  /**
   * kill -9 of the whole process tree at once (the primary and every worker),
   * as a power cut or the OOM killer of a service manager does; resolves
   * with the main process's exit signal.
   */
  crash(): Promise<number | string>;
}

export async function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  // Its own process group, so crash() reaches the workers too.
  const child = spawn(process.execPath, [TRENT_BIN, 'server', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: a loaded CI machine may take a while; a server that never starts is killed, never left running.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 45_000);
    const check = () => {
      const m = /Trent listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  const crash = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
    return exited;
  };
  return { child, url, output: () => out, exited, crash };
}
