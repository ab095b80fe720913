import { DemoError } from './demo-error.js';

/**
 * Dates as month numbers (year * 12 + month - 1), which makes periods easy to order and to
 * cut; days are drawn from 1..28 so every generated date exists.
 */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function monthOf(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function yearOf(m: number): number {
  return Math.floor(m / 12);
}

export function monthNumberOf(m: number): number {
  return (m % 12) + 1;
}

/** 'YYYY-MM-DD' for a date column. */
export function isoDate(m: number, day: number): string {
  return `${yearOf(m)}-${pad2(monthNumberOf(m))}-${pad2(day)}`;
}

/** The vendor's text date 'dd/mm/yyyy'. */
export function vendorDate(m: number, day: number): string {
  return `${pad2(day)}/${pad2(monthNumberOf(m))}/${yearOf(m)}`;
}

/** The vendor's text period 'mm/yyyy'. */
export function vendorMonth(m: number): string {
  return `${pad2(monthNumberOf(m))}/${yearOf(m)}`;
}

/** The month number of a 'YYYY-MM-DD' reference date. */
export function parseIsoMonth(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new DemoError('demo.options_invalid', `not a YYYY-MM-DD date: ${iso}`);
  return monthOf(Number(match[1]), Number(match[2]));
}
