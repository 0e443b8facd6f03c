/**
 * `bin/trent admin create-account` / `list-accounts`, run as a separate
 * process against the data directory of a server that is running, as an
 * operator would. The new account's root key works at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { TRENT_BIN } from '../helpers/child-server.js';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function trent(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TRENT_')) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [TRENT_BIN, ...args], { env: { ...clean, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function parseCreated(stdout: string): { accountId: string; accessKeyId: string; secret: string } {
  const m = /^Created account (\d{12}) with root access key (AKIA[A-Z2-7]{16})\.\nSecret access key \(shown once\): (\S+)\n$/.exec(stdout);
  assert.ok(m, `unexpected output: ${JSON.stringify(stdout)}`);
  return { accountId: m[1], accessKeyId: m[2], secret: m[3] };
}

describe('trent admin', () => {
  let server: TestServer;
  let dataDir: string;

  before(async () => {
    dataDir = tempDir('trent-admin-');
    server = await startTestServer({ dataDir });
  });

  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('create-account --account-id creates the account and a root key that the running server accepts at once', async () => {
    const r = await trent(['admin', 'create-account', '--data-dir', dataDir, '--account-id', '222233334444']);
    assert.equal(r.code, 0, r.stderr);
    const created = parseCreated(r.stdout);
    assert.equal(created.accountId, '222233334444');
    const creds = { accessKeyId: created.accessKeyId, secretAccessKey: created.secret };
    const sts = new STSClient({ endpoint: server.url, region: TEST_REGION, credentials: creds, maxAttempts: 1 });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.deepEqual([who.Account, who.Arn], ['222233334444', 'arn:aws:iam::222233334444:root']);
    const kms = server.kms(creds);
    const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    assert.match(arn, /^arn:aws:kms:us-east-1:222233334444:key\//);
    const theirs = (await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyArn);
    const ours = (await server.kms().send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyArn);
    assert.ok(theirs.includes(arn) && !ours.includes(arn), 'the new account has its own keys');
  });

  it('create-account without --account-id generates a 12-digit account id', async () => {
    const r = await trent(['admin', 'create-account', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const created = parseCreated(r.stdout);
    assert.notEqual(created.accountId, TEST_ACCOUNT);
    assert.notEqual(created.accountId, '222233334444');
  });

  it('an existing account id is refused (exit 2) and its keys are untouched', async () => {
    const r = await trent(['admin', 'create-account', '--data-dir', dataDir, '--account-id', TEST_ACCOUNT]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /account 111122223333 already exists/);
    assert.equal(r.stdout, '');
    await server.kms().send(new ListKeysCommand({}));
  });

  it('an invalid account id is refused', async () => {
    const r = await trent(['admin', 'create-account', '--data-dir', dataDir, '--account-id', '12345']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /12 digits/);
  });

  it('list-accounts lists every account with its active root keys', async () => {
    const r = await trent(['admin', 'list-accounts', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^ACCOUNT\s+CREATED\s+ROOT KEYS$/);
    const rows = lines.slice(1).map((l) => l.split(/\s+/));
    assert.equal(rows.length, 3);
    const main = rows.find((x) => x[0] === TEST_ACCOUNT);
    assert.ok(main, r.stdout);
    assert.match(main[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(main[2], TEST_ACCESS_KEY_ID);
    assert.ok(rows.some((x) => x[0] === '222233334444' && /^AKIA/.test(x[2])));
  });

  it('a data directory without a store is refused and left untouched', async () => {
    const empty = tempDir('trent-admin-empty-');
    try {
      const r = await trent(['admin', 'create-account', '--data-dir', empty]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no Trent store/);
      assert.deepEqual(readdirSync(empty), []);
      const list = await trent(['admin', 'list-accounts', '--data-dir', join(empty, 'missing')]);
      assert.equal(list.code, 2);
      assert.ok(!existsSync(join(empty, 'missing')));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an unknown admin command is an error with usage', async () => {
    const r = await trent(['admin', 'delete-everything', '--data-dir', dataDir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown admin command delete-everything/);
    assert.match(r.stderr, /create-account/);
  });
});
