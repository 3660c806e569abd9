/** A span of time as people read it: `45s`, `12m`, `2h 5m`, `3d 4h` (rounded down to its two largest units). */
export function spanText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours) return minutes ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes) return `${minutes}m`;
  return `${seconds}s`;
}

/** The same in Chinese: `45秒`, `12分钟`, `2小时5分钟`, `3天4小时`. */
export function spanTextZh(ms: number): string {
  return spanText(ms)
    .replace(/(\d+)d/, '$1天')
    .replace(/(\d+)h/, '$1小时')
    .replace(/(\d+)m/, '$1分钟')
    .replace(/(\d+)s/, '$1秒')
    .replace(' ', '');
}
