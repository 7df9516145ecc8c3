import { ApiProperty } from '@nestjs/swagger';
import type { CountersRow } from './customer-counters';

class MonthPair {
  @ApiProperty() thisMonth: number;
  @ApiProperty() lastMonth: number;
}

export class CountersView {
  @ApiProperty() customerId: string;
  @ApiProperty({ example: 'Europe/Berlin', description: "the customer's time zone, in which its months are counted" }) timeZone: string;
  @ApiProperty({ example: '2026-12', description: "the customer's current local month" }) month: string;
  @ApiProperty({ example: '2026-11' }) lastMonth: string;
  @ApiProperty({ description: 'distinct sites with a cleanup, quarantine, deletion, kill or block this month (= /v1/stats sitesCleanedThisMonth)' }) sitesCleanedThisMonth: number;
  @ApiProperty({ description: "threats of this month still open after their last event in it (= /v1/stats rows[].threats.outstanding for the month)" }) openThreats: number;
  @ApiProperty({ description: 'sites whose latest protection change (if any) leaves them protected' }) protectedSites: number;
  @ApiProperty({ type: MonthPair, description: 'detection events (= /v1/stats counts.detection for the month)' }) detections: MonthPair;
  @ApiProperty({ type: MonthPair, description: 'cleanup, quarantine, file_deleted, process_killed and process_blocked events (the sum of those /v1/stats counts)' }) cleanups: MonthPair;

  static of(customerId: string, r: Omit<CountersRow, 'stale'>): CountersView {
    return {
      customerId, timeZone: r.timeZone, month: r.month, lastMonth: r.lastMonth, sitesCleanedThisMonth: r.sitesCleanedThisMonth,
      openThreats: r.openThreats, protectedSites: r.protectedSites,
      detections: { thisMonth: r.detectionsThisMonth, lastMonth: r.detectionsLastMonth },
      cleanups: { thisMonth: r.cleanupsThisMonth, lastMonth: r.cleanupsLastMonth },
    };
  }
}
