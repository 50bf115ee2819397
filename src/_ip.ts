/** Show an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as plain IPv4. */
export function plainIp(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") && address.includes(".")
    ? address.slice(7)
    : address;
}
