/**
 * The jobs the lifecycle scheduler runs, in order, at start-up and on every
 * tick. Adding a job is one line here (jobs that need an adapter, such as
 * pruning the change feed, are added where the server is composed).
 */
import type { SchedulerJob } from './job.js';
import { keyDeletionJob } from './key-deletion-job.js';
import { keyRotationJob } from './key-rotation-job.js';
import { importedMaterialExpiryJob } from './imported-material-expiry-job.js';
import { sessionCleanupJob } from './session-cleanup-job.js';
import { peerPushJob } from './peer-push-job.js';

export const LIFECYCLE_JOBS: readonly SchedulerJob[] = [sessionCleanupJob, importedMaterialExpiryJob, keyDeletionJob, keyRotationJob, peerPushJob];
