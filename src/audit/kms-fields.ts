/**
 * What CloudTrail records for each KMS operation: the request members it
 * keeps, the response members it keeps (most operations: none, null), whether
 * it adds the affected key's ARN as responseElements.keyId (key management
 * operations since December 2022), and readOnly. Never listed: plaintexts,
 * ciphertext blobs, messages, MACs, signatures, public keys, key material,
 * import tokens, grant tokens, custom key store passwords and proxy
 * credentials. Sources: the "Examples of AWS KMS log entries" pages of the
 * KMS Developer Guide; operations without a published example follow their
 * closest documented sibling.
 */
import type { Spec } from './redact.js';

export interface OperationSpec {
  request: Spec;
  /** Response members kept; null: responseElements is null. */
  response: Spec | null;
  /** Adds responseElements.keyId = the affected key's ARN. */
  responseKeyArn?: boolean;
  readOnly: boolean;
}

const KEY: Spec = { KeyId: 'scalar' };
const PAGING: Spec = { Limit: 'scalar', Marker: 'scalar' };
const TAGS = { listOf: { TagKey: 'scalar', TagValue: 'scalar' } } as const;

export const KEY_METADATA: Spec = {
  AWSAccountId: 'scalar',
  KeyId: 'scalar',
  Arn: 'scalar',
  CreationDate: 'date',
  Enabled: 'scalar',
  Description: 'scalar',
  KeyUsage: 'scalar',
  KeyState: 'scalar',
  DeletionDate: 'date',
  ValidTo: 'date',
  Origin: 'scalar',
  CustomKeyStoreId: 'scalar',
  CloudHsmClusterId: 'scalar',
  ExpirationModel: 'scalar',
  KeyManager: 'scalar',
  CustomerMasterKeySpec: 'scalar',
  KeySpec: 'scalar',
  EncryptionAlgorithms: 'list',
  SigningAlgorithms: 'list',
  KeyAgreementAlgorithms: 'list',
  MultiRegion: 'scalar',
  MultiRegionConfiguration: {
    struct: {
      MultiRegionKeyType: 'scalar',
      PrimaryKey: { struct: { Arn: 'scalar', Region: 'scalar' } },
      ReplicaKeys: { listOf: { Arn: 'scalar', Region: 'scalar' } },
    },
  },
  PendingDeletionWindowInDays: 'scalar',
  MacAlgorithms: 'list',
  XksKeyConfiguration: { struct: { Id: 'scalar' } },
  CurrentKeyMaterialId: 'scalar',
};

const CRYPTO: Spec = { KeyId: 'scalar', EncryptionContext: 'map', DryRun: 'scalar' };

const op = (request: Spec, readOnly: boolean, response: Spec | null = null, responseKeyArn = false): OperationSpec => ({
  request,
  response,
  readOnly,
  ...(responseKeyArn ? { responseKeyArn } : {}),
});

export const KMS_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  // Cryptographic operations: responseElements null, keyMaterialId in additionalEventData.
  Encrypt: op({ ...CRYPTO, EncryptionAlgorithm: 'scalar' }, true),
  Decrypt: op({ ...CRYPTO, EncryptionAlgorithm: 'scalar' }, true),
  ReEncrypt: op(
    {
      SourceKeyId: 'scalar',
      DestinationKeyId: 'scalar',
      SourceEncryptionContext: 'map',
      DestinationEncryptionContext: 'map',
      SourceEncryptionAlgorithm: 'scalar',
      DestinationEncryptionAlgorithm: 'scalar',
      DryRun: 'scalar',
    },
    true,
  ),
  GenerateDataKey: op({ ...CRYPTO, KeySpec: 'scalar', NumberOfBytes: 'scalar' }, true),
  GenerateDataKeyWithoutPlaintext: op({ ...CRYPTO, KeySpec: 'scalar', NumberOfBytes: 'scalar' }, true),
  GenerateDataKeyPair: op({ ...CRYPTO, KeyPairSpec: 'scalar' }, true),
  GenerateDataKeyPairWithoutPlaintext: op({ ...CRYPTO, KeyPairSpec: 'scalar' }, true),
  GenerateRandom: op({ NumberOfBytes: 'scalar', CustomKeyStoreId: 'scalar' }, true),
  GenerateMac: op({ KeyId: 'scalar', MacAlgorithm: 'scalar', DryRun: 'scalar' }, true),
  VerifyMac: op({ KeyId: 'scalar', MacAlgorithm: 'scalar', DryRun: 'scalar' }, true),
  Sign: op({ KeyId: 'scalar', MessageType: 'scalar', SigningAlgorithm: 'scalar', DryRun: 'scalar' }, true),
  Verify: op({ KeyId: 'scalar', MessageType: 'scalar', SigningAlgorithm: 'scalar', DryRun: 'scalar' }, true),
  DeriveSharedSecret: op({ KeyId: 'scalar', KeyAgreementAlgorithm: 'scalar', DryRun: 'scalar' }, true),
  GetPublicKey: op(KEY, true),

  // Reads.
  DescribeKey: op(KEY, true),
  GetKeyPolicy: op({ KeyId: 'scalar', PolicyName: 'scalar' }, true),
  GetKeyRotationStatus: op(KEY, true),
  GetKeyLastUsage: op(KEY, true),
  GetParametersForImport: op({ KeyId: 'scalar', WrappingAlgorithm: 'scalar', WrappingKeySpec: 'scalar' }, true),
  ListAliases: op({ KeyId: 'scalar', ...PAGING }, true),
  ListGrants: op({ KeyId: 'scalar', GrantId: 'scalar', GranteePrincipal: 'scalar', ...PAGING }, true),
  ListKeyPolicies: op({ KeyId: 'scalar', ...PAGING }, true),
  ListKeyRotations: op({ KeyId: 'scalar', IncludeKeyMaterial: 'scalar', ...PAGING }, true),
  ListKeys: op(PAGING, true),
  ListResourceTags: op({ KeyId: 'scalar', ...PAGING }, true),
  ListRetirableGrants: op({ RetiringPrincipal: 'scalar', ...PAGING }, true),
  DescribeCustomKeyStores: op({ CustomKeyStoreId: 'scalar', CustomKeyStoreName: 'scalar', ...PAGING }, true),

  // Key management.
  CreateKey: op(
    {
      Policy: 'scalar',
      Description: 'scalar',
      KeyUsage: 'scalar',
      CustomerMasterKeySpec: 'scalar',
      KeySpec: 'scalar',
      Origin: 'scalar',
      CustomKeyStoreId: 'scalar',
      BypassPolicyLockoutSafetyCheck: 'scalar',
      Tags: TAGS,
      MultiRegion: 'scalar',
      XksKeyId: 'scalar',
    },
    false,
    { KeyMetadata: { struct: KEY_METADATA } },
  ),
  ReplicateKey: op(
    { KeyId: 'scalar', ReplicaRegion: 'scalar', Policy: 'scalar', BypassPolicyLockoutSafetyCheck: 'scalar', Description: 'scalar', Tags: TAGS },
    false,
    { ReplicaKeyMetadata: { struct: KEY_METADATA } },
  ),
  EnableKey: op(KEY, false, {}, true),
  DisableKey: op(KEY, false, {}, true),
  EnableKeyRotation: op({ KeyId: 'scalar', RotationPeriodInDays: 'scalar' }, false, {}, true),
  DisableKeyRotation: op(KEY, false, {}, true),
  RotateKeyOnDemand: op(KEY, false, { KeyId: 'scalar' }),
  ScheduleKeyDeletion: op({ KeyId: 'scalar', PendingWindowInDays: 'scalar' }, false, {
    KeyId: 'scalar',
    KeyState: 'scalar',
    DeletionDate: 'date',
  }),
  CancelKeyDeletion: op(KEY, false, { KeyId: 'scalar' }),
  UpdateKeyDescription: op({ KeyId: 'scalar', Description: 'scalar' }, false, {}, true),
  UpdatePrimaryRegion: op({ KeyId: 'scalar', PrimaryRegion: 'scalar' }, false, {}, true),
  PutKeyPolicy: op({ KeyId: 'scalar', PolicyName: 'scalar', Policy: 'scalar', BypassPolicyLockoutSafetyCheck: 'scalar' }, false),
  TagResource: op({ KeyId: 'scalar', Tags: TAGS }, false, {}, true),
  UntagResource: op({ KeyId: 'scalar', TagKeys: 'list' }, false, {}, true),
  ImportKeyMaterial: op(
    {
      KeyId: 'scalar',
      ValidTo: 'date',
      ExpirationModel: 'scalar',
      ImportType: 'scalar',
      KeyMaterialDescription: 'scalar',
      KeyMaterialId: 'scalar',
    },
    false,
    { KeyMaterialId: 'scalar' },
    true,
  ),
  DeleteImportedKeyMaterial: op({ KeyId: 'scalar', KeyMaterialId: 'scalar' }, false, { KeyMaterialId: 'scalar' }, true),

  // Aliases.
  CreateAlias: op({ AliasName: 'scalar', TargetKeyId: 'scalar' }, false),
  UpdateAlias: op({ AliasName: 'scalar', TargetKeyId: 'scalar' }, false),
  DeleteAlias: op({ AliasName: 'scalar' }, false),

  // Grants: the grant token, a bearer credential, is never recorded.
  CreateGrant: op(
    {
      KeyId: 'scalar',
      GranteePrincipal: 'scalar',
      RetiringPrincipal: 'scalar',
      GranteeServicePrincipal: 'scalar',
      RetiringServicePrincipal: 'scalar',
      Operations: 'list',
      Constraints: { struct: { EncryptionContextSubset: 'map', EncryptionContextEquals: 'map' } },
      Name: 'scalar',
      DryRun: 'scalar',
    },
    false,
    { GrantId: 'scalar' },
    true,
  ),
  RetireGrant: op({ KeyId: 'scalar', GrantId: 'scalar', DryRun: 'scalar' }, false, {}, true),
  RevokeGrant: op({ KeyId: 'scalar', GrantId: 'scalar', DryRun: 'scalar' }, false, {}, true),

  // Custom key stores: passwords and proxy credentials are never recorded.
  CreateCustomKeyStore: op(
    {
      CustomKeyStoreName: 'scalar',
      CloudHsmClusterId: 'scalar',
      CustomKeyStoreType: 'scalar',
      XksProxyUriEndpoint: 'scalar',
      XksProxyUriPath: 'scalar',
      XksProxyVpcEndpointServiceName: 'scalar',
      XksProxyVpcEndpointServiceOwner: 'scalar',
      XksProxyConnectivity: 'scalar',
    },
    false,
    { CustomKeyStoreId: 'scalar' },
  ),
  UpdateCustomKeyStore: op(
    {
      CustomKeyStoreId: 'scalar',
      NewCustomKeyStoreName: 'scalar',
      CloudHsmClusterId: 'scalar',
      XksProxyUriEndpoint: 'scalar',
      XksProxyUriPath: 'scalar',
      XksProxyVpcEndpointServiceName: 'scalar',
      XksProxyVpcEndpointServiceOwner: 'scalar',
      XksProxyConnectivity: 'scalar',
    },
    false,
  ),
  ConnectCustomKeyStore: op({ CustomKeyStoreId: 'scalar' }, false),
  DisconnectCustomKeyStore: op({ CustomKeyStoreId: 'scalar' }, false),
  DeleteCustomKeyStore: op({ CustomKeyStoreId: 'scalar' }, false),
};

/**
 * Operations GetKeyLastUsage counts as use of a key
 * (KeyLastUsageTrackingOperation in the KMS API model).
 */
export const KEY_USAGE_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt',
  'DeriveSharedSecret',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'ReEncrypt',
  'Sign',
  'Verify',
  'VerifyMac',
]);
