/**
 * Child process for the crash test (test/integration/audit-files.test.ts):
 * records events from many concurrent writers into the trail given as
 * argv[2] and prints "ack <eventID>" for each record once it has resolved,
 * until the parent kills it with SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { FileAuditSink } from '../../../src/adapters/audit/file-sink.js';
import { LocalRootKey } from '../../../src/adapters/rootkey/local-root-key.js';
import { buildAuditEvent } from '../../../src/audit/build.js';
import { KEY_ARN, alice } from './helpers.js';

const [trailDir, rootKeyB64] = process.argv.slice(2);
const sink = await FileAuditSink.open({ trailDir, rootKey: new LocalRootKey(Buffer.from(rootKeyB64, 'base64'), 'test') });
let out = '';
const flush = () => {
  if (out) {
    process.stdout.write(out);
    out = '';
  }
};
setInterval(flush, 5).unref();

async function writer(w: number): Promise<void> {
  for (let i = 0; ; i++) {
    const eventId = randomUUID();
    await sink.record(
      buildAuditEvent({
        service: 'kms',
        operation: 'Encrypt',
        caller: alice,
        region: 'us-west-2',
        sourceIp: '192.0.2.1',
        userAgent: 'crash-child',
        requestId: `w${w}-${i}`,
        time: Date.now(),
        input: { KeyId: KEY_ARN, Plaintext: 'c2VjcmV0', EncryptionContext: { writer: String(w), padding: 'x'.repeat(i % 300) } },
        output: {},
        keyArns: [KEY_ARN],
        eventId,
      }),
    );
    out += `ack ${eventId}\n`;
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));
