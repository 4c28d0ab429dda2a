// String formats the CRD validator checks (kube-openapi strfmt.Default); unknown formats pass,
// as on the real server. int32/int64/float/double are type hints only: no range check there.
import net from 'node:net';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 date-time, as strfmt.ParseDateTime accepts it (fractional seconds optional, Z or offset).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME = /^(?=.{1,255}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const MAC = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DURATION = /^(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w|[a-z]*)\s*)+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Go's net.ParseIP accepts no zone (`%eth0`), unlike node:net. */
function isIPv6(s: string): boolean {
  return !s.includes('%') && net.isIPv6(s);
}

function isCIDR(s: string): boolean {
  const [ip = '', bits, ...extra] = s.split('/');
  if (bits === undefined || extra.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  if (IPV4.test(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

function isDateTime(s: string): boolean {
  return DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T')));
}

function isDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

function isURI(s: string): boolean {
  return URL.canParse(s);
}

const CHECKS: Record<string, (s: string) => boolean> = {
  'date-time': isDateTime,
  datetime: isDateTime,
  date: isDate,
  byte: (s) => BASE64.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: isIPv6,
  cidr: isCIDR,
  mac: (s) => MAC.test(s),
  hostname: (s) => HOSTNAME.test(s),
  email: (s) => EMAIL.test(s),
  uri: isURI,
  duration: (s) => DURATION.test(s.trim()),
};

/** True when the string satisfies `format`, or the format is not one the server checks. */
export function stringMatchesFormat(format: string, value: string): boolean {
  const check = CHECKS[format];
  return check === undefined ? true : check(value);
}
