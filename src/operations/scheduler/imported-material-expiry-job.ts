/** Expiry of imported key material as a lifecycle job (see import/expire-imported-material.ts). */
import { sweepExpiredImportedMaterial } from '../import/expire-imported-material.js';
import type { SchedulerJob } from './job.js';

export const importedMaterialExpiryJob: SchedulerJob = {
  name: 'imported-material-expiry',
  action: 'materials_expired',
  run: ({ deps }) => sweepExpiredImportedMaterial(deps),
};
