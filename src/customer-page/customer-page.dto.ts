import { ApiProperty } from '@nestjs/swagger';

export class PageLinkView {
  @ApiProperty({ description: 'Link to the customer page (no login; the token is the credential)' }) url: string;
  @ApiProperty({ description: "When it stops working (the brand's customerPageTtlDays)" }) expiresAt: Date;
}

export class RevokedView {
  @ApiProperty() customerId: string;
  @ApiProperty({ description: 'Every page link made before this time no longer works' }) revokedBefore: Date;
}
