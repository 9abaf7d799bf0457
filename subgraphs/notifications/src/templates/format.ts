/** Money, dates and links as a recipient reads them: Intl in their locale, amounts from minor units. */
import { setting } from '@marketplace/runtime';

export const DEFAULT_LOCALE = 'en-US';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * The locale messages are formatted in, from the country an order ships to (accounts keep no
 * language yet): the copy is English, so English with that country's conventions, `DE` → `en-DE`
 * ("64,99 €", "Thursday, 10 December 2026"); unknown or missing → `en-US`.
 */
export function localeOfCountry(country: string | null | undefined): string {
  const region = country?.toUpperCase();
  if (!region || !/^[A-Z]{2}$/.test(region) || !regionNames.of(region)) return DEFAULT_LOCALE;
  return `en-${region}`;
}

/** An amount in minor units of `currencyCode`, e.g. 12345 USD in en-US → "$123.45". */
export function formatMoney(amount: number, currencyCode: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currencyCode });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** A day, e.g. "Tuesday, December 8, 2026" (UTC: the estimates are days, not instants). */
export function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(iso));
}

/** A link into the storefront. */
export function storefrontLink(path: string): string {
  return new URL(path, setting('NOTIFICATION_LINK_BASE_URL')).toString();
}

export const orderLink = (orderId: string) => storefrontLink(`/orders/${orderId}`);
