import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('boolean') isDefault: boolean;
  // Operator notices (a destination disabled or recovered) when no destination is flagged operatorNotices.
  @Column('text', { nullable: true }) adminEmail: string | null;
  // The operator contact group that hears the pipeline's notices, before the admin e-mail.
  @Column('uuid', { nullable: true }) noticeContactGroupId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
