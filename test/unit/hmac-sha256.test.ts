import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256Key, constantTimeEqual } from '../../src/adapters/http/hmac-sha256.js';

const reference = (key: Buffer, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('hex');

describe('HmacSha256Key', () => {
  it('matches RFC 4231 test case 2', () => {
    const key = new HmacSha256Key(Buffer.from('Jefe'));
    assert.equal(key.hex('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('matches RFC 4231 test case 6 (a key longer than the block is hashed first)', () => {
    const key = new HmacSha256Key(Buffer.alloc(131, 0xaa));
    assert.equal(key.hex('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('matches node:crypto for keys of every length around the block and messages of every kind', () => {
    const messages = ['', 'a', 'AWS4-HMAC-SHA256\n20240524T120000Z\n20240524/eu-west-1/kms/aws4_request\n' + 'f'.repeat(64), 'ünïcødé ✓ 𝄞', 'x'.repeat(1023), 'y'.repeat(1024), 'z'.repeat(1025), '€'.repeat(400)];
    for (const length of [0, 1, 31, 32, 33, 63, 64, 65, 128]) {
      const raw = randomBytes(length);
      const key = new HmacSha256Key(raw);
      for (const m of messages) assert.equal(key.hex(m), reference(raw, m), `key of ${length} bytes, message of ${m.length} characters`);
    }
  });

  it('gives the same answer for a short message after a long one (the reused buffer holds no leftovers)', () => {
    const raw = randomBytes(32);
    const key = new HmacSha256Key(raw);
    key.hex('q'.repeat(900));
    assert.equal(key.hex('short'), reference(raw, 'short'));
  });
});

describe('constantTimeEqual', () => {
  it('is true only for equal strings', () => {
    assert.equal(constantTimeEqual('abc', 'abc'), true);
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual('abc', 'abd'), false);
    assert.equal(constantTimeEqual('abc', 'ab'), false);
    assert.equal(constantTimeEqual('a'.repeat(64), 'a'.repeat(63) + 'b'), false);
  });
});
