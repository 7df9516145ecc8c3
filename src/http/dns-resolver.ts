import { Injectable } from '@nestjs/common';
import { lookup, LookupAddress } from 'node:dns';

// Name resolution for outbound HTTP, behind a class so that tests can make a name resolve to any address without
// touching the host's resolver (the SSRF guard judges what this returns, before connecting).
@Injectable()
export class DnsResolver {
  resolve(hostname: string, family: 0 | 4 | 6): Promise<LookupAddress[]> {
    return new Promise((resolve, reject) =>
      lookup(hostname, { all: true, family }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
  }
}
