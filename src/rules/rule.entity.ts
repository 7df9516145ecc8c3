import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { QuietHours, RuleAction, RuleScope, RuleTrigger, TriggerType } from './rule-definition';

@Entity('rules')
export class RuleRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') name: string;
  @Column('boolean') enabled: boolean;
  @Column('text') triggerType: TriggerType;
  @Column('jsonb') trigger: RuleTrigger;
  @Column('jsonb') scope: RuleScope;
  @Column('jsonb') actions: RuleAction[];
  @Column('int') cooldownSeconds: number;
  @Column('int') groupWindowSeconds: number;
  @Column('text') dedupeKey: string;
  @Column('jsonb', { nullable: true }) quietHours: QuietHours | null;
  @Column('text', { nullable: true }) preset: string | null;
  @Column('text', { nullable: true }) managed: string | null; // kept by the service for a setting (urgent-kinds), read-only
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
