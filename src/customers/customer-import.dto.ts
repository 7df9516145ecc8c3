import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CSV_COLUMNS, MAX_ROWS } from './customer-csv';
import type { ImportMode } from './customer-import.service';

export const IMPORT_MODES = ['atomic', 'per-row'] as const;

export const IMPORT_DESCRIPTION =
  `CSV with a header line naming any of the columns ${CSV_COLUMNS.join(',')} (external_ref and name required; emails, domains ` +
  `and vendor_site_ids separated by ";"). One line per site; several lines with the same external_ref add several sites. ` +
  `Idempotent on external_ref, sites being found again by their first domain (else server and account_user). ` +
  `At most ${MAX_ROWS.toLocaleString('en')} rows. A column in the header sets the value (blank = default); a column left out keeps it. ` +
  `A cell that starts with a single quote followed by = + - @ tab, carriage return or another quote loses that quote (the export ` +
  `adds it so that spreadsheets do not run cells as formulas). A cell with a NUL character rejects its row.`;

export class ImportQuery {
  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'atomic', description: 'atomic: any rejected row and nothing is written (422); per-row: valid rows are written' })
  @IsOptional() @IsIn(IMPORT_MODES, { message: `mode must be one of ${IMPORT_MODES.join(', ')}` })
  mode?: ImportMode;
}

export class ImportRejectionView {
  @ApiProperty({ description: 'line of the file where the row starts; the header is line 1' }) line: number;
  @ApiProperty({ type: String, nullable: true, description: 'the column at fault; null when the row as a whole is' }) field: string | null;
  @ApiProperty() reason: string;
}

export class ImportReportView {
  @ApiProperty({ enum: IMPORT_MODES }) mode: ImportMode;
  @ApiProperty({ description: 'customers created' }) created: number;
  @ApiProperty({ description: 'customers updated' }) updated: number;
  @ApiProperty({ description: 'customers in the file already as it says' }) unchanged: number;
  @ApiProperty() sitesCreated: number;
  @ApiProperty() sitesUpdated: number;
  @ApiProperty() sitesUnchanged: number;
  @ApiProperty({ type: [ImportRejectionView] }) rejected: ImportRejectionView[];
}
