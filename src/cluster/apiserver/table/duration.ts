// k8s.io/apimachinery/pkg/util/duration.HumanDuration, which every AGE column prints, and the
// printers' translateTimestampSince. Precision shrinks as durations grow ("2m3s", "3h5m", "5d").

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(d / unit): truncation toward zero. */
const whole = (ms: number, unit: number): number => Math.trunc(ms / unit);

export function humanDuration(ms: number): string {
  // Up to 2 s in the future is tolerated as clock skew ("0s"); beyond that the time is invalid.
  const seconds = whole(ms, SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = whole(ms, MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = whole(ms, HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${whole(hours, 24)}d` : `${whole(hours, 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${whole(hours, 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = whole(hours, 24) % 365;
    return days === 0 ? `${whole(hours, 24 * 365)}y` : `${whole(hours, 24 * 365)}y${days}d`;
  }
  return `${whole(hours, 24 * 365)}y`;
}

/** The age of an RFC 3339 timestamp at `now`; "<unknown>" when absent, "<invalid>" when unparsable. */
export function translateTimestampSince(timestamp: string | undefined, now: Date): string {
  if (timestamp === undefined || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<invalid>';
  return humanDuration(now.getTime() - t);
}
