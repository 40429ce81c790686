// How numbers, times and hashes read on the dashboard.

/** A metric value: four decimals, or a dash when there is none. */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

/** Seconds between two times as `1h 02m`, `3m 05s` or `12.3s`; a dash while unfinished. */
export function formatDuration(start: Date | null | undefined, end: Date | null | undefined): string {
  if (!start || !end) return '—';
  const seconds = (end.getTime() - start.getTime()) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** The first 12 hex digits of a sha256: enough to tell hashes apart on screen; the title has the rest. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : '—';
}

export function formatBytes(bytes: bigint | number | string): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `key=value, ...` of a hyperparameter record, in key order. */
export function describeParams(params: Readonly<Record<string, unknown>> | null | undefined): string {
  if (!params) return '';
  return Object.keys(params)
    .sort()
    .map((key) => {
      const value = params[key];
      return `${key}=${typeof value === 'number' ? Number(value.toPrecision(4)) : JSON.stringify(value)}`;
    })
    .join(', ');
}
