/**
 * One table of edge cases for every kind of domain value, each with the verdict of the system that owns the
 * syntax (Go's net.ParseIP as Kubernetes validates new objects, MetalLB's pool config, apimachinery's
 * resource.ParseQuantity, Go's time.ParseDuration, DNS-1123, Kubernetes label syntax). edge-cases.spec.ts
 * checks every consumer against it: domain/, the config reader, the policies and the schema formats.
 */

export type Kind = "ip" | "poolEntry" | "quantity" | "duration" | "host" | "wildcardHost" | "labelKey" | "labelValue" | "version";

export interface EdgeCase {
    kind: Kind;
    text: string;
    valid: boolean;
    /** Why: the rule of the owning system this case pins. */
    why: string;
}

const ok = (kind: Kind, text: string, why: string): EdgeCase => ({ kind, text, valid: true, why });
const bad = (kind: Kind, text: string, why: string): EdgeCase => ({ kind, text, valid: false, why });

export const EDGE_CASES: EdgeCase[] = [
    ok("ip", "10.0.0.10", "dotted quad"),
    bad("ip", "10.0.0.010", "leading zero: octal to some readers; Go and Kubernetes refuse it"),
    bad("ip", "10.0.0.256", "octet above 255"),
    bad("ip", "10.0.0", "three octets"),
    bad("ip", " 10.0.0.1", "surrounding blank"),
    ok("ip", "2001:db8::1", "compressed IPv6"),
    ok("ip", "001:db8::", "leading zeros in an IPv6 group are fine (Istio's own ServiceEntry example)"),
    ok("ip", "2001:DB8::1", "upper-case hex"),
    ok("ip", "::ffff:10.0.0.1", "IPv4-mapped tail, as Go parses it"),
    bad("ip", "::ffff:10.0.0.01", "IPv4 tail with a leading zero"),
    bad("ip", "fe80::1%eth0", "zone id: meaningless off the host; net.ParseIP refuses it"),
    bad("ip", "1::2::3", "two compressions"),
    bad("ip", "1:2:3:4:5:6:7:8:9", "nine groups"),

    ok("poolEntry", "10.0.10.48/28", "CIDR"),
    ok("poolEntry", "10.0.10.50-10.0.10.59", "range"),
    ok("poolEntry", "2001:db8::/120", "IPv6 CIDR"),
    bad("poolEntry", "10.0.0.5", "a single address: MetalLB reads CIDRs and ranges only (write 10.0.0.5/32)"),
    bad("poolEntry", "10.0.0.1/24", "host bits set: the pool would silently start at 10.0.0.0"),
    bad("poolEntry", "10.0.0.0/33", "prefix longer than the family"),
    bad("poolEntry", "10.0.0.9-10.0.0.1", "range ends before it starts"),
    bad("poolEntry", "10.0.0.1-2001:db8::1", "range mixes families"),
    bad("poolEntry", "10.0.0.010/32", "leading zero"),

    ok("quantity", "512Mi", "binary suffix"),
    ok("quantity", "500m", "milli"),
    ok("quantity", "1.5", "plain decimal"),
    ok("quantity", "2e3", "exponent"),
    ok("quantity", "1k", "decimal kilo is lower-case"),
    ok("quantity", "1E", "exa"),
    bad("quantity", "512mi", "suffixes are case-sensitive"),
    bad("quantity", "1K", "upper-case K is not a suffix"),
    bad("quantity", "2ui", "no binary micro"),
    bad("quantity", "1Ki5", "trailing digits"),
    bad("quantity", "2 GB", "blank and unknown suffix"),
    bad("quantity", "", "empty"),

    ok("duration", "250ms", "milliseconds"),
    ok("duration", "1m30s", "compound"),
    ok("duration", "1.5s", "fraction"),
    ok("duration", "2160h", "hours"),
    ok("duration", "1500us", "microseconds"),
    ok("duration", ".5s", "Go accepts a fraction without integer part"),
    bad("duration", "30", "no unit (only 0 may omit it)"),
    bad("duration", "1d", "no day unit in Go"),
    bad("duration", "5 s", "blank"),
    bad("duration", "1h 30m", "blank between parts"),
    bad("duration", "", "empty"),

    ok("host", "api.example.com", "DNS name"),
    ok("host", "a-b.example.com", "hyphen inside a label"),
    bad("host", "localhost", "no dot: a short name, resolved per namespace"),
    bad("host", "API.example.com", "upper case"),
    bad("host", "-a.example.com", "label starts with a hyphen"),
    bad("host", `${"a".repeat(64)}.example.com`, "label over 63 characters"),
    bad("host", "*.example.com", "wildcard where a name is needed"),
    bad("host", "10.0.0.1:80", "port"),
    ok("wildcardHost", "*.internal.example.com", "wildcard subdomain"),
    ok("wildcardHost", "app.example.com", "plain name"),
    bad("wildcardHost", "*example.com", "wildcard not a whole label"),
    bad("wildcardHost", "a.*.example.com", "wildcard inside"),

    ok("labelKey", "app", "name only"),
    ok("labelKey", "app.kubernetes.io/name", "DNS prefix"),
    ok("labelKey", "Team_A", "upper case and underscore in the name"),
    bad("labelKey", "a/b/c", "two slashes"),
    bad("labelKey", "Example.com/x", "upper-case prefix"),
    bad("labelKey", `${"a".repeat(64)}`, "name over 63 characters"),
    bad("labelKey", "-app", "starts with a hyphen"),
    ok("labelValue", "v1.2_beta-3", "letters, digits, '.', '_', '-'"),
    ok("labelValue", "", "empty"),
    bad("labelValue", "v1-", "ends with a hyphen"),
    bad("labelValue", `${"a".repeat(64)}`, "over 63 characters"),
    bad("labelValue", "a b", "blank"),

    ok("version", "1.30.3", "release"),
    ok("version", "1.31.0-beta.1", "pre-release"),
    bad("version", "1.30", "two parts"),
    bad("version", "v1.30.3", "leading v"),
    bad("version", "latest", "a tag, not a version"),
];
