import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TemplateKind } from './template-kinds';

// A brand's override of one kind. Until it exists the brand sends the shipped default.
@Entity('templates')
export class Template {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') brandId: string;
  @Column('text') kind: TemplateKind;
  @Column('int') publishedVersion: number;
  @Column('int') latestVersion: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
