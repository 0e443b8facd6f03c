/**
 * API coverage: every operation in the KMS API model is either implemented or
 * answers UnsupportedOperationException, and README's feature table says which.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { OPERATION_NAMES } from '../../src/domain/validation/validate.js';
import { KMS_HANDLERS } from '../../src/operations/registry.js';
import { startTestServer, type TestServer } from '../helpers/trent.js';
import { signedRequest } from '../helpers/raw-request.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

/** Rows of README's KMS operation table: `| OperationName | ✅ ... |` or `| OperationName | ❌ ... |`. */
function readmeTable(): Map<string, boolean> {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('<!-- kms-operations:start -->');
  const end = text.indexOf('<!-- kms-operations:end -->');
  assert.ok(start >= 0 && end > start, 'README lacks the kms-operations table markers');
  const rows = new Map<string, boolean>();
  for (const line of text.slice(start, end).split('\n')) {
    const m = /^\|\s*`?([A-Za-z]+)`?\s*\|\s*(✅|❌)/.exec(line);
    if (m) rows.set(m[1], m[2] === '✅');
  }
  return rows;
}

describe('API coverage', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('lists the implemented operations', () => {
    const implemented = OPERATION_NAMES.filter((op) => KMS_HANDLERS[op]);
    const missing = OPERATION_NAMES.filter((op) => !KMS_HANDLERS[op]);
    console.log(`implemented ${implemented.length}/${OPERATION_NAMES.length}: ${implemented.join(', ')}`);
    console.log(`not yet: ${missing.join(', ')}`);
    for (const op of Object.keys(KMS_HANDLERS)) assert.ok(OPERATION_NAMES.includes(op), `${op} is not in the API model`);
  });

  it("README's feature table matches the implementation, operation by operation", () => {
    const table = readmeTable();
    assert.deepEqual([...table.keys()].sort(), [...OPERATION_NAMES].sort());
    for (const op of OPERATION_NAMES) assert.equal(table.get(op), Boolean(KMS_HANDLERS[op]), `README row for ${op}`);
  });

  it('every unimplemented operation answers UnsupportedOperationException; implemented ones never do', async () => {
    for (const op of OPERATION_NAMES) {
      const res = await signedRequest(server.url, op, {});
      const body = JSON.parse(res.body);
      if (KMS_HANDLERS[op]) assert.notEqual(body.__type, 'UnsupportedOperationException', op);
      else assert.deepEqual([res.status, body.__type], [400, 'UnsupportedOperationException'], op);
    }
  });
});
