/** Aliases, tags and key policies through @aws-sdk/client-kms. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { TEST_ACCOUNT, TEST_REGION, awsError, startTestServer, type TestServer } from '../helpers/trent.js';

const aliasArn = (name: string) => `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:${name}`;

describe('aliases', () => {
  let server: TestServer;
  let kms: KMSClient;
  let a: KeyMetadata;
  let b: KeyMetadata;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  });
  after(() => server.close());

  it('CreateAlias, then the alias resolves in DescribeKey and Encrypt', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: a.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata!.KeyId, a.KeyId);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: aliasArn('alias/app') }))).KeyMetadata!.KeyId, a.KeyId);
    assert.equal((await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('x') }))).KeyId, a.Arn);
  });

  it('CreateAlias accepts a key ARN as target', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/by-arn', TargetKeyId: a.Arn }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/by-arn' }))).KeyMetadata!.KeyId, a.KeyId);
  });

  it('CreateAlias errors: prefix, reserved names, duplicates, alias targets, missing keys', async () => {
    let e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'app2', TargetKeyId: a.KeyId })));
    assert.deepEqual(
      [e.name, e.message],
      ['ValidationException', 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html'],
    );
    e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: a.KeyId })));
    assert.equal(e.name, 'NotAuthorizedException');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: a.KeyId }));
    e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: b.KeyId })));
    assert.deepEqual([e.name, e.message], ['AlreadyExistsException', `An alias with the name ${aliasArn('alias/dup')} already exists`]);
    e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/to-alias', TargetKeyId: 'alias/dup' })));
    assert.deepEqual([e.name, e.message], ['ValidationException', 'Aliases must refer to keys. Not aliases']);
    e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/x', TargetKeyId: '11111111-2222-4333-8444-555555555555' })));
    assert.equal(e.name, 'NotFoundException');
    e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/bad name', TargetKeyId: a.KeyId })));
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  it('an alias cannot point at a key pending deletion', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    const e = await awsError(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: k.KeyId })));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${k.Arn} is pending deletion.`]);
  });

  it('UpdateAlias repoints an alias; unknown alias is NotFoundException', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: a.KeyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: b.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).KeyMetadata!.KeyId, b.KeyId);
    const e = await awsError(() => kms.send(new UpdateAliasCommand({ AliasName: 'alias/nope', TargetKeyId: b.KeyId })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Alias ${aliasArn('alias/nope')} is not found.`]);
  });

  it('DeleteAlias removes it; the key remains', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/temp', TargetKeyId: a.KeyId }));
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/temp' }));
    let e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: 'alias/temp' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Alias ${aliasArn('alias/temp')} is not found.`]);
    e = await awsError(() => kms.send(new DeleteAliasCommand({ AliasName: 'alias/temp' })));
    assert.equal(e.name, 'NotFoundException');
    await kms.send(new DescribeKeyCommand({ KeyId: a.KeyId }));
  });

  it('ListAliases lists all aliases or those of one key, with paging', async () => {
    const fresh = await startTestServer();
    try {
      const c = fresh.kms();
      const k1 = (await c.send(new CreateKeyCommand({}))).KeyMetadata!;
      const k2 = (await c.send(new CreateKeyCommand({}))).KeyMetadata!;
      for (let i = 0; i < 5; i++) await c.send(new CreateAliasCommand({ AliasName: `alias/k1-${i}`, TargetKeyId: k1.KeyId }));
      await c.send(new CreateAliasCommand({ AliasName: 'alias/k2', TargetKeyId: k2.KeyId }));
      const all = await c.send(new ListAliasesCommand({}));
      assert.equal(all.Aliases!.length, 6);
      assert.equal(all.Truncated, false);
      const entry = all.Aliases!.find((x) => x.AliasName === 'alias/k2')!;
      assert.equal(entry.AliasArn, `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:alias/k2`);
      assert.equal(entry.TargetKeyId, k2.KeyId);
      assert.ok(entry.CreationDate instanceof Date && entry.LastUpdatedDate instanceof Date);
      const ofK1 = await c.send(new ListAliasesCommand({ KeyId: k1.Arn }));
      assert.deepEqual(ofK1.Aliases!.map((x) => x.AliasName), ['alias/k1-0', 'alias/k1-1', 'alias/k1-2', 'alias/k1-3', 'alias/k1-4']);
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const page = await c.send(new ListAliasesCommand({ Limit: 2, Marker: marker }));
        names.push(...page.Aliases!.map((x) => x.AliasName!));
        marker = page.NextMarker;
        assert.equal(page.Truncated, marker !== undefined);
      } while (marker);
      assert.equal(names.length, 6);
      const e = await awsError(() => c.send(new ListAliasesCommand({ KeyId: '11111111-2222-4333-8444-555555555555' })));
      assert.equal(e.name, 'NotFoundException');
    } finally {
      await fresh.close();
    }
  });
});

describe('tags', () => {
  let server: TestServer;
  let kms: KMSClient;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(() => server.close());

  it('CreateKey tags, TagResource adds and overwrites, UntagResource removes', async () => {
    const k = (await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'team', TagValue: 'core' }] }))).KeyMetadata!;
    await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'infra' }] }));
    let tags = (await kms.send(new ListResourceTagsCommand({ KeyId: k.Arn }))).Tags!;
    assert.deepEqual(tags, [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'infra' }]);
    await kms.send(new UntagResourceCommand({ KeyId: k.KeyId, TagKeys: ['team', 'absent'] }));
    tags = (await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags!;
    assert.deepEqual(tags, [{ TagKey: 'env', TagValue: 'prod' }]);
    const none = await kms.send(new ListResourceTagsCommand({ KeyId: (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId }));
    assert.deepEqual([none.Tags, none.Truncated], [[], false]);
  });

  it('tag limits and reserved prefixes answer TagException as AWS does', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    let e = await awsError(() => kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] })));
    assert.deepEqual([e.name, e.message], ['TagException', 'Duplicate tag keys']);
    for (const key of ['aws:x', 'AWS:x']) {
      e = await awsError(() => kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: key, TagValue: '1' }] })));
      assert.deepEqual([e.name, e.message], ['TagException', 'Tags beginning with aws: are reserved']);
      e = await awsError(() => kms.send(new CreateKeyCommand({ Tags: [{ TagKey: key, TagValue: '1' }] })));
      assert.deepEqual([e.name, e.message], ['TagException', 'Tags beginning with aws: are reserved']);
    }
    const many = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    e = await awsError(() => kms.send(new CreateKeyCommand({ Tags: many })));
    assert.deepEqual([e.name, e.message], ['TagException', 'Too many tags']);
    await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: many.slice(0, 50) }));
    e = await awsError(() => kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'one-more', TagValue: 'v' }] })));
    assert.deepEqual([e.name, e.message], ['TagException', 'Too many tags']);
    e = await awsError(() => kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'a'.repeat(129), TagValue: 'v' }] })));
    assert.deepEqual(
      [e.name, e.message],
      ['ValidationException', `1 validation error detected: Value '${'a'.repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`],
    );
  });

  it('ListResourceTags pages', async () => {
    const tags = Array.from({ length: 7 }, (_, i) => ({ TagKey: `t${i}`, TagValue: String(i) }));
    const k = (await kms.send(new CreateKeyCommand({ Tags: tags }))).KeyMetadata!;
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId, Limit: 3, Marker: marker }));
      seen.push(...page.Tags!.map((t) => t.TagKey!));
      marker = page.NextMarker;
      assert.equal(page.Truncated, marker !== undefined);
    } while (marker);
    assert.deepEqual(seen, tags.map((t) => t.TagKey));
  });

  it('a key pending deletion cannot be tagged', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId }));
    const e = await awsError(() => kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })));
    assert.equal(e.name, 'KMSInvalidStateException');
    await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }));
  });
});

describe('key policies', () => {
  let server: TestServer;
  let kms: KMSClient;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(() => server.close());

  it('CreateKey attaches the default key policy, as KMS formats it', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const r = await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }));
    assert.equal(r.PolicyName, 'default');
    assert.deepEqual(JSON.parse(r.Policy!), {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
    assert.match(r.Policy!, /^\{\n {2}"Version" : "2012-10-17",\n/);
    assert.deepEqual((await kms.send(new ListKeyPoliciesCommand({ KeyId: k.KeyId }))).PolicyNames, ['default']);
  });

  it('PutKeyPolicy stores the document as given; GetKeyPolicy returns it byte for byte', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    await kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: policy }));
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: k.Arn, PolicyName: 'default' }))).Policy, policy);
    const created = (await kms.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!;
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: created.KeyId }))).Policy, policy);
  });

  it('malformed policies are refused with MalformedPolicyDocumentException and nothing changes', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const before = (await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy;
    for (const bad of ['not json', '[]', '{}', '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*"}]}', '{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}']) {
      const e = await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: bad })));
      assert.equal(e.name, 'MalformedPolicyDocumentException', bad);
      const c = await awsError(() => kms.send(new CreateKeyCommand({ Policy: bad })));
      assert.equal(c.name, 'MalformedPolicyDocumentException', bad);
    }
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy, before);
  });

  it('a policy name other than "default" does not exist', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const e = await awsError(() => kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'other' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', 'No such policy exists']);
  });

  it('PutKeyPolicy works on a key pending deletion', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId }));
    const policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId }))).Policy!;
    await kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, Policy: policy }));
  });
});
