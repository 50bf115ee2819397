/**
 * HTTP-date (RFC 9110 5.6.7), read strictly: IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms every
 * recipient must still take, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
 * asctime (`Sun Nov  6 08:49:37 1994`). Anything else is not a date, and a
 * conditional header holding it is ignored (RFC 9110 13.1.3). `Date.parse`
 * is not used: it takes `2030`, `0` or `2026-11-28` as dates (so
 * `If-Modified-Since: 2030` answered 304), and reads a date without a zone in
 * the server's local time. One pass over at most 33 characters, no
 * regular expression.
 * @module
 */

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The time in whole seconds since the epoch that `value` names, or undefined when it is not an HTTP-date. */
export function parseHttpDate(value: string): number | undefined {
  const n = value.length;
  if (n === 29) return imfFixdate(value);
  if (n === 24) return asctime(value);
  if (n >= 30 && n <= 33) return rfc850(value);
  return undefined;
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
function imfFixdate(s: string): number | undefined {
  if (!DAY_NAMES.includes(s.slice(0, 3)) || s.slice(3, 5) !== ", " || s[7] !== " " || s[11] !== " " || s[16] !== " " || s.slice(25) !== " GMT") return undefined;
  return at(digits(s, 12, 4), MONTHS.indexOf(s.slice(8, 11)), digits(s, 5, 2), time(s, 17));
}

/** `Sunday, 06-Nov-94 08:49:37 GMT`: a two-digit year more than 50 years ahead is the century before (RFC 9110 5.6.7). */
function rfc850(s: string): number | undefined {
  const comma = s.indexOf(",");
  if (!LONG_DAY_NAMES.includes(s.slice(0, comma)) || s.length !== comma + 24) return undefined;
  const d = comma + 2; // the day
  if (s[comma + 1] !== " " || s[d + 2] !== "-" || s[d + 6] !== "-" || s[d + 9] !== " " || s.slice(d + 18) !== " GMT") return undefined;
  const yy = digits(s, d + 7, 2);
  if (yy < 0) return undefined;
  const now = new Date().getUTCFullYear();
  let year = now - (now % 100) + yy;
  if (year > now + 50) year -= 100;
  return at(year, MONTHS.indexOf(s.slice(d + 3, d + 6)), digits(s, d, 2), time(s, d + 10));
}

/** `Sun Nov  6 08:49:37 1994` (the day is two digits, or a space and one digit). */
function asctime(s: string): number | undefined {
  if (!DAY_NAMES.includes(s.slice(0, 3)) || s[3] !== " " || s[7] !== " " || s[10] !== " " || s[19] !== " ") return undefined;
  const day = s[8] === " " ? digits(s, 9, 1) : digits(s, 8, 2);
  return at(digits(s, 20, 4), MONTHS.indexOf(s.slice(4, 7)), day, time(s, 11));
}

/** The number written by `count` ASCII digits at `from`, or -1. */
function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + c - 48;
  }
  return value;
}

/** `08:49:37` at `from` as seconds into the day, or -1 (a leap second, `:60`, is taken). */
function time(s: string, from: number): number {
  if (s[from + 2] !== ":" || s[from + 5] !== ":") return -1;
  const h = digits(s, from, 2);
  const m = digits(s, from + 3, 2);
  const sec = digits(s, from + 6, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return -1;
  return h * 3600 + m * 60 + sec;
}

/** Seconds since the epoch for a calendar date (month from 0) and a time of day; undefined for a day the month lacks. */
function at(year: number, month: number, day: number, seconds: number): number | undefined {
  if (year < 0 || month < 0 || day < 1 || seconds < 0) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month, day); // not Date.UTC, which reads years 0 to 99 as 1900 to 1999
  if (date.getUTCDate() !== day) return undefined; // 31 Nov, 29 Feb of a common year
  return date.getTime() / 1000 + seconds;
}
