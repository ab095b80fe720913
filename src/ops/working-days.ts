/**
 * Working days between two instants, for "an approval unaccepted for more than one working
 * day". Interim: counts Monday to Friday in Vietnam's time (UTC+7, no daylight saving), with
 * no public holidays; the province's calendar (src/calendar, with Tết and the other holidays
 * of Bộ luật Lao động 2019 art. 112) replaces it where the ops step passes this function.
 * Counts the days after `from`'s day up to and including `to`'s day that are weekdays.
 */
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

export function weekdaysBetween(from: Date, to: Date): number {
  const startDay = Math.floor((from.getTime() + VN_OFFSET_MS) / DAY_MS);
  const endDay = Math.floor((to.getTime() + VN_OFFSET_MS) / DAY_MS);
  let count = 0;
  for (let day = startDay + 1; day <= endDay; day += 1) {
    const weekday = new Date(day * DAY_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}
