/**
 * IP addresses as the program, the policy pack and the schema validator all read them: IPv4 and IPv6
 * addresses as numbers, and MetalLB pool entries (`10.0.10.0/28`, `10.0.10.50-10.0.10.59`, `2001:db8::/120`)
 * as inclusive ranges, so "is this address inside that pool" and "do these pools overlap" are comparisons.
 *
 * The syntax is Go's `net.ParseIP`, which Kubernetes validates new objects with: IPv4 with a leading zero
 * (`10.0.0.010`, octal to some tools and decimal to others) and IPv6 with a zone (`fe80::1%eth0`, meaningless
 * off the host) are refused; IPv6 groups may have leading zeros (`001:db8::`) and upper case. `node:net`
 * decides the syntax except zones, which it accepts.
 */
import { isIP } from "node:net";

export type IpFamily = 4 | 6;

export interface IpAddress {
    family: IpFamily;
    value: bigint;
}

/** An inclusive range of addresses of one family, with the text it was written as. */
export interface IpRange {
    family: IpFamily;
    first: bigint;
    last: bigint;
    text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (!m) {
        return undefined;
    }
    let value = 0n;
    for (const part of m.slice(1)) {
        // A leading zero reads as octal in some tools and decimal in others: refuse it rather than guess.
        if ((part.length > 1 && part.startsWith("0")) || Number(part) > 255) {
            return undefined;
        }
        value = (value << 8n) | BigInt(part);
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split("::").length > 2) {
        return undefined;
    }
    const groups = (part: string): number[] | undefined => {
        if (part === "") {
            return [];
        }
        const out: number[] = [];
        const pieces = part.split(":");
        for (let i = 0; i < pieces.length; i++) {
            const piece = pieces[i];
            if (i === pieces.length - 1 && piece.includes(".")) {
                // An embedded IPv4 address (::ffff:10.0.0.1) counts as the last two groups.
                const v4 = parseIpv4(piece);
                if (v4 === undefined) {
                    return undefined;
                }
                out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
            } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
                out.push(parseInt(piece, 16));
            } else {
                return undefined;
            }
        }
        return out;
    };
    const [head, tail] = text.split("::");
    const before = groups(head);
    const after = tail === undefined ? [] : groups(tail);
    if (!before || !after) {
        return undefined;
    }
    const missing = 8 - before.length - after.length;
    if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) {
        return undefined;
    }
    const all = [...before, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...after];
    return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 (dotted quad) or IPv6 address; undefined when it is neither. */
export function parseIp(text: string): IpAddress | undefined {
    if (isIP(text) === 0 || text.includes("%")) {
        return undefined;
    }
    const v4 = parseIpv4(text);
    if (v4 !== undefined) {
        return { family: 4, value: v4 };
    }
    const v6 = text.includes(":") ? parseIpv6(text) : undefined;
    return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** The canonical text of an address (IPv6 with the longest run of zero groups compressed). */
export function formatIp(ip: IpAddress): string {
    if (ip.family === 4) {
        return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join(".");
    }
    const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < 8;) {
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j === i ? i + 1 : j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (bestStart < 0) {
        return hex.join(":");
    }
    return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export const POOL_ENTRY_HINT = "a CIDR (10.0.10.48/28, 2001:db8::/120) or an address range (10.0.10.50-10.0.10.59)";

/**
 * Parses one MetalLB pool entry. Returns the range, or the reason it is not one, phrased to follow
 * `must be ...`-style messages of the config reader.
 */
export function parsePoolEntry(text: string): { range: IpRange } | { error: string } {
    const dash = text.indexOf("-");
    if (dash >= 0) {
        const first = parseIp(text.slice(0, dash).trim());
        const last = parseIp(text.slice(dash + 1).trim());
        if (!first || !last) {
            return { error: `must be ${POOL_ENTRY_HINT} (got ${JSON.stringify(text)})` };
        }
        if (first.family !== last.family) {
            return { error: `mixes IPv${first.family} and IPv${last.family} in one range (got ${JSON.stringify(text)})` };
        }
        if (first.value > last.value) {
            return { error: `starts after it ends: write the lower address first (got ${JSON.stringify(text)})` };
        }
        return { range: { family: first.family, first: first.value, last: last.value, text } };
    }
    const slash = text.indexOf("/");
    if (slash < 0) {
        const single = parseIp(text);
        const hint = single ? `; a single address is ${text}/${BITS[single.family]}` : "";
        return { error: `must be ${POOL_ENTRY_HINT}${hint} (got ${JSON.stringify(text)})` };
    }
    const base = parseIp(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (!base || !/^\d{1,3}$/.test(prefixText)) {
        return { error: `must be ${POOL_ENTRY_HINT} (got ${JSON.stringify(text)})` };
    }
    const bits = BITS[base.family];
    const prefix = Number(prefixText);
    if (prefix > bits) {
        return { error: `has prefix length /${prefix}, but IPv${base.family} allows at most /${bits} (got ${JSON.stringify(text)})` };
    }
    const hostBits = BigInt(bits - prefix);
    const network = (base.value >> hostBits) << hostBits;
    if (network !== base.value) {
        const fixed = `${formatIp({ family: base.family, value: network })}/${prefix}`;
        return { error: `has host bits set: ${text} is not a network address; did you mean ${fixed}?` };
    }
    return { range: { family: base.family, first: network, last: network | ((1n << hostBits) - 1n), text } };
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
    return range.family === ip.family && ip.value >= range.first && ip.value <= range.last;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
    return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Whether `text` is an IP address (either family). */
export function isIp(text: string): boolean {
    return parseIp(text) !== undefined;
}

/** Whether `text` is an IPv4 address, as the API server's `format: ipv4` checks it. */
export function isIpv4(text: string): boolean {
    return parseIp(text)?.family === 4;
}

/** Whether `text` is an IPv6 address, as the API server's `format: ipv6` checks it. */
export function isIpv6(text: string): boolean {
    return parseIp(text)?.family === 6;
}

/** True when the address ends in .0 or .255, which MetalLB skips in pools with `avoidBuggyIPs`. */
export function isBuggyIpv4(ip: IpAddress): boolean {
    if (ip.family !== 4) return false;
    const last = ip.value & 0xffn;
    return last === 0n || last === 255n;
}
