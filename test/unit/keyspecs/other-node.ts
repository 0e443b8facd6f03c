/**
 * Finds a Node.js binary whose node:crypto differs from this one in ML-DSA
 * support (Node 20 <-> Node 24), for the cross-version ML-DSA test.
 * Looks at $TRENT_OTHER_NODE, every `node` on PATH, the usual install places
 * and npx's cache; failing those, and only when a Node with ML-DSA is wanted,
 * asks npx for node@24 the way .ci/run does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface OtherNode {
  path: string;
  version: string;
  nativeMlDsa: boolean;
}

const PROBE =
  "let n=false;try{const c=require('crypto');const k=c.generateKeyPairSync('ml-dsa-44');n=c.verify(null,Buffer.from('p'),k.publicKey,c.sign(null,Buffer.from('p'),k.privateKey))}catch{}" +
  'console.log(JSON.stringify({version:process.version,nativeMlDsa:n}))';

function probe(path: string): OtherNode | undefined {
  try {
    const out = execFileSync(path, ['-e', PROBE], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).toString();
    const parsed = JSON.parse(out.trim().split('\n').pop()!) as { version: string; nativeMlDsa: boolean };
    return { path, ...parsed };
  } catch {
    return undefined;
  }
}

function candidates(): string[] {
  const out: string[] = [];
  if (process.env.TRENT_OTHER_NODE) out.push(process.env.TRENT_OTHER_NODE);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) out.push(join(dir, 'node'));
  out.push('/usr/local/bin/node', '/usr/bin/node');
  const npxCache = join(homedir(), '.npm', '_npx');
  if (existsSync(npxCache)) {
    for (const entry of readdirSync(npxCache)) out.push(join(npxCache, entry, 'node_modules', 'node', 'bin', 'node'));
  }
  return out;
}

export function findOtherNode(wantNativeMlDsa: boolean): OtherNode | undefined {
  const self = realpathSync(process.execPath);
  const seen = new Set<string>([self]);
  for (const c of candidates()) {
    if (!existsSync(c)) continue;
    let real: string;
    try {
      real = realpathSync(c);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const found = probe(c);
    if (found && found.nativeMlDsa === wantNativeMlDsa) return found;
  }
  if (wantNativeMlDsa) {
    try {
      const path = execFileSync('npx', ['-y', '-p', 'node@24', '--', 'sh', '-c', 'command -v node'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 300_000,
      })
        .toString()
        .trim();
      const found = probe(path);
      if (found && found.nativeMlDsa) return found;
    } catch {
      // fall through
    }
  }
  return undefined;
}
