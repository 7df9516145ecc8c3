import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('boolean') isDefault: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
