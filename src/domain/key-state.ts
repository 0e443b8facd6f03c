/**
 * The key state x operation gate, as the AWS KMS developer guide's
 * "Key states of AWS KMS keys" table defines it. Pure.
 */
import { KmsError, err } from './errors.js';
import type { KeyState } from './key-model.js';

/** How an operation is affected by key state. */
export type StateClass =
  /** Cryptographic use: only Enabled keys. */
  | 'use'
  /** Read-only metadata: any state. */
  | 'read'
  /** Changes to an existing key's metadata: refused while pending deletion or import is irrelevant. */
  | 'manage'
  /** Changes allowed even while pending deletion (key policy, cancel, delete alias). */
  | 'manageAlways';

function stateMessage(arn: string, state: KeyState): KmsError {
  switch (state) {
    case 'Disabled':
      return err.disabled(arn);
    case 'PendingDeletion':
      return err.invalidState(`${arn} is pending deletion.`);
    case 'PendingReplicaDeletion':
      return err.invalidState(`${arn} is pending replica deletion.`);
    case 'PendingImport':
      return err.invalidState(`${arn} is pending import.`);
    case 'Unavailable':
      return err.invalidState(`${arn} is unavailable.`);
    default:
      return err.invalidState(`${arn} is ${state}.`);
  }
}

/** Throws the error AWS answers when `state` does not allow an operation of class `cls`. */
export function assertStateAllows(cls: StateClass, state: KeyState, arn: string): void {
  switch (cls) {
    case 'read':
    case 'manageAlways':
      return;
    case 'use':
      if (state !== 'Enabled') throw stateMessage(arn, state);
      return;
    case 'manage':
      if (state === 'PendingDeletion' || state === 'PendingReplicaDeletion') throw stateMessage(arn, state);
      return;
  }
}
