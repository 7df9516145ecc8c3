import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LocalizedBrandTexts } from './resolved-brand';

@Entity('brands')
export class Brand {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('boolean') isDefault: boolean;
  @Column('int') version: number; // +1 on every change: part of the compile cache key of every template
  @Column('text', { nullable: true }) logoUrl: string | null;
  @Column('int') logoWidth: number;
  @Column('text') primaryColor: string;
  @Column('text') accentColor: string;
  @Column('text') senderName: string;
  @Column('text') senderEmail: string;
  @Column('text', { nullable: true }) replyTo: string | null;
  @Column('text') footerText: string;
  @Column('text') legalText: string;
  @Column('jsonb') localized: LocalizedBrandTexts; // footerText / legalText per locale; {} = none
  @Column('text') supportUrl: string; // '' = none
  @Column('text', { nullable: true }) supportEmail: string | null;
  @Column('text') portalUrl: string; // '' = none
  @Column('text') publicBaseUrl: string;
  @Column('int') customerPageTtlDays: number; // how long a customer-page link in a mail works
  @Column('text', { nullable: true }) dkimDomain: string | null;
  @Column('text', { nullable: true }) dkimSelector: string | null;
  @Column('text', { nullable: true }) dkimPrivateKey: string | null; // sealed by SecretBox
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
