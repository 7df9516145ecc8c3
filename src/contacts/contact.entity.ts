import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ContactQuietHours } from './contact-check';

// A person with channels of their own (destinations whose contactId is theirs): operator staff (customerId null) or
// one of a customer's technical contacts, who then hears of that customer only.
@Entity('contacts')
export class ContactRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) customerId: string | null;
  @Column('text') name: string;
  @Column('text') timeZone: string; // IANA; their quiet hours are in it
  @Column('jsonb', { nullable: true }) quietHours: ContactQuietHours | null;
  @Column('boolean') enabled: boolean;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

// "on-call", "billing team", "customer 42's admins": members in contact_group_members.
@Entity('contact_groups')
export class ContactGroupRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
