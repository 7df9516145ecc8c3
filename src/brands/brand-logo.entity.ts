import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// An uploaded logo, kept in PostgreSQL so that every replica serves it without shared storage.
@Entity('brand_logos')
export class BrandLogo {
  @PrimaryColumn('uuid') brandId: string;
  @Column('uuid') organizationId: string;
  @Column('text') contentType: string;
  @Column('bytea') data: Buffer;
  @Column('text') sha256: string;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
