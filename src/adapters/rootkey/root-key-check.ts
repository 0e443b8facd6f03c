/**
 * The root key check value: a known constant wrapped under the root key,
 * stored in the store at its first start. A node given a different root
 * key cannot unwrap it, and refuses to start, instead of running until the
 * first key it cannot decrypt. Works with any RootKeyProvider (the check
 * needs only wrap and unwrap, so the key never leaves the provider).
 *
 * A store written before check values existed has none: its root key is
 * proven by unwrapping a stored access key secret instead, then the check
 * value is recorded.
 */
import type { IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import type { SettingsStore } from '../../ports/stores.js';
import { secretAad } from '../identity/credentials.js';

export const ROOT_KEY_CHECK = 'root-key-check';
const CANARY = Buffer.from('Trent root key check value, version 1');
const AAD = Buffer.from('trent:root-key-check');

export class WrongRootKeyError extends Error {
  constructor() {
    super(
      'the root key given to this node is not the one this store was created with (its root key check value does not unwrap): ' +
        'give this node the store\'s root key (TRENT_ROOT_KEY, or its root.key in the data directory)',
    );
    this.name = 'WrongRootKeyError';
  }
}

async function unwraps(rootKey: RootKeyProvider, wrapped: Buffer, aad: Buffer, expected?: Buffer): Promise<boolean> {
  try {
    const plain = await rootKey.unwrap(wrapped, aad);
    return expected === undefined || plain.equals(expected);
  } catch {
    return false;
  }
}

/**
 * Proves `rootKey` is the store's, recording the check value when the store
 * has none yet. Throws WrongRootKeyError otherwise. Run it under the store's
 * start-up lock. Returns whether the check value was created now.
 */
export async function checkRootKey(settings: SettingsStore, identity: IdentityStore, rootKey: RootKeyProvider): Promise<'verified' | 'created'> {
  const stored = await settings.get(ROOT_KEY_CHECK);
  if (stored) {
    if (!(await unwraps(rootKey, stored, AAD, CANARY))) throw new WrongRootKeyError();
    return 'verified';
  }
  if (!(await provesExistingData(identity, rootKey))) throw new WrongRootKeyError();
  const recorded = await settings.putIfAbsent(ROOT_KEY_CHECK, await rootKey.wrap(CANARY, AAD));
  if (!(await unwraps(rootKey, recorded, AAD, CANARY))) throw new WrongRootKeyError();
  return 'created';
}

/** A store without a check value: true if it holds no secret, or if `rootKey` unwraps one of its access keys' secrets. */
async function provesExistingData(identity: IdentityStore, rootKey: RootKeyProvider): Promise<boolean> {
  for (const account of await identity.listAccounts()) {
    for (const key of await identity.listAccessKeys(account.accountId, { type: 'Root' })) {
      return unwraps(rootKey, key.wrappedSecret, secretAad(key.accessKeyId));
    }
  }
  return true;
}

/** Whether the store was started before (it has a check value or any account): a node joining it must bring its root key. */
export async function storeInitialised(settings: SettingsStore, identity: IdentityStore): Promise<boolean> {
  return (await settings.get(ROOT_KEY_CHECK)) !== undefined || (await identity.countAccounts()) > 0;
}
