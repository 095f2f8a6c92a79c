/**
 * The istioctl analyze message codes of the checks both tools make, by policy: the one table the fixture cases
 * (istio-cases.spec.ts) and the differential test against istioctl (test/e2e/istioctl-diff.e2e.ts) share.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./harness";

/** How a policy's findings compare with istioctl's: the IST code of a message, and the analyzer that makes it. */
export interface IstCheck {
    code: (message: string) => string;
    analyzer: string;
}

const fixed = (code: string, analyzer: string): IstCheck => ({ code: () => code, analyzer });

/** Policy name → the istioctl analyzer making the same check, and the IST code of each message. */
export const IST_CODES: Record<string, IstCheck> = {
    "virtual-service-subset-defined": fixed("IST0101", "virtualservice.DestinationRuleAnalyzer"),
    "virtual-service-gateway-exists": fixed("IST0101", "virtualservice.GatewayAnalyzer"),
    "virtual-service-destination-exists": fixed("IST0101", "virtualservice.DestinationHostAnalyzer"),
    "mesh-virtual-service-host-conflict": fixed("IST0109", "virtualservice.ConflictingMeshGatewayHostsAnalyzer"),
    "gateway-conflict": fixed("IST0145", "gateway.ConflictingGatewayAnalyzer"),
    "gateway-duplicate-certificate": fixed("IST0138", "gateway.CertificateAnalyzer"),
    "namespace-injection-labels": fixed("IST0123", "injection.Analyzer"),
    "reserved-proxy-uid": fixed("IST0144", "applicationUID.Analyzer"),
    "virtual-service-host-in-gateway": fixed("IST0132", "virtualservice.GatewayAnalyzer"),
    // Istio's VirtualService validation warns per rule (IST0130) and per match (IST0131).
    "virtual-service-unreachable-routes": {
        code: (m) => (/: spec\.\w+\[\d+\]\.match\[\d+\] is covered by/.test(m) ? "IST0131" : "IST0130"),
        analyzer: "schema.ValidationAnalyzer.VirtualService",
    },
    "destination-rule-tls-verification": { code: (m) => (/IST0129/.test(m) ? "IST0129" : "IST0128"), analyzer: "destinationrule.CaCertificateAnalyzer" },
    "service-entry-tcp-addresses": fixed("IST0134", "serviceentry.Analyzer"),
};

/** Every IST code some policy maps to: istioctl's other messages are checks only it makes. */
export const COMPARED_CODES = new Set([
    "IST0101",
    "IST0109",
    "IST0145",
    "IST0138",
    "IST0123",
    "IST0144",
    "IST0132",
    "IST0130",
    "IST0131",
    "IST0128",
    "IST0129",
    "IST0134",
]);

export const CASES = path.join(FIXTURES, "istio-cases");

/** A fixture case: its file and the policies it must raise (`# expect:` on its first line). */
export interface IstioCase {
    name: string;
    file: string;
    expect: string[];
}

export function istioCases(): IstioCase[] {
    return fs
        .readdirSync(CASES)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => {
            const file = path.join(CASES, f);
            const first = fs.readFileSync(file, "utf8").split("\n", 1)[0];
            const m = /^# expect: (.*)$/.exec(first);
            if (!m) throw new Error(`${file}: the first line must be "# expect: <policies>" or "# expect: none"`);
            const expect =
                m[1].trim() === "none"
                    ? []
                    : m[1]
                          .split(",")
                          .map((s) => s.trim())
                          .sort();
            return { name: f.replace(/\.yaml$/, ""), file, expect };
        });
}

/** A violation as `npm run guard --format json` prints it. */
export interface GuardViolation {
    policy: string;
    level: string;
    resource: { kind: string; namespace: string; name: string };
    message: string;
}

/** The compared findings of the checker: `IST0xxx Kind ns/name`, sorted and unique. */
export function guardFindings(violations: GuardViolation[], skippedAnalyzers: ReadonlySet<string> = new Set()): string[] {
    const out = new Set<string>();
    for (const v of violations) {
        const check = IST_CODES[v.policy];
        if (check && !skippedAnalyzers.has(check.analyzer)) out.add(`${check.code(v.message)} ${v.resource.kind} ${v.resource.namespace}/${v.resource.name}`);
    }
    return [...out].sort();
}
