import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { FileAuditSink } from '../../../src/adapters/audit/file-sink.js';
import { listFiles } from '../../../src/adapters/audit/trail-files.js';
import { parseDigest } from '../../../src/adapters/audit/digest.js';
import { DIGESTS_DIR, LOGS_DIR, digestSeqOf, logSeqOf } from '../../../src/adapters/audit/layout.js';
import { VerificationKey } from '../../../src/adapters/audit/signing-key.js';
import { formatReport, verifyTrail, type FindingKind, type VerifyReport } from '../../../src/adapters/audit/verify.js';
import { ManualClock } from '../../../src/ports/clock.js';
import type { LocalRootKey } from '../../../src/adapters/rootkey/local-root-key.js';
import { KEY_ARN, ScratchDir, T0, event, testRootKey } from './helpers.js';

const HOUR = 3600_000;

describe('audit trail verification', () => {
  let scratch: ScratchDir;
  let pristine: string;
  let rootKey: LocalRootKey;
  let publicKey: VerificationKey;
  let logs: string[];
  let digests: string[];
  let copies = 0;

  before(async () => {
    scratch = new ScratchDir();
    pristine = join(scratch.dir, 'pristine');
    rootKey = testRootKey();
    const clock = new ManualClock(T0 + 60_000);
    const sink = await FileAuditSink.open({ trailDir: pristine, rootKey, clock, timers: false, algorithm: 'Ed25519' });
    for (let period = 0; period < 4; period++) {
      for (let i = 0; i < 5; i++) {
        await sink.record(event({ operation: i % 2 ? 'Decrypt' : 'Encrypt', requestId: `p${period}-${i}`, time: clock.now(), keyArns: [KEY_ARN] }));
        clock.advance(1000);
      }
      clock.set(T0 + (period + 1) * HOUR);
      await sink.rotateIfDue();
    }
    await sink.record(event({ operation: 'ListKeys', requestId: 'open-1', time: clock.now() }));
    // Left open: the trail as it is while the server runs.
    publicKey = VerificationKey.fromPem(sink.publicKeyPem());
    logs = (await listFiles(pristine, LOGS_DIR, logSeqOf)).sort((a, b) => a.seq - b.seq).map((f) => f.file);
    digests = (await listFiles(pristine, DIGESTS_DIR, digestSeqOf)).sort((a, b) => a.seq - b.seq).map((f) => f.file);
    assert.equal(logs.length, 5);
    assert.equal(digests.length, 4);
  });
  after(() => scratch.dispose());

  /** A fresh copy of the trail to tamper with. */
  const copy = () => {
    const dir = join(scratch.dir, `copy-${++copies}`);
    cpSync(pristine, dir, { recursive: true });
    return dir;
  };
  const kinds = (r: VerifyReport) => r.findings.map((f) => `${f.kind} ${f.file}`).sort();
  const verify = (trailDir: string) => verifyTrail({ trailDir, publicKeys: [publicKey] });
  const expect = async (trailDir: string, expected: [FindingKind, string][]) => {
    const report = await verify(trailDir);
    assert.deepEqual(kinds(report), expected.map(([k, f]) => `${k} ${f}`).sort(), formatReport(report));
    assert.equal(report.ok, false);
    return report;
  };

  it('passes an untouched trail, including the file still being written', async () => {
    const report = await verify(copy());
    assert.deepEqual(report.findings, []);
    assert.equal(report.ok, true);
    assert.equal(report.digests, 4);
    assert.equal(report.logFiles, 5);
    assert.equal(report.events, 21);
    assert.equal(report.openLog, logs[4]);
    assert.match(formatReport(report), /OK: the trail is intact/);
  });

  it('edit one byte of a log file: log-modified, edited in place', async () => {
    const dir = copy();
    const path = join(dir, logs[1]);
    const data = readFileSync(path);
    data[data.indexOf('Decrypt')] = 'd'.charCodeAt(0);
    writeFileSync(path, data);
    const report = await expect(dir, [['log-modified', logs[1]]]);
    assert.equal(report.findings[0].details?.change, 'edited in place or lines reordered');
  });

  it('delete a log file: log-missing', async () => {
    const dir = copy();
    rmSync(join(dir, logs[2]));
    await expect(dir, [['log-missing', logs[2]]]);
  });

  it('insert a forged line into a sealed log file: log-modified (appended to)', async () => {
    const dir = copy();
    appendFileSync(join(dir, logs[0]), JSON.stringify(event({ operation: 'Decrypt', requestId: 'forged' })) + '\n');
    const report = await expect(dir, [['log-modified', logs[0]]]);
    assert.equal(report.findings[0].details?.change, 'appended to');
    assert.equal(report.findings[0].details?.actualLines, 6);
  });

  it('insert a forged line in the middle of a log file: log-modified', async () => {
    const dir = copy();
    const path = join(dir, logs[0]);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(2, 0, JSON.stringify(event({ operation: 'Decrypt', requestId: 'forged' })));
    writeFileSync(path, lines.join('\n'));
    await expect(dir, [['log-modified', logs[0]]]);
  });

  it('remove a line from a log file: log-modified (truncated or lines removed)', async () => {
    const dir = copy();
    const path = join(dir, logs[3]);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(1, 1);
    writeFileSync(path, lines.join('\n'));
    const report = await expect(dir, [['log-modified', logs[3]]]);
    assert.equal(report.findings[0].details?.change, 'truncated or lines removed');
  });

  it('reorder two lines of a log file: log-modified', async () => {
    const dir = copy();
    const path = join(dir, logs[1]);
    const lines = readFileSync(path, 'utf8').split('\n');
    [lines[0], lines[1]] = [lines[1], lines[0]];
    writeFileSync(path, lines.join('\n'));
    await expect(dir, [['log-modified', logs[1]]]);
  });

  it('swap two log files: log-moved, both', async () => {
    const dir = copy();
    const a = join(dir, logs[0]);
    const b = join(dir, logs[1]);
    renameSync(a, a + '.x');
    renameSync(b, a);
    renameSync(a + '.x', b);
    const report = await expect(dir, [
      ['log-moved', logs[0]],
      ['log-moved', logs[1]],
    ]);
    assert.deepEqual(report.findings.find((f) => f.file === logs[0])?.details?.foundIn, [logs[1]]);
  });

  it('rename a sealed log file: log-moved, not missing plus inserted', async () => {
    const dir = copy();
    const renamed = logs[2].replace(/_(\d+)\.jsonl$/, '_00000099.jsonl');
    renameSync(join(dir, logs[2]), join(dir, renamed));
    await expect(dir, [['log-moved', logs[2]]]);
  });

  it('delete the log file being written: log-missing, named by HEAD', async () => {
    const dir = copy();
    rmSync(join(dir, logs[4]));
    await expect(dir, [['log-missing', logs[4]]]);
  });

  it('add a log file no digest names: log-unlisted', async () => {
    const dir = copy();
    const extra = logs[0].replace(/_(\d+)\.jsonl$/, '_00000077.jsonl');
    writeFileSync(join(dir, extra), JSON.stringify(event({ operation: 'Encrypt' })) + '\n');
    await expect(dir, [['log-unlisted', extra]]);
  });

  it('truncate a digest: digest-unreadable', async () => {
    const dir = copy();
    truncateSync(join(dir, digests[1]), 100);
    await expect(dir, [
      ['digest-unreadable', digests[1]],
      ['log-unlisted', logs[1]],
    ]);
  });

  it('forge a digest signature: digest-signature-invalid', async () => {
    const dir = copy();
    const sig = readFileSync(join(dir, digests[2] + '.sig'), 'utf8').trim();
    writeFileSync(join(dir, digests[2] + '.sig'), (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1) + '\n');
    await expect(dir, [['digest-signature-invalid', digests[2]]]);
  });

  it('edit a digest to cover for an edited log file: digest-signature-invalid', async () => {
    const dir = copy();
    const logPath = join(dir, logs[1]);
    const data = readFileSync(logPath);
    data[data.indexOf('Decrypt')] = 'd'.charCodeAt(0);
    writeFileSync(logPath, data);
    const dPath = join(dir, digests[1]);
    const d = parseDigest(readFileSync(dPath))!;
    d.logFiles[0].hashValue = createHash('sha256').update(data).digest('hex');
    writeFileSync(dPath, JSON.stringify(d, null, 2) + '\n');
    await expect(dir, [['digest-signature-invalid', digests[1]]]);
  });

  it('re-sign a digest with another key: digest-unknown-key', async () => {
    const dir = copy();
    const dPath = join(dir, digests[0]);
    const d = parseDigest(readFileSync(dPath))!;
    const other = new VerificationKey(generateKeyPairSync('ed25519').publicKey);
    d.digestPublicKeyFingerprint = other.fingerprint;
    writeFileSync(dPath, JSON.stringify(d, null, 2) + '\n');
    await expect(dir, [['digest-unknown-key', digests[0]]]);
  });

  it('delete a digest in the middle: digest-missing, and its log file unlisted', async () => {
    const dir = copy();
    rmSync(join(dir, digests[1]));
    rmSync(join(dir, digests[1] + '.sig'));
    await expect(dir, [
      ['digest-missing', digests[1]],
      ['log-unlisted', logs[1]],
    ]);
  });

  it('delete a digest but leave its signature: digest-missing', async () => {
    const dir = copy();
    rmSync(join(dir, digests[2]));
    await expect(dir, [
      ['digest-missing', digests[2]],
      ['log-unlisted', logs[2]],
    ]);
  });

  it('delete the newest digest: HEAD names it, digest-missing', async () => {
    const dir = copy();
    rmSync(join(dir, digests[3]));
    rmSync(join(dir, digests[3] + '.sig'));
    await expect(dir, [
      ['digest-missing', digests[3]],
      ['log-unlisted', logs[3]],
    ]);
  });

  it('delete the newest digest and HEAD: head-missing', async () => {
    const dir = copy();
    rmSync(join(dir, digests[3]));
    rmSync(join(dir, digests[3] + '.sig'));
    rmSync(join(dir, 'HEAD.json'));
    const report = await verify(dir);
    assert.ok(kinds(report).includes('head-missing HEAD.json'));
    assert.equal(report.ok, false);
  });

  it('swap two digests: digest-misplaced, both', async () => {
    const dir = copy();
    for (const suffix of ['', '.sig']) {
      const a = join(dir, digests[0] + suffix);
      const b = join(dir, digests[1] + suffix);
      renameSync(a, a + '.x');
      renameSync(b, a);
      renameSync(a + '.x', b);
    }
    const report = await verify(dir);
    assert.deepEqual(
      report.findings.filter((f) => f.kind === 'digest-misplaced').map((f) => f.file).sort(),
      [digests[0], digests[1]].sort(),
    );
  });

  it('edit HEAD: head-invalid', async () => {
    const dir = copy();
    const path = join(dir, 'HEAD.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"logSeq": \d+/, '"logSeq": 1'));
    await expect(dir, [['head-invalid', 'HEAD.json']]);
  });

  it('a stray file in the trail: unexpected-file', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'logs', 'notes.txt'), 'hello');
    await expect(dir, [['unexpected-file', 'logs/notes.txt']]);
  });

  it('a copy verifies with the exported public key, and not with another', async () => {
    const dir = copy();
    rmSync(join(dir, 'signing-key.json'));
    rmSync(join(dir, 'public-key.pem'));
    const pem = readFileSync(join(pristine, 'public-key.pem'));
    assert.deepEqual((await verifyTrail({ trailDir: dir, publicKeys: [VerificationKey.fromPem(pem)] })).findings, []);
    const other = new VerificationKey(generateKeyPairSync('ed25519').publicKey);
    const report = await verifyTrail({ trailDir: dir, publicKeys: [other] });
    assert.equal(report.ok, false);
    assert.ok(report.findings.every((f) => f.kind === 'digest-unknown-key' || f.kind === 'head-invalid'));
    const none = await verifyTrail({ trailDir: dir });
    assert.deepEqual(none.findings.map((f) => f.kind), ['no-public-key']);
  });

  it("with the root key, the trail's own signing key is proven genuine; a substituted key is caught", async () => {
    const dir = copy();
    const ok = await verifyTrail({ trailDir: dir, rootKey });
    assert.deepEqual(ok.findings, []);
    assert.ok(ok.notes.some((n) => /proven genuine/.test(n)));
    const wrong = await verifyTrail({ trailDir: dir, rootKey: testRootKey() });
    assert.deepEqual(wrong.findings.map((f) => f.kind), ['no-public-key']);
  });

  it('digest signatures verify with OpenSSL from the documented signing string', async () => {
    const dir = copy();
    const path = join(dir, digests[1]);
    const bytes = readFileSync(path);
    const d = parseDigest(bytes)!;
    const signingString = `${d.digestEndTime}\n${d.digestFile}\n${createHash('sha256').update(bytes).digest('hex')}\n${d.previousDigestSignature}`;
    writeFileSync(join(dir, 'data'), signingString);
    writeFileSync(join(dir, 'sig.bin'), Buffer.from(readFileSync(path + '.sig', 'utf8').trim(), 'hex'));
    const out = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'public-key.pem'), '-rawin', '-in', join(dir, 'data'), '-sigfile', join(dir, 'sig.bin')]);
    assert.match(out.toString(), /Signature Verified Successfully/);
  });
});
