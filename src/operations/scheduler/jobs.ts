/**
 * The jobs the lifecycle scheduler runs, in order, at start-up and on every
 * tick. Adding a job is one line here.
 *
 * Expiry of imported key material (ValidTo passed: delete the material,
 * record DELETE_EXPIRED_KEY_MATERIAL, key to PendingImport) belongs in this
 * list as its own SchedulerJob.
 */
import type { SchedulerJob } from './job.js';
import { keyDeletionJob } from './key-deletion-job.js';
import { keyRotationJob } from './key-rotation-job.js';
import { sessionCleanupJob } from './session-cleanup-job.js';

export const LIFECYCLE_JOBS: readonly SchedulerJob[] = [sessionCleanupJob, keyDeletionJob, keyRotationJob];
