// A minimal SigV4 signer for the load generator, signing every request as the
// AWS SDKs do (signing key cached per day/region/service, fresh date and
// payload hash per request).
import { createHash, createHmac } from 'node:crypto';

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export class Signer {
  constructor({ accessKeyId, secretAccessKey, region, service = 'kms' }) {
    Object.assign(this, { accessKeyId, secretAccessKey, region, service });
    this.keyDate = '';
    this.key = null;
  }

  signingKey(date) {
    if (date !== this.keyDate) {
      const kDate = hmac('AWS4' + this.secretAccessKey, date);
      this.key = hmac(hmac(hmac(kDate, this.region), this.service), 'aws4_request');
      this.keyDate = date;
    }
    return this.key;
  }

  /** Headers for an IAM/STS query-protocol POST / with a form `body`. */
  formHeaders(host, body) {
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const canonical = ['POST', '/', '', `content-type:application/x-www-form-urlencoded\nhost:${host}\nx-amz-date:${amzDate}\n`, 'content-type;host;x-amz-date', sha256(body)].join('\n');
    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const signature = createHmac('sha256', this.signingKey(date)).update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`).digest('hex');
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`,
    };
  }

  /** Headers for POST / with `body`, host `host` and target `target`. */
  headers(host, target, body) {
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const payloadHash = sha256(body);
    const canonical = [
      'POST',
      '/',
      '',
      `content-type:application/x-amz-json-1.1\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n`,
      'content-type;host;x-amz-date;x-amz-target',
      payloadHash,
    ].join('\n');
    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`;
    const signature = createHmac('sha256', this.signingKey(date)).update(toSign).digest('hex');
    return {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-date': amzDate,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/${scope}, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${signature}`,
    };
  }
}
