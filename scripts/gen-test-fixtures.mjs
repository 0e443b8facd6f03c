#!/usr/bin/env node
// Writes test/fixtures/aws-reference/: the KMS API model, its official
// examples and the responses recorded against AWS, as data only (every
// documentation, description and comment string removed), so the tests that
// check Trent against them run from any clone.
//   node scripts/gen-test-fixtures.mjs [../shared/reference]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(root, process.argv[2] ?? '../shared/reference');
const target = join(root, 'test', 'fixtures', 'aws-reference');
const PROSE = new Set(['documentation', 'description', 'comments', 'documentationUrl']);

function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !PROSE.has(k)).map(([k, v]) => [k, strip(v)]));
  }
  return value;
}

mkdirSync(target, { recursive: true });
for (const name of ['kms-2014-11-01.service-2.json', 'kms-2014-11-01.examples-1.json', 'aws-recorded-responses.kms.json']) {
  const data = strip(JSON.parse(readFileSync(join(source, name), 'utf8')));
  writeFileSync(join(target, name), JSON.stringify(data) + '\n');
}
console.log(`wrote ${target}`);
