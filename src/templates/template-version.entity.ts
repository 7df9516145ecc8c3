import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelSource } from './channel-template-kinds';

// Immutable once saved (a trigger refuses content updates); only publishedAt/publishedBy move, on (re)publication.
@Entity('template_versions')
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') templateId: string;
  @Column('uuid') organizationId: string;
  @Column('int') version: number;
  @Column('text') subject: string;
  @Column('text') mjml: string;
  @Column('text') text: string;
  // A channel kind's title, body, link and severity (its subject, mjml and text are ''); null for e-mail kinds.
  @Column('jsonb', { nullable: true }) channel: ChannelSource | null;
  @Column('text', { nullable: true }) note: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('text') createdBy: string; // API key name (prefix)
  @Column('timestamptz', { nullable: true }) publishedAt: Date | null; // the last time it was published
  @Column('text', { nullable: true }) publishedBy: string | null;
}
