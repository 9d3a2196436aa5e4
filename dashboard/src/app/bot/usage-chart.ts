import type { AiUsageReport } from '@switchboard/contracts';

type UsageRow = AiUsageReport['days'][number];

/** The share of the soft limit: at 80 % of the budget the owner is told once a month. */
export const softLimitShare = 0.8;

/** This month's tokens against the budget, as shares of the bar (0…1, clamped). */
export interface BudgetMeter {
  used: number;
  reserved: number;
  budget: number;
  /** Used tokens as a share of the budget; 0 without a budget. */
  usedShare: number;
  /** Reserved (in-flight) tokens as a share of the budget, drawn after the used part. */
  reservedShare: number;
  softLimit: number;
  state: 'ok' | 'soft' | 'exhausted';
}

function clampShare(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** The month's meter; a budget of 0 means nothing may be spent, so any use is exhausted. */
export function budgetMeter(month: AiUsageReport['month']): BudgetMeter {
  const { used, reserved, budget } = month;
  const usedShare = budget > 0 ? clampShare(used / budget) : 0;
  const reservedShare = budget > 0 ? clampShare((used + reserved) / budget) - usedShare : 0;
  const softLimit = Math.floor(budget * softLimitShare);
  const state = budget === 0 || used >= budget ? 'exhausted' : used >= softLimit ? 'soft' : 'ok';
  return { used, reserved, budget, usedShare, reservedShare, softLimit, state };
}

/** One model's part of a day's bar, in chart units from the bottom. */
export interface BarSegment {
  model: string;
  tokens: number;
  /** Where the segment starts and how tall it is, as shares of the tallest day (0…1). */
  offset: number;
  height: number;
}

export interface DayBar {
  day: string;
  tokens: number;
  segments: BarSegment[];
}

export interface DailyChart {
  /** Every model in the period, most tokens first: the stacking order and the legend. */
  models: string[];
  bars: DayBar[];
  /** The tallest day's tokens: the top of the axis. */
  maxTokens: number;
}

/** `YYYY-MM-DD` of the day `offset` days after `day` (UTC, as the hub reports days). */
function addDays(day: string, offset: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/**
 * Tokens (in + out) per day, stacked by model, for the `days` days ending on `today`. Days
 * without calls are bars of height 0, so the axis is continuous; rows outside the window are
 * ignored. Heights are shares of the tallest day.
 */
export function dailyChart(rows: readonly UsageRow[], today: string, days: number): DailyChart {
  const first = addDays(today, 1 - days);
  const perModel = new Map<string, number>();
  const perDay = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (row.day < first || row.day > today) continue;
    const tokens = row.tokensIn + row.tokensOut;
    perModel.set(row.model, (perModel.get(row.model) ?? 0) + tokens);
    const day = perDay.get(row.day) ?? new Map<string, number>();
    day.set(row.model, (day.get(row.model) ?? 0) + tokens);
    perDay.set(row.day, day);
  }
  const models = [...perModel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([model]) => model);
  const totals = [...perDay.values()].map((day) => [...day.values()].reduce((sum, tokens) => sum + tokens, 0));
  const maxTokens = Math.max(0, ...totals);
  const bars: DayBar[] = [];
  for (let index = 0; index < days; index += 1) {
    const day = addDays(first, index);
    const byModel = perDay.get(day);
    let offset = 0;
    const segments: BarSegment[] = [];
    for (const model of models) {
      const tokens = byModel?.get(model) ?? 0;
      if (tokens === 0) continue;
      const height = maxTokens > 0 ? tokens / maxTokens : 0;
      segments.push({ model, tokens, offset, height });
      offset += height;
    }
    bars.push({ day, tokens: segments.reduce((sum, segment) => sum + segment.tokens, 0), segments });
  }
  return { models, bars, maxTokens };
}

/** One model's totals over the period. */
export interface ModelTotals {
  model: string;
  calls: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /**
   * The median latency over the period, estimated as the call-weighted median of the daily
   * medians (the hub reports only those); 0 with no calls.
   */
  p50LatencyMs: number;
}

/** Totals per model, most expensive first. */
export function modelTotals(rows: readonly UsageRow[]): ModelTotals[] {
  const byModel = new Map<string, UsageRow[]>();
  for (const row of rows) byModel.set(row.model, [...(byModel.get(row.model) ?? []), row]);
  return [...byModel.entries()]
    .map(([model, list]) => ({
      model,
      calls: list.reduce((sum, row) => sum + row.calls, 0),
      failed: list.reduce((sum, row) => sum + row.failed, 0),
      tokensIn: list.reduce((sum, row) => sum + row.tokensIn, 0),
      tokensOut: list.reduce((sum, row) => sum + row.tokensOut, 0),
      costUsd: list.reduce((sum, row) => sum + row.costUsd, 0),
      p50LatencyMs: weightedMedian(list.map((row) => ({ value: row.p50LatencyMs, weight: row.calls }))),
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls || a.model.localeCompare(b.model));
}

/** The value at which half the total weight lies at or below; 0 for no weight. */
export function weightedMedian(points: readonly { value: number; weight: number }[]): number {
  const sorted = points.filter((point) => point.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, point) => sum + point.weight, 0);
  let seen = 0;
  for (const point of sorted) {
    seen += point.weight;
    if (seen * 2 >= total) return point.value;
  }
  return 0;
}
