import type { AiUsageReport } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { budgetMeter, dailyChart, modelTotals, weightedMedian } from '../src/app/bot/usage-chart.ts';

type Row = AiUsageReport['days'][number];

function row(day: string, model: string, tokensIn: number, tokensOut: number, extra: Partial<Row> = {}): Row {
  return { day, model, calls: 1, failed: 0, tokensIn, tokensOut, costUsd: 0, p50LatencyMs: 100, ...extra };
}

describe('the budget meter', () => {
  it('shows used and reserved tokens as shares of the budget, with the soft limit at 80 %', () => {
    const meter = budgetMeter({ month: '2026-12', used: 500, reserved: 100, budget: 1000, softLimitNotified: false });
    expect(meter.usedShare).toBe(0.5);
    expect(meter.reservedShare).toBeCloseTo(0.1);
    expect(meter.softLimit).toBe(800);
    expect(meter.state).toBe('ok');
  });

  it('is past the soft limit from 80 % and exhausted at the budget, never drawing past the end', () => {
    expect(budgetMeter({ month: 'm', used: 800, reserved: 0, budget: 1000, softLimitNotified: true }).state).toBe('soft');
    const over = budgetMeter({ month: 'm', used: 1200, reserved: 50, budget: 1000, softLimitNotified: true });
    expect(over.state).toBe('exhausted');
    expect(over.usedShare).toBe(1);
    expect(over.reservedShare).toBe(0);
  });

  it('treats a budget of 0 as exhausted without dividing by it', () => {
    const meter = budgetMeter({ month: 'm', used: 0, reserved: 0, budget: 0, softLimitNotified: false });
    expect(meter).toMatchObject({ usedShare: 0, reservedShare: 0, state: 'exhausted' });
  });
});

describe('the daily chart', () => {
  const rows = [
    row('2026-12-01', 'gpt-4o-mini', 300, 100),
    row('2026-12-01', 'offline', 50, 50),
    row('2026-12-02', 'gpt-4o-mini', 150, 50),
    row('2026-11-20', 'gpt-4o-mini', 9999, 9999),
  ];

  it('has one bar per day of the window, empty days included, and ignores rows outside it', () => {
    const chart = dailyChart(rows, '2026-12-02', 3);
    expect(chart.bars.map((bar) => bar.day)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(chart.bars.map((bar) => bar.tokens)).toEqual([0, 500, 200]);
    expect(chart.maxTokens).toBe(500);
  });

  it('stacks models in one order, biggest first, with heights as shares of the tallest day', () => {
    const chart = dailyChart(rows, '2026-12-02', 3);
    expect(chart.models).toEqual(['gpt-4o-mini', 'offline']);
    expect(chart.bars[1]?.segments).toEqual([
      { model: 'gpt-4o-mini', tokens: 400, offset: 0, height: 0.8 },
      { model: 'offline', tokens: 100, offset: 0.8, height: 0.2 },
    ]);
    expect(chart.bars[2]?.segments).toEqual([{ model: 'gpt-4o-mini', tokens: 200, offset: 0, height: 0.4 }]);
  });

  it('crosses month ends in UTC', () => {
    expect(dailyChart([], '2026-03-01', 2).bars.map((bar) => bar.day)).toEqual(['2026-02-28', '2026-03-01']);
  });
});

describe('the totals per model', () => {
  it('adds calls, failures, tokens and cost per model and orders by cost', () => {
    const totals = modelTotals([
      row('2026-12-01', 'cheap', 10, 5, { calls: 3, failed: 1, costUsd: 0.01 }),
      row('2026-12-02', 'cheap', 20, 5, { calls: 2, costUsd: 0.02 }),
      row('2026-12-01', 'dear', 1, 1, { calls: 1, costUsd: 1 }),
    ]);
    expect(totals.map((total) => total.model)).toEqual(['dear', 'cheap']);
    expect(totals[1]).toMatchObject({ calls: 5, failed: 1, tokensIn: 30, tokensOut: 10 });
    expect(totals[1]?.costUsd).toBeCloseTo(0.03);
  });

  it('estimates the median latency weighted by each day’s calls', () => {
    expect(weightedMedian([{ value: 900, weight: 1 }, { value: 100, weight: 10 }])).toBe(100);
    expect(weightedMedian([{ value: 900, weight: 10 }, { value: 100, weight: 1 }])).toBe(900);
    expect(weightedMedian([{ value: 5, weight: 0 }])).toBe(0);
  });
});
