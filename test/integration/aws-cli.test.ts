/**
 * The everyday KMS workflow driven through the real AWS CLI (`aws`, v1 on the
 * test machines) against an in-process Trent server, plus the credentials file
 * a fresh `bin/trent server` writes, used as an AWS shared-credentials file.
 *
 * The CLI is always run asynchronously (execFile/spawn): the server shares this
 * process's event loop, so a synchronous child would deadlock it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  TEST_ACCESS_KEY_ID,
  TEST_ACCOUNT,
  TEST_REGION,
  TEST_SECRET,
  startTestServer,
  tempDir,
  type TestServer,
} from '../helpers/trent.js';
import { cleanEnv, isolatedCliEnv, runAws, type CliResult } from '../helpers/aws-cli.js';

const ARN_PREFIX = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}`;
const KEY_ARN = new RegExp(`^${ARN_PREFIX}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

// dist/test/integration/aws-cli.test.js -> repository root is three levels up.
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');




describe('AWS CLI against Trent', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let cliVersion = '';

  /** Runs `aws kms <args> --endpoint-url <url> --output json` and parses stdout; fails on a non-zero exit. */
  async function kms(...args: string[]): Promise<any> {
    const r = await kmsRaw(...args);
    assert.equal(r.code, 0, `aws kms ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }
  function kmsRaw(...args: string[]): Promise<CliResult> {
    return runAws(['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], env);
  }
  /** Asserts the CLI failed with the given AWS error code (as the CLI prints it on stderr). */
  async function kmsFails(code: string, ...args: string[]): Promise<string> {
    const r = await kmsRaw(...args);
    assert.notEqual(r.code, 0, `aws kms ${args.join(' ')} should have failed with ${code}, but succeeded: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`), `stderr: ${r.stderr}`);
    return r.stderr;
  }
  function file(name: string, content: Buffer | string): string {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  }
  function b64file(name: string, base64: string): string {
    return file(name, Buffer.from(base64, 'base64'));
  }

  before(async () => {
    work = tempDir('trent-awscli-');
    env = isolatedCliEnv(work, TEST_REGION, { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET });
    const v = await runAws(['--version'], env);
    assert.equal(v.code, 0, `aws --version failed: ${v.stderr}`);
    cliVersion = (v.stdout + v.stderr).trim();
    assert.match(cliVersion, /^aws-cli\/\d+\./, `unexpected aws --version output: ${cliVersion}`);
    server = await startTestServer();
  });

  after(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('everyday workflow', () => {
    let keyId = '';
    let keyArn = '';
    let key2Arn = '';
    const plaintext = randomBytes(100);
    let ciphertextPath = '';

    it('create-key with --description and --tags', async () => {
      const out = await kms(
        'create-key',
        '--description', 'cli workflow key',
        '--tags', 'TagKey=env,TagValue=test', 'TagKey=team,TagValue=crypto',
      );
      const md = out.KeyMetadata;
      assert.match(md.Arn, KEY_ARN);
      assert.equal(md.AWSAccountId, TEST_ACCOUNT);
      assert.equal(md.Description, 'cli workflow key');
      assert.equal(md.KeyState, 'Enabled');
      assert.equal(md.Enabled, true);
      assert.equal(md.KeyUsage, 'ENCRYPT_DECRYPT');
      assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
      assert.equal(md.Origin, 'AWS_KMS');
      assert.equal(md.KeyManager, 'CUSTOMER');
      assert.equal(md.Arn, `${ARN_PREFIX}:key/${md.KeyId}`);
      keyId = md.KeyId;
      keyArn = md.Arn;

      const tags = await kms('list-resource-tags', '--key-id', keyId);
      assert.deepEqual(
        [...tags.Tags].sort((a: any, b: any) => a.TagKey.localeCompare(b.TagKey)),
        [
          { TagKey: 'env', TagValue: 'test' },
          { TagKey: 'team', TagValue: 'crypto' },
        ],
      );

      const second = await kms('create-key', '--description', 'cli second key');
      key2Arn = second.KeyMetadata.Arn;
      assert.match(key2Arn, KEY_ARN);
    });

    it('describe-key by key id and by ARN', async () => {
      const [byId, byArn] = await Promise.all([kms('describe-key', '--key-id', keyId), kms('describe-key', '--key-id', keyArn)]);
      assert.equal(byId.KeyMetadata.Arn, keyArn);
      assert.equal(byId.KeyMetadata.Description, 'cli workflow key');
      assert.equal(byArn.KeyMetadata.KeyId, keyId);
    });

    it('list-keys shows both keys', async () => {
      const out = await kms('list-keys');
      const arns = out.Keys.map((k: any) => k.KeyArn);
      assert.ok(arns.includes(keyArn), `list-keys: ${JSON.stringify(out)}`);
      assert.ok(arns.includes(key2Arn), `list-keys: ${JSON.stringify(out)}`);
      const entry = out.Keys.find((k: any) => k.KeyArn === keyArn);
      assert.equal(entry.KeyId, keyId);
    });

    it('create-alias, list-aliases, describe-key by alias', async () => {
      const created = await kms('create-alias', '--alias-name', 'alias/cli-app', '--target-key-id', keyId);
      assert.deepEqual(created, {});
      const all = await kms('list-aliases');
      const alias = all.Aliases.find((a: any) => a.AliasName === 'alias/cli-app');
      assert.ok(alias, `alias missing from list-aliases: ${JSON.stringify(all)}`);
      assert.equal(alias.AliasArn, `${ARN_PREFIX}:alias/cli-app`);
      assert.equal(alias.TargetKeyId, keyId);

      const forKey = await kms('list-aliases', '--key-id', keyId);
      assert.deepEqual(
        forKey.Aliases.map((a: any) => a.AliasName),
        ['alias/cli-app'],
      );
      const byAlias = await kms('describe-key', '--key-id', 'alias/cli-app');
      assert.equal(byAlias.KeyMetadata.Arn, keyArn);
    });

    it('encrypt with fileb:// plaintext and an encryption context', async () => {
      const ptPath = file('plaintext.bin', plaintext);
      const out = await kms(
        'encrypt',
        '--key-id', 'alias/cli-app',
        '--plaintext', `fileb://${ptPath}`,
        '--encryption-context', 'purpose=test,app=cli',
      );
      assert.equal(out.KeyId, keyArn);
      assert.equal(out.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.equal(typeof out.CiphertextBlob, 'string');
      const blob = Buffer.from(out.CiphertextBlob, 'base64');
      assert.ok(blob.length > plaintext.length, 'ciphertext is shorter than the plaintext');
      assert.ok(!blob.includes(plaintext), 'ciphertext contains the plaintext');
      ciphertextPath = b64file('ciphertext.bin', out.CiphertextBlob);
    });

    it('decrypt with fileb:// ciphertext and the same context round-trips the bytes', async () => {
      const out = await kms(
        'decrypt',
        '--ciphertext-blob', `fileb://${ciphertextPath}`,
        // Same pairs, other order: the context is a map.
        '--encryption-context', 'app=cli,purpose=test',
      );
      assert.equal(out.KeyId, keyArn);
      assert.equal(out.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.deepEqual(Buffer.from(out.Plaintext, 'base64'), plaintext);
    });

    it('decrypt with a wrong or missing context fails with InvalidCiphertextException', async () => {
      await Promise.all([
        kmsFails(
          'InvalidCiphertextException',
          'decrypt', '--ciphertext-blob', `fileb://${ciphertextPath}`, '--encryption-context', 'purpose=test,app=other',
        ),
        kmsFails(
          'InvalidCiphertextException',
          'decrypt', '--ciphertext-blob', `fileb://${ciphertextPath}`, '--encryption-context', 'purpose=test',
        ),
        kmsFails('InvalidCiphertextException', 'decrypt', '--ciphertext-blob', `fileb://${ciphertextPath}`),
      ]);
    });

    it('decrypt naming the wrong key fails with IncorrectKeyException', async () => {
      await kmsFails(
        'IncorrectKeyException',
        'decrypt', '--ciphertext-blob', `fileb://${ciphertextPath}`, '--encryption-context', 'purpose=test,app=cli',
        '--key-id', key2Arn,
      );
    });

    it('re-encrypt moves the ciphertext to another key and context', async () => {
      const out = await kms(
        're-encrypt',
        '--ciphertext-blob', `fileb://${ciphertextPath}`,
        '--source-encryption-context', 'purpose=test,app=cli',
        '--destination-key-id', key2Arn,
        '--destination-encryption-context', 'moved=yes',
      );
      assert.equal(out.SourceKeyId, keyArn);
      assert.equal(out.KeyId, key2Arn);
      assert.equal(out.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.equal(out.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      const rePath = b64file('reencrypted.bin', out.CiphertextBlob);
      const dec = await kms('decrypt', '--ciphertext-blob', `fileb://${rePath}`, '--encryption-context', 'moved=yes');
      assert.equal(dec.KeyId, key2Arn);
      assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), plaintext);
      await kmsFails('InvalidCiphertextException', 'decrypt', '--ciphertext-blob', `fileb://${rePath}`);
    });

    it('generate-data-key --key-spec AES_256', async () => {
      const out = await kms('generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256', '--encryption-context', 'dk=1');
      assert.equal(out.KeyId, keyArn);
      const dataKey = Buffer.from(out.Plaintext, 'base64');
      assert.equal(dataKey.length, 32);
      const path = b64file('datakey.bin', out.CiphertextBlob);
      const dec = await kms('decrypt', '--ciphertext-blob', `fileb://${path}`, '--encryption-context', 'dk=1');
      assert.equal(dec.KeyId, keyArn);
      assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), dataKey);
    });

    it('generate-data-key-without-plaintext', async () => {
      const out = await kms('generate-data-key-without-plaintext', '--key-id', 'alias/cli-app', '--key-spec', 'AES_128');
      assert.equal(out.KeyId, keyArn);
      assert.equal(out.Plaintext, undefined, 'generate-data-key-without-plaintext returned a Plaintext');
      const path = b64file('datakey-np.bin', out.CiphertextBlob);
      const dec = await kms('decrypt', '--ciphertext-blob', `fileb://${path}`);
      assert.equal(Buffer.from(dec.Plaintext, 'base64').length, 16);
    });

    it('generate-random', async () => {
      const [a, b] = await Promise.all([
        kms('generate-random', '--number-of-bytes', '32'),
        kms('generate-random', '--number-of-bytes', '32'),
      ]);
      assert.equal(Buffer.from(a.Plaintext, 'base64').length, 32);
      assert.notEqual(a.Plaintext, b.Plaintext);
    });

    it('tag-resource, untag-resource, list-resource-tags', async () => {
      assert.deepEqual(await kms('tag-resource', '--key-id', keyId, '--tags', 'TagKey=env,TagValue=prod', 'TagKey=owner,TagValue=alice'), {});
      // --no-paginate: the CLI's paginator would drop Truncated from the output.
      let tags = await kms('list-resource-tags', '--key-id', keyArn, '--no-paginate');
      assert.deepEqual(
        Object.fromEntries(tags.Tags.map((t: any) => [t.TagKey, t.TagValue])),
        { env: 'prod', team: 'crypto', owner: 'alice' },
      );
      assert.equal(tags.Truncated, false);
      assert.deepEqual(await kms('untag-resource', '--key-id', keyId, '--tag-keys', 'team', 'owner'), {});
      tags = await kms('list-resource-tags', '--key-id', keyId);
      assert.deepEqual(tags.Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
    });

    it('get-key-policy and put-key-policy', async () => {
      const got = await kms('get-key-policy', '--key-id', keyId, '--policy-name', 'default');
      assert.equal(got.PolicyName, 'default');
      const policy = JSON.parse(got.Policy);
      assert.equal(policy.Version, '2012-10-17');
      assert.deepEqual(policy.Statement[0].Principal, { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` });
      assert.equal(policy.Statement[0].Action, 'kms:*');

      const next = {
        Version: '2012-10-17',
        Id: 'cli-policy',
        Statement: [
          { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        ],
      };
      const policyPath = file('policy.json', JSON.stringify(next, null, 2));
      assert.deepEqual(await kms('put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', `file://${policyPath}`), {});
      const again = await kms('get-key-policy', '--key-id', keyId, '--policy-name', 'default');
      assert.deepEqual(JSON.parse(again.Policy), next);

      const listed = await kms('list-key-policies', '--key-id', keyId);
      assert.deepEqual(listed.PolicyNames, ['default']);
      await kmsFails('MalformedPolicyDocumentException', 'put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', 'not json');
    });

    it('disable-key blocks use until enable-key', async () => {
      const ptPath = file('small.bin', 'hello');
      assert.deepEqual(await kms('disable-key', '--key-id', keyId), {});
      let md = (await kms('describe-key', '--key-id', keyId)).KeyMetadata;
      assert.equal(md.KeyState, 'Disabled');
      assert.equal(md.Enabled, false);
      await kmsFails('DisabledException', 'encrypt', '--key-id', keyId, '--plaintext', `fileb://${ptPath}`);
      await kmsFails(
        'DisabledException',
        'decrypt', '--ciphertext-blob', `fileb://${ciphertextPath}`, '--encryption-context', 'purpose=test,app=cli',
      );

      assert.deepEqual(await kms('enable-key', '--key-id', keyId), {});
      md = (await kms('describe-key', '--key-id', keyId)).KeyMetadata;
      assert.equal(md.KeyState, 'Enabled');
      assert.equal(md.Enabled, true);
      const out = await kms('encrypt', '--key-id', keyId, '--plaintext', `fileb://${ptPath}`);
      assert.equal(out.KeyId, keyArn);
    });

    it('schedule-key-deletion --pending-window-in-days 7 and cancel-key-deletion', async () => {
      const scheduled = await kms('schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7');
      assert.equal(scheduled.KeyId, keyArn);
      assert.equal(scheduled.KeyState, 'PendingDeletion');
      assert.equal(scheduled.PendingWindowInDays, 7);
      // The CLI prints timestamps as epoch seconds (v1) or ISO strings (v2); accept either.
      const deletion = typeof scheduled.DeletionDate === 'number' ? scheduled.DeletionDate * 1000 : Date.parse(scheduled.DeletionDate);
      const days = (deletion - server.clock.now()) / 86_400_000;
      assert.ok(days > 6.9 && days <= 7.01, `DeletionDate ${scheduled.DeletionDate} is not ~7 days away (${days})`);

      const md = (await kms('describe-key', '--key-id', keyId)).KeyMetadata;
      assert.equal(md.KeyState, 'PendingDeletion');
      assert.equal(md.Enabled, false);
      assert.ok(md.DeletionDate !== undefined, 'describe-key shows no DeletionDate');
      await kmsFails('KMSInvalidStateException', 'encrypt', '--key-id', keyId, '--plaintext', `fileb://${file('x.bin', 'x')}`);

      const cancelled = await kms('cancel-key-deletion', '--key-id', keyId);
      assert.equal(cancelled.KeyId, keyArn);
      const restored = (await kms('describe-key', '--key-id', keyId)).KeyMetadata;
      // As in AWS KMS, a key whose deletion is cancelled is left disabled.
      assert.equal(restored.KeyState, 'Disabled');
      assert.equal(restored.DeletionDate, undefined);
      await kms('enable-key', '--key-id', keyId);
    });

    it('update-key-description', async () => {
      assert.deepEqual(await kms('update-key-description', '--key-id', keyId, '--description', 'renamed by the CLI'), {});
      const md = (await kms('describe-key', '--key-id', 'alias/cli-app')).KeyMetadata;
      assert.equal(md.Description, 'renamed by the CLI');
      assert.equal(md.KeyState, 'Enabled');
    });

    it('a wrong secret is refused with a signature error', async () => {
      const r = await runAws(
        ['kms', 'list-keys', '--endpoint-url', server.url, '--output', 'json'],
        { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret-0123456789' },
      );
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /An error occurred \(InvalidSignatureException\)/, r.stderr);
    });
  });

  describe('the root-credentials file written by `bin/trent server`', () => {
    let child: ChildProcess | undefined;
    let dataDir = '';

    after(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('works as AWS_SHARED_CREDENTIALS_FILE with --profile trent, and the server stops cleanly on SIGTERM', async () => {
      dataDir = join(tempDir('trent-awscli-srv-'), 'data'); // does not exist yet: the server creates it
      const bin = join(REPO_ROOT, 'bin', 'trent');
      assert.ok(existsSync(bin), `${bin} not found`);
      const proc = spawn(process.execPath, [bin, 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stdout = '';
      let stderr = '';
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        proc.on('exit', (code, signal) => resolve({ code, signal })),
      );

      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bin/trent server did not start in 20 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 20_000);
        const check = () => {
          const m = /Trent listening on (https?:\/\/\S+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        proc.stdout!.on('data', check);
        proc.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`bin/trent server exited early (${code})\nstdout: ${stdout}\nstderr: ${stderr}`));
        });
      });

      const credPath = join(dataDir, 'root-credentials');
      assert.ok(existsSync(credPath), `no root-credentials file in ${dataDir}; server stdout: ${stdout}`);
      assert.equal(statSync(credPath).mode & 0o777, 0o600, 'root-credentials must be mode 0600');
      const text = readFileSync(credPath, 'utf8');
      assert.match(text, /^\[trent\]$/m);
      const accessKeyId = /^aws_access_key_id\s*=\s*(\S+)$/m.exec(text)?.[1];
      const secret = /^aws_secret_access_key\s*=\s*(\S+)$/m.exec(text)?.[1];
      assert.ok(accessKeyId && secret, `root-credentials lacks keys:\n${text}`);
      assert.ok(stdout.includes(accessKeyId), 'the server did not print the generated access key id');

      const profileEnv: NodeJS.ProcessEnv = {
        ...cleanEnv(),
        AWS_SHARED_CREDENTIALS_FILE: credPath,
        AWS_CONFIG_FILE: join(dataDir, 'no-such-config'),
        AWS_DEFAULT_REGION: TEST_REGION,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
      };
      const cli = (...args: string[]) =>
        runAws(['kms', ...args, '--profile', 'trent', '--endpoint-url', url, '--output', 'json'], profileEnv);

      const listed = await cli('list-keys');
      assert.equal(listed.code, 0, `aws kms list-keys --profile trent failed:\n${listed.stderr}`);
      assert.deepEqual(JSON.parse(listed.stdout).Keys, []);

      const created = await cli('create-key', '--description', 'via profile');
      assert.equal(created.code, 0, created.stderr);
      const arn: string = JSON.parse(created.stdout).KeyMetadata.Arn;
      assert.match(arn, /^arn:aws:kms:us-east-1:\d{12}:key\//);
      const again = await cli('list-keys');
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout).Keys.map((k: any) => k.KeyArn), [arn]);

      proc.kill('SIGTERM');
      let killTimer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        exited,
        new Promise<never>((_, reject) => {
          killTimer = setTimeout(() => reject(new Error(`no exit within 15 s of SIGTERM\nstderr: ${stderr}`)), 15_000);
        }),
      ]).finally(() => clearTimeout(killTimer));
      assert.deepEqual(result, { code: 0, signal: null }, `bin/trent server exit after SIGTERM\nstderr: ${stderr}`);
    });
  });
});
