// The ceiling: a bare Node.js HTTP server that reads and parses the same JSON
// body Trent would and answers a fixed JSON response. Prints its URL.
//   node bare-server.mjs [PROCESSES]   (default 1; more share one port via node:cluster, as trent --workers does)
import cluster from 'node:cluster';
import http from 'node:http';

const processes = Number(process.argv[2] ?? 1);

function serve() {
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
  server.listen(0, '127.0.0.1', () => {
    if (cluster.isWorker) process.send({ port: server.address().port });
    else console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (processes <= 1 || cluster.isWorker) {
  serve();
} else {
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().on('message', (m) => {
      if (++listening === processes) console.log(`listening on http://127.0.0.1:${m.port}`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers)) w.kill('SIGTERM');
    process.exit(0);
  });
}
