import type { EChartsOption } from 'echarts';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import type { MonthlyReport, ReportImage } from './monthly';
import { say } from '../../../config/say';

/**
 * Charts for the monthly report, drawn on the server: echarts renders SVG (no canvas, no native
 * build), resvg turns it into a PNG. Debian ships no CJK font, so the Noto Sans SC TTF from
 * @expo-google-fonts/noto-sans-sc is handed to resvg, and system fonts are not searched: the
 * Chinese labels look the same on every machine.
 */

export const CHART_FONT_FAMILY = 'Noto Sans SC';
const FONT_MODULE = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

/** The TTF's path, found when a chart is first drawn (a missing font fails the chart, not the bot). */
export function chartFontFile(): string {
  try {
    return require.resolve(FONT_MODULE);
  } catch {
    throw new Error(`chart font missing: ${FONT_MODULE} (npm install @expo-google-fonts/noto-sans-sc)`);
  }
}

/**
 * A chart goes through the outbox as base64 inside an encrypted JSON TEXT column (64 KB on
 * MySQL): about 1.8 bytes stored per PNG byte. Charts are flat colours and stay far below this.
 */
export const MAX_CHART_PNG_BYTES = 32 * 1024;
/** Stores drawn one by one; the rest are summed as 其他门店. */
const MAX_STORE_BARS = 8;

const WIDTH = 720;
const HEIGHT = 400;
const COLORS = ['#3b7ddd', '#e8663d', '#5bb381'];

export interface RasterImage {
  png: Buffer;
  /** RGBA, row by row. */
  pixels: Buffer;
  width: number;
  height: number;
}

/** SVG → PNG with the bundled Chinese font only. */
export function rasterize(svg: string): RasterImage {
  // loaded on the first chart, like echarts: most processes never draw one
  const { Resvg } = require('@resvg/resvg-js') as { Resvg: typeof ResvgClass };
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
  });
  const image = resvg.render();
  return { png: image.asPng(), pixels: image.pixels, width: image.width, height: image.height };
}

/** One chart as SVG; echarts is loaded on first use (it is large, and most processes never draw). */
export async function chartSvg(option: EChartsOption, width = WIDTH, height = HEIGHT): Promise<string> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', color: COLORS, textStyle: { fontFamily: CHART_FONT_FAMILY }, ...option });
    return chart.renderToSVGString();
  } finally {
    // an undisposed chart keeps timers that hold the process open
    chart.dispose();
  }
}

export async function renderChart(option: EChartsOption, width = WIDTH, height = HEIGHT): Promise<RasterImage> {
  return rasterize(await chartSvg(option, width, height));
}

function monthTitle(month: string): string {
  const [year, mon] = month.split('-').map(Number);
  return say('common.date.yearMonth', { year, month: mon });
}

const title = (text: string) => ({ text, left: 'center', top: 12, textStyle: { fontSize: 18, fontWeight: 'normal' as const, fontFamily: CHART_FONT_FAMILY } });
const legend = { top: 44, textStyle: { fontFamily: CHART_FONT_FAMILY } };
const grid = { top: 88, left: 48, right: 32, bottom: 48 };

/** Bars of inquiries, signed contracts and complaints per store. */
export function storeBarsOption(report: MonthlyReport): EChartsOption {
  const lines = report.byStore.slice(0, MAX_STORE_BARS);
  const rest = report.byStore.slice(MAX_STORE_BARS);
  if (rest.length) {
    const others = say('reports.chart.otherStores');
    lines.push(rest.reduce((sum, s) => ({ store: others, inquiries: sum.inquiries + s.inquiries, signed: sum.signed + s.signed, complaints: sum.complaints + s.complaints }), { store: others, inquiries: 0, signed: 0, complaints: 0 }));
  }
  const bar = (name: string, data: number[]) => ({ name, type: 'bar' as const, data, barMaxWidth: 36, label: { show: true, position: 'top' as const } });
  return {
    title: title(say('reports.chart.storesTitle', { month: monthTitle(report.month) })),
    legend,
    grid,
    xAxis: { type: 'category', data: lines.map((s) => s.store), axisLabel: { interval: 0, fontFamily: CHART_FONT_FAMILY } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [bar(say('reports.chart.inquiries'), lines.map((s) => s.inquiries)), bar(say('reports.chart.signed'), lines.map((s) => s.signed)), bar(say('reports.chart.complaints'), lines.map((s) => s.complaints))],
  };
}

/** Inquiries and complaints over the trend months. */
export function trendOption(report: MonthlyReport): EChartsOption {
  const line = (name: string, data: number[]) => ({ name, type: 'line' as const, data, symbolSize: 7, label: { show: true, position: 'top' as const } });
  return {
    title: title(say('reports.chart.trendTitle', { count: report.trend.length, month: monthTitle(report.month) })),
    legend,
    grid,
    xAxis: { type: 'category', data: report.trend.map((m) => say('common.date.month', { month: Number(m.month.slice(5)) })), axisLabel: { fontFamily: CHART_FONT_FAMILY } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [line(say('reports.chart.inquiries'), report.trend.map((m) => m.inquiries)), line(say('reports.chart.complaints'), report.trend.map((m) => m.complaints))],
  };
}

/** The report's pictures, in the order they are sent; one over the size limit is left out (and said). */
export async function monthlyCharts(report: MonthlyReport, onSkipped?: (filename: string, bytes: number) => void): Promise<ReportImage[]> {
  const images: ReportImage[] = [];
  const charts: [string, EChartsOption][] = [];
  if (report.byStore.length) charts.push([`stores-${report.month}.png`, storeBarsOption(report)]);
  charts.push([`trend-${report.month}.png`, trendOption(report)]);
  for (const [filename, option] of charts) {
    const { png } = await renderChart(option);
    if (png.length > MAX_CHART_PNG_BYTES) onSkipped?.(filename, png.length);
    else images.push({ filename, png });
  }
  return images;
}
