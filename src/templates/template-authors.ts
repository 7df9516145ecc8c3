import { Injectable } from '@nestjs/common';
import type { Principal } from '../api-keys/api-keys.service';
import { Database } from '../db/database';

// Who saved or published a version, as a person can tell keys apart in the key list: "ci-deploy (hd_1a2b3c4d)".
// Kept as text so that the record survives the key being revoked or renamed.
@Injectable()
export class TemplateAuthors {
  constructor(private readonly db: Database) {}

  async of(caller: Principal): Promise<string> {
    const [row]: { name: string; prefix: string }[] = await this.db.dataSource.query(
      `SELECT name, prefix FROM api_keys WHERE id = $1 AND organization_id = $2`,
      [caller.keyId, caller.organizationId],
    );
    return row ? `${row.name} (${row.prefix})` : `key ${caller.keyId}`;
  }
}
