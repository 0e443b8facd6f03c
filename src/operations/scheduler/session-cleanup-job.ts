/**
 * Removes STS sessions that expired more than a day ago (kept that long so
 * their users hear ExpiredToken rather than an unknown key). Housekeeping,
 * not an audit event: removing dead credentials changes nothing a caller
 * could use.
 */
import type { SchedulerJob } from './job.js';

const SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

export const sessionCleanupJob: SchedulerJob = {
  name: 'session-cleanup',
  action: 'sessions_removed',
  run: ({ deps }) => deps.identity.deleteExpiredSessions(deps.clock.now() - SESSION_RETENTION_MS),
};
