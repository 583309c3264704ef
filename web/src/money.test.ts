import { describe, expect, it } from 'vitest';
import { compareDecimal, formatBV, formatDecimal, formatMoney, formatPercent, isNegative, progressPercent, label } from './money';

describe('decimal strings are formatted without floats', () => {
  it.each([
    ['0', '$0.00'],
    ['12.5', '$12.50'],
    ['1234.5', '$1,234.50'],
    ['-12.50', '−$12.50'],
    ['-0.00', '$0.00'],
    ['1000000000.00', '$1,000,000,000.00'],
    // A float would print 0.30000000000000004 or lose the last cent of a large amount.
    ['0.30', '$0.30'],
    ['90071992547409.93', '$90,071,992,547,409.93'],
    ['007.10', '$7.10'],
  ])('money %s → %s', (input, want) => expect(formatMoney(input)).toBe(want));

  it('keeps more places than two when the API sends them (never rounds)', () => {
    expect(formatDecimal('1.005')).toBe('1.005');
    expect(formatDecimal('1.005', 2)).toBe('1.005');
  });

  it('shows a dash for missing values and passes through what is not a decimal', () => {
    expect(formatMoney(undefined)).toBe('—');
    expect(formatMoney('')).toBe('—');
    expect(formatDecimal('n/a')).toBe('n/a');
  });

  it('BV carries its unit', () => expect(formatBV('550')).toBe('550.00 BV'));

  it.each([
    ['0.12', '12 %'],
    ['0.05', '5 %'],
    ['0.005', '0.5 %'],
    ['1', '100 %'],
    ['0.125', '12.5 %'],
  ])('percent %s → %s', (input, want) => expect(formatPercent(input)).toBe(want));

  it('compares exactly', () => {
    expect(compareDecimal('0.1', '0.10')).toBe(0);
    expect(compareDecimal('9007199254740993.01', '9007199254740993.00')).toBe(1);
    expect(compareDecimal('-1', '0')).toBe(-1);
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
  });

  it('progress is an integer percentage capped at 100', () => {
    expect(progressPercent('160', '500')).toBe(32);
    expect(progressPercent('0', '500')).toBe(0);
    expect(progressPercent('750.00', '500')).toBe(100);
    expect(progressPercent('1', '0')).toBe(100);
    expect(progressPercent('49.99', '50')).toBe(99);
  });

  it('labels line types', () => expect(label('revenue_share')).toBe('Revenue share'));
});
