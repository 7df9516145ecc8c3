import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// The message types a destination can subscribe to now (destination notices come with their cause). rule.fired: what
// rules send to a webhook that is one of their actions.
// notification.test needs no subscription.
export const SUBSCRIBABLE_TYPES = ['security_event.created', 'digest.sent', 'portal.counters', 'rule.fired'] as const;

export const DESTINATION_STATES = ['enabled', 'disabled'] as const;
export type DestinationState = (typeof DESTINATION_STATES)[number];

// A configured target: where (config, per kind), with what credentials (secrets: sealed by the secret box or env:NAME
// references, never shown), for whom (a customer's own endpoint, or organization-wide), and how it is doing.
@Entity('destinations')
export class DestinationRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) customerId: string | null;
  @Column('uuid', { nullable: true }) contactId: string | null; // a contact's own channel: it gets only what targets it
  @Column('text') kind: string; // a kind of destination-kinds.ts
  @Column('text') name: string;
  @Column('jsonb') config: Record<string, unknown>;
  @Column('jsonb') secrets: Record<string, string>;
  @Column('jsonb', { nullable: true }) previousSecrets: Record<string, string> | null;
  @Column('timestamptz', { nullable: true }) secretsOverlapUntil: Date | null;
  @Column('text', { array: true }) eventTypes: string[];
  @Column('text') state: DestinationState;
  @Column('text', { nullable: true }) disabledReason: string | null;
  @Column('timestamptz', { nullable: true }) disabledAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastSuccessAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastFailureAt: Date | null;
  @Column('text', { nullable: true }) lastFailure: string | null;
  @Column('int') consecutiveFailures: number;
  @Column('timestamptz', { nullable: true }) failingSince: Date | null; // the first failure since the last success
  @Column('boolean') operatorNotices: boolean; // gets destination.disabled / destination.recovered of its organization
  @Column('int', { nullable: true }) rateLimitPerMinute: number | null; // null: unlimited
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
