// Money and BV arrive from the API as decimal strings ("1234.5", "-12.50"). The back office never
// turns them into JavaScript numbers: every formatting step works on the digits themselves, so
// what is shown is exactly what the API computed.

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

interface Parts {
  negative: boolean;
  whole: string;
  fraction: string;
}

function parts(value: string): Parts | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const whole = m[2].replace(/^0+(?=\d)/, '');
  return { negative: m[1] === '-', whole, fraction: m[3] ?? '' };
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234.5" → "1,234.50"; places fixes the fraction (padded, never rounded: the API already rounded). */
export function formatDecimal(value: string | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  const p = parts(value);
  if (!p) return value;
  let fraction = p.fraction;
  if (fraction.length < places) fraction = fraction.padEnd(places, '0');
  const zero = /^0*$/.test(p.whole + fraction);
  const sign = p.negative && !zero ? '−' : '';
  return sign + group(p.whole) + (fraction ? '.' + fraction : '');
}

/** A money amount in dollars: "1234.5" → "$1,234.50", "-12.5" → "−$12.50". */
export function formatMoney(value: string | null | undefined): string {
  const s = formatDecimal(value, 2);
  if (s === '—') return s;
  return s.startsWith('−') ? '−$' + s.slice(1) : '$' + s;
}

/** BV with its unit: "550" → "550.00 BV". */
export function formatBV(value: string | null | undefined): string {
  const s = formatDecimal(value, 2);
  return s === '—' ? s : s + ' BV';
}

/** A rate given as a fraction ("0.12", "0.005") as a percentage ("12 %", "0.5 %"), by moving the point. */
export function formatPercent(fraction: string | null | undefined): string {
  if (!fraction) return '—';
  const p = parts(fraction);
  if (!p) return fraction;
  const digits = (p.whole + p.fraction.padEnd(2, '0'));
  const intLen = p.whole.length + 2;
  let whole = digits.slice(0, intLen).replace(/^0+(?=\d)/, '');
  let frac = digits.slice(intLen).replace(/0+$/, '');
  if (whole === '') whole = '0';
  return (p.negative ? '−' : '') + whole + (frac ? '.' + frac : '') + ' %';
}

/** Whether a decimal string is negative (a clawback or a debit). */
export function isNegative(value: string | null | undefined): boolean {
  const p = value ? parts(value) : null;
  return !!p && p.negative && !/^0*$/.test(p.whole + p.fraction);
}

/** Whether a decimal string is zero. */
export function isZero(value: string | null | undefined): boolean {
  const p = value ? parts(value) : null;
  return !p || /^0*$/.test(p.whole + p.fraction);
}

function scaled(value: string, places: number): bigint | null {
  const p = parts(value);
  if (!p) return null;
  const v = BigInt(p.whole + p.fraction.padEnd(places, '0').slice(0, places));
  return p.negative ? -v : v;
}

/**
 * How far current is towards required, as a whole percentage 0–100, for a progress bar. Exact
 * integer arithmetic on the decimal digits (BigInt), never a float.
 */
export function progressPercent(current: string, required: string): number {
  const c = scaled(current, 2);
  const r = scaled(required, 2);
  if (c === null || r === null) return 0;
  if (r <= 0n) return 100;
  if (c <= 0n) return 0;
  const pct = (c * 100n) / r;
  return Number(pct > 100n ? 100n : pct);
}

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const places = Math.max(parts(a)?.fraction.length ?? 0, parts(b)?.fraction.length ?? 0);
  const x = scaled(a, places) ?? 0n;
  const y = scaled(b, places) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A decimal string as a chart value. Charts draw pixels, not money: this is the one place a
 * number is made, and only to place a bar; labels and tooltips show the API's string.
 */
export function chartValue(value: string | null | undefined): number {
  const p = value ? parts(value) : null;
  if (!p) return 0;
  return Number((p.negative ? '-' : '') + p.whole + '.' + (p.fraction || '0'));
}

/** Dates as the company reads them: "Mar 2, 2026". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
}

/** "revenue_share" → "Revenue share". */
export function label(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
