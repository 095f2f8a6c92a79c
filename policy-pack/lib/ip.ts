/**
 * Addresses and MetalLB pool entries for the policies, read by the shared domain/ip so that a pool the
 * program refuses is never one a policy accepts, or the reverse.
 */
import { IpAddress, isBuggyIpv4 as buggy, parseIp as parse, parsePoolEntry } from "../../domain/ip";

export interface IpRange {
    family: 4 | 6;
    start: bigint;
    end: bigint;
    text: string;
}

/** Parses an IPv4 or IPv6 address, as domain/ip reads it. */
export function parseIp(text: string): IpAddress | undefined {
    return parse(text);
}

/** Parses a pool entry (`10.0.0.0/24`, `10.0.10.50-10.0.10.59`, `fd00::/120`); undefined when MetalLB's config would not take it. */
export function parseRange(text: string): IpRange | undefined {
    const parsed = parsePoolEntry(text);
    return "range" in parsed ? { family: parsed.range.family, start: parsed.range.first, end: parsed.range.last, text } : undefined;
}

/** An address (as a range of one), a CIDR or an `a-b` range: what a load balancer's reserved addresses are written as. */
export function parseAddressOrRange(text: string): IpRange | undefined {
    const ip = parse(text);
    return ip ? { family: ip.family, start: ip.value, end: ip.value, text } : parseRange(text);
}

/** True when the address lies in the range. */
export function inRange(ip: IpAddress, r: IpRange): boolean {
    return ip.family === r.family && ip.value >= r.start && ip.value <= r.end;
}

/** True when the address ends in .0 or .255, which MetalLB skips in pools with `avoidBuggyIPs`. */
export const isBuggyIpv4 = buggy;
