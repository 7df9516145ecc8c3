import { Database } from '../db/database';
import type { RuleAction } from './rule-definition';

export interface DryRunChannel {
  destinationId: string;
  kind: string;
  name: string;
  contactId: string;
  customerId: string | null; // a customer's contact: hears of that customer only
}

export interface DryRunTarget {
  action: number;
  contactGroupId?: string;
  contacts?: 'customer';
  channels: DryRunChannel[];
}

const CHANNEL = `d.id AS "destinationId", d.kind, d.name, c.id AS "contactId", c.customer_id AS "customerId"`;

// What a dry-run's contact actions expand to now: a group's members' enabled channels; the customer contacts'
// channels of the customers the firings were grouped by (a customer, or a site's customer). Two queries in all.
export async function dryRunContactTargets(db: Database, organizationId: string, actions: RuleAction[], firingGroups: string[]): Promise<DryRunTarget[]> {
  const groupIds = actions.map((a) => a.contactGroupId).filter((g): g is string => !!g);
  const wantsCustomers = actions.some((a) => a.contacts === 'customer');
  if (!groupIds.length && !wantsCustomers) return [];
  const byGroup: (DryRunChannel & { groupId: string })[] = groupIds.length
    ? await db.rows(
        `SELECT m.group_id AS "groupId", ${CHANNEL}
         FROM contact_groups g JOIN contact_group_members m ON m.group_id = g.id
         JOIN contacts c ON c.id = m.contact_id AND c.enabled JOIN destinations d ON d.contact_id = c.id AND d.state = 'enabled'
         WHERE g.organization_id = $1 AND g.id = ANY($2::uuid[]) ORDER BY c.created_at, d.created_at`,
        [organizationId, groupIds],
      )
    : [];
  const groups = [...new Set(firingGroups)];
  const ofCustomers: DryRunChannel[] = wantsCustomers && groups.length
    ? await db.rows(
        `SELECT ${CHANNEL}
         FROM contacts c JOIN destinations d ON d.contact_id = c.id AND d.state = 'enabled'
         WHERE c.organization_id = $1 AND c.enabled
           AND (c.customer_id::text = ANY($2::text[]) OR c.customer_id IN (SELECT s.customer_id FROM sites s WHERE s.organization_id = $1 AND s.id::text = ANY($2::text[])))
         ORDER BY c.customer_id, c.created_at, d.created_at`,
        [organizationId, groups],
      )
    : [];
  return actions.flatMap((a, i): DryRunTarget[] => {
    if (a.contactGroupId) return [{ action: i, contactGroupId: a.contactGroupId, channels: byGroup.filter((c) => c.groupId === a.contactGroupId).map(({ groupId: _, ...c }) => c) }];
    if (a.contacts === 'customer') return [{ action: i, contacts: 'customer', channels: ofCustomers }];
    return [];
  });
}
