import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { parseDate } from '../../../src/policy/dates.js';
import { cidrContains, parseAddress, parseCidr } from '../../../src/policy/ip.js';
import { compileGlob, globFromParts, matchGlob, splitGlob } from '../../../src/policy/wildcards.js';

describe('wildcard patterns', () => {
  const cases: Array<[string, string, boolean, boolean?]> = [
    ['*', '', true],
    ['*', 'anything', true],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc*', 'abcd', true],
    ['abc*', 'ab', false],
    ['*abc', 'xxabc', true],
    ['*abc', 'xxabcx', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'a-b-b-c', true],
    ['a*b*c', 'a-c-b', false],
    ['**a', 'xa', true],
    ['*?', '', false],
    ['*?', 'x', true],
    ['ABC*', 'abcdef', true, true],
    ['ABC*', 'abcdef', false, false],
    ['a*a*a*a*a*a*a*a*b', 'a'.repeat(5000), false],
  ];
  for (const [pattern, text, expected, ignoreCase] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(text.slice(0, 20))}${ignoreCase ? ' (ignore case)' : ''} -> ${expected}`, () => {
      assert.equal(matchGlob(compileGlob(pattern, ignoreCase ?? false), text), expected);
    });
  }

  it('literal parts keep * and ? literal', () => {
    const g = globFromParts([{ text: 'a*', literal: false }, { text: '*?', literal: true }]);
    assert.equal(matchGlob(g, 'aXYZ*?'), true);
    assert.equal(matchGlob(g, 'aXYZ*!'), false);
  });

  it('splitGlob splits on the first five colons only', () => {
    const parts = splitGlob(compileGlob('arn:aws:logs:*:1:log-group:x:*'), ':', 6);
    assert.deepEqual(parts?.map((p) => p.chars), ['arn', 'aws', 'logs', '*', '1', 'log-group:x:*']);
    assert.equal(splitGlob(compileGlob('arn:aws:s3'), ':', 6), null);
  });
});

describe('IP addresses and CIDR blocks', () => {
  const parseCases: Array<[string, boolean]> = [
    ['192.0.2.1', true],
    ['256.0.0.1', false],
    ['1.2.3', false],
    ['::', true],
    ['::1', true],
    ['2001:db8::', true],
    ['2001:db8::1:2:3:4:5:6:7', false],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7', false],
    ['::ffff:192.0.2.1', true],
    ['gggg::1', false],
  ];
  for (const [text, ok] of parseCases) {
    it(`parseAddress(${text}) ${ok ? 'parses' : 'fails'}`, () => assert.equal(parseAddress(text) !== null, ok));
  }

  it('prefix lengths are bounded per family', () => {
    assert.equal(parseCidr('10.0.0.0/32')?.prefix, 32);
    assert.equal(parseCidr('10.0.0.0/33'), null);
    assert.equal(parseCidr('::/128')?.prefix, 128);
    assert.equal(parseCidr('::/129'), null);
    assert.equal(parseCidr('10.0.0.0/x'), null);
  });

  it('containment', () => {
    assert.equal(cidrContains(parseCidr('10.0.0.0/8')!, parseAddress('10.255.255.255')!), true);
    assert.equal(cidrContains(parseCidr('10.0.0.0/8')!, parseAddress('11.0.0.0')!), false);
    assert.equal(cidrContains(parseCidr('2001:db8::/32')!, parseAddress('2001:db8:ffff::1')!), true);
    assert.equal(cidrContains(parseCidr('2001:db8::/32')!, parseAddress('2001:db9::1')!), false);
  });
});

describe('dates', () => {
  const cases: Array<[string | number, number | null]> = [
    ['2025-06-01T12:00:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T12:00:00', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01', Date.UTC(2025, 5, 1)],
    ['2025-06-01T12:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T12:00:00.250Z', Date.UTC(2025, 5, 1, 12, 0, 0, 250)],
    ['2025-06-01T12:00:00-05:30', Date.UTC(2025, 5, 1, 17, 30)],
    ['20250601T120000Z', Date.UTC(2025, 5, 1, 12)],
    ['1748779200', Date.UTC(2025, 5, 1, 12)],
    [1748779200, Date.UTC(2025, 5, 1, 12)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2025-02-29', null],
    ['2025-06-01T25:00:00Z', null],
    ['June 1 2025', null],
  ];
  for (const [input, expected] of cases) {
    it(`parseDate(${JSON.stringify(input)})`, () => assert.equal(parseDate(input), expected));
  }
});
