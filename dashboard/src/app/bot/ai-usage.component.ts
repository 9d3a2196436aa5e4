import { DecimalPipe } from '@angular/common';
import { Component, computed, inject, resource, signal } from '@angular/core';
import { BotApi } from './bot.api';
import { budgetMeter, dailyChart, modelTotals, softLimitShare } from './usage-chart';

/** Colours of the models in the chart, in legend order; distinguishable for common colour blindness. */
const modelColours = ['#3451d1', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7a7a7a'];
const periods = [7, 30, 90] as const;

/** Chart geometry, in SVG user units. */
const chart = { width: 720, height: 220, top: 12, bottom: 24, left: 56, right: 8 } as const;

/**
 * AI usage: this month's tokens against the budget (the soft limit marked at 80 %), tokens per
 * day stacked by model, and each model's calls, failures, tokens, cost and median latency.
 */
@Component({
  selector: 'sb-ai-usage',
  imports: [DecimalPipe],
  template: `
    <section class="sb-card usage" aria-labelledby="usage-heading" data-testid="ai-usage">
      <div class="heading">
        <h2 id="usage-heading">AI usage</h2>
        <label class="period">
          <span>Period</span>
          <select class="sb-input" (change)="pickDays($event)" data-testid="usage-period">
            @for (option of periods; track option) {
              <option [value]="option" [selected]="option === days()">Last {{ option }} days</option>
            }
          </select>
        </label>
      </div>
      @if (report.isLoading() && !report.hasValue()) {
        <p class="sb-muted" role="status">Loading usage…</p>
      } @else if (report.error()) {
        <p class="sb-alert" role="alert">Usage could not be loaded. Reload the page to try again.</p>
      } @else if (meter(); as meter) {
        <div class="meter-block">
          <p>
            <strong>{{ meter.used | number }}</strong> of {{ meter.budget | number }} tokens used this month
            @if (meter.reserved > 0) { <span class="sb-muted">({{ meter.reserved | number }} reserved by calls in flight)</span> }
            @switch (meter.state) {
              @case ('soft') { <span class="sb-badge warning">Past the soft limit</span> }
              @case ('exhausted') { <span class="sb-badge danger">Budget spent: the bot offers a person</span> }
            }
          </p>
          <div class="meter" role="meter" aria-label="Tokens used this month" aria-valuemin="0" [attr.aria-valuemax]="meter.budget" [attr.aria-valuenow]="meter.used"
            [attr.aria-valuetext]="(meter.usedShare * 100 | number: '1.0-0') + ' % of the budget'" [attr.data-state]="meter.state" data-testid="usage-meter">
            <span class="used" [style.width.%]="meter.usedShare * 100"></span>
            <span class="reserved" [style.left.%]="meter.usedShare * 100" [style.width.%]="meter.reservedShare * 100"></span>
            <span class="soft" [style.left.%]="softLimitShare * 100" title="Soft limit"></span>
          </div>
          <p class="sb-hint">The owner is emailed once a month at the soft limit ({{ meter.softLimit | number }} tokens, 80 %).</p>
        </div>

        @let daily = chartData();
        <figure class="chart">
          <figcaption id="usage-chart-caption">Tokens per day, by model</figcaption>
          @if (daily.maxTokens === 0) {
            <p class="sb-muted" data-testid="usage-empty">No AI calls in this period.</p>
          } @else {
            <svg [attr.viewBox]="'0 0 ' + geometry.width + ' ' + geometry.height" role="img" aria-labelledby="usage-chart-caption usage-chart-summary" data-testid="usage-chart">
              <line class="axis" [attr.x1]="geometry.left" [attr.x2]="geometry.width - geometry.right" [attr.y1]="baseline" [attr.y2]="baseline" />
              <text class="tick" [attr.x]="geometry.left - 6" [attr.y]="geometry.top + 4" text-anchor="end">{{ daily.maxTokens | number }}</text>
              <text class="tick" [attr.x]="geometry.left - 6" [attr.y]="baseline" text-anchor="end">0</text>
              @for (bar of daily.bars; track bar.day; let index = $index) {
                <g>
                  <title>{{ bar.day }}: {{ bar.tokens | number }} tokens</title>
                  @for (segment of bar.segments; track segment.model) {
                    <rect [attr.x]="barX(index)" [attr.width]="barWidth()" [attr.y]="baseline - (segment.offset + segment.height) * plotHeight"
                      [attr.height]="segment.height * plotHeight" [attr.fill]="colourOf(segment.model)" data-testid="usage-bar" />
                  }
                  @if (showLabel(index)) {
                    <text class="tick" [attr.x]="barX(index) + barWidth() / 2" [attr.y]="geometry.height - 6" text-anchor="middle">{{ bar.day.slice(5) }}</text>
                  }
                </g>
              }
            </svg>
            <p id="usage-chart-summary" class="sb-visually-hidden">{{ summary() }}</p>
            <ul class="legend" aria-label="Models">
              @for (model of daily.models; track model) {
                <li><span class="swatch" [style.background]="colourOf(model)"></span>{{ model }}</li>
              }
            </ul>
          }
        </figure>

        <div class="sb-table-wrap">
          <table class="sb-table" data-testid="usage-table">
            <caption class="sb-visually-hidden">Usage per model over the last {{ days() }} days</caption>
            <thead>
              <tr><th scope="col">Model</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Tokens in</th><th scope="col" class="num">Tokens out</th><th scope="col" class="num">Cost (USD)</th><th scope="col" class="num">Median latency</th></tr>
            </thead>
            <tbody>
              @for (row of totals(); track row.model) {
                <tr data-testid="usage-row">
                  <th scope="row" class="sb-mono">{{ row.model }}</th>
                  <td class="num">{{ row.calls | number }}</td>
                  <td class="num">{{ row.failed | number }}</td>
                  <td class="num">{{ row.tokensIn | number }}</td>
                  <td class="num">{{ row.tokensOut | number }}</td>
                  <td class="num">{{ row.costUsd | number: '1.2-4' }}</td>
                  <td class="num">{{ row.p50LatencyMs | number: '1.0-0' }} ms</td>
                </tr>
              } @empty {
                <tr><td colspan="7" class="sb-muted">No calls yet.</td></tr>
              }
            </tbody>
          </table>
        </div>
      }
    </section>
  `,
  styles: `
    .usage { display: grid; gap: 16px; }
    .heading { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
    .period { display: flex; align-items: center; gap: 8px; font-size: 0.9rem; }
    .period .sb-input { width: auto; min-height: 34px; padding: 4px 8px; }
    .meter-block { display: grid; gap: 8px; }
    .meter { position: relative; height: 14px; overflow: visible; border-radius: 999px; background: var(--sb-surface-sunken); }
    .meter span { position: absolute; top: 0; bottom: 0; }
    .used { left: 0; border-radius: 999px; background: var(--sb-primary); }
    .meter[data-state='soft'] .used { background: #b26b00; }
    .meter[data-state='exhausted'] .used { background: var(--sb-danger); }
    .reserved { background: color-mix(in srgb, var(--sb-primary) 35%, #ffffff); }
    .soft { top: -4px !important; bottom: -4px !important; width: 2px; background: var(--sb-text); }
    .chart { margin: 0; }
    figcaption { margin-bottom: 8px; font-weight: 600; font-size: 0.9rem; }
    svg { display: block; width: 100%; height: auto; }
    .axis { stroke: var(--sb-border-strong); }
    .tick { fill: var(--sb-text-muted); font-size: 11px; }
    .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0 0; padding: 0; list-style: none; font-size: 0.85rem; }
    .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
  `,
})
export class AiUsageComponent {
  private readonly api = inject(BotApi);

  protected readonly periods = periods;
  protected readonly geometry = chart;
  protected readonly softLimitShare = softLimitShare;
  protected readonly baseline = chart.height - chart.bottom;
  protected readonly plotHeight = chart.height - chart.bottom - chart.top;
  protected readonly days = signal<number>(30);
  private readonly colours = new Map<string, string>();

  protected readonly report = resource({ params: () => this.days(), loader: ({ params }) => this.api.usage(params) });

  protected readonly meter = computed(() => (this.report.hasValue() ? budgetMeter(this.report.value().month) : null));
  protected readonly chartData = computed(() => {
    const today = new Date().toISOString().slice(0, 10);
    return dailyChart(this.report.hasValue() ? this.report.value().days : [], today, this.days());
  });
  protected readonly totals = computed(() => (this.report.hasValue() ? modelTotals(this.report.value().days) : []));
  protected readonly barWidth = computed(() => Math.max(1, ((chart.width - chart.left - chart.right) / this.days()) * 0.7));
  protected readonly summary = computed(() => {
    const busiest = this.chartData().bars.reduce((best, bar) => (bar.tokens > best.tokens ? bar : best));
    const total = this.chartData().bars.reduce((sum, bar) => sum + bar.tokens, 0);
    return `${total} tokens over ${this.days()} days; the busiest day was ${busiest.day} with ${busiest.tokens} tokens.`;
  });

  protected barX(index: number): number {
    const slot = (chart.width - chart.left - chart.right) / this.days();
    return chart.left + index * slot + slot * 0.15;
  }

  /** Labels every day in a week's view, fewer in longer ones so they never overlap. */
  protected showLabel(index: number): boolean {
    const every = Math.ceil(this.days() / 8);
    return (this.days() - 1 - index) % every === 0;
  }

  /** A model keeps its colour while the page is open, whichever period is shown. */
  protected colourOf(model: string): string {
    let colour = this.colours.get(model);
    if (colour === undefined) {
      colour = modelColours[this.colours.size % modelColours.length] ?? '#7a7a7a';
      this.colours.set(model, colour);
    }
    return colour;
  }

  protected pickDays(event: Event): void {
    this.days.set(Number((event.target as HTMLSelectElement).value));
  }
}
