// The ceiling: a bare Node.js HTTP server that reads and parses the same JSON
// body Trent would and answers a fixed JSON response. Prints its URL.
import http from 'node:http';

const response = JSON.stringify({ CiphertextBlob: 'AQ'.repeat(40), KeyId: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fixed', 'content-length': Buffer.byteLength(response) });
    res.end(response);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
