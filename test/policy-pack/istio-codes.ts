/**
 * The istioctl analyze message codes of the checks both tools make, by policy: the one table the fixture cases
 * (istio-cases.spec.ts) and the differential test against istioctl (test/e2e/istioctl-diff.e2e.ts) share.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./harness";

/** Policy name → the IST code of each message (most policies have one code; a function picks among several). */
export const IST_CODES: Record<string, (message: string) => string> = {
    "virtual-service-subset-defined": () => "IST0101",
    "virtual-service-gateway-exists": () => "IST0101",
    "virtual-service-destination-exists": () => "IST0101",
    "mesh-virtual-service-host-conflict": () => "IST0109",
    "gateway-conflict": () => "IST0145",
    "gateway-duplicate-certificate": () => "IST0138",
    "namespace-injection-labels": () => "IST0123",
    "reserved-proxy-uid": () => "IST0144",
    "virtual-service-host-in-gateway": () => "IST0132",
    "virtual-service-unreachable-routes": m => (/ has no match, so it takes every request/.test(m) ? "IST0130" : "IST0131"),
    "destination-rule-tls-verification": m => (/IST0129/.test(m) ? "IST0129" : "IST0128"),
    "service-entry-tcp-addresses": () => "IST0134",
    "single-default-sidecar-telemetry": m => (/Telemetry/.test(m.split(":")[0]) ? "IST0160" : "IST0111"),
};

/** Every IST code some policy maps to: istioctl's other messages are checks only it makes. */
export const COMPARED_CODES = new Set(["IST0101", "IST0109", "IST0145", "IST0138", "IST0123", "IST0144", "IST0132", "IST0130", "IST0131", "IST0128", "IST0129", "IST0134", "IST0160", "IST0111"]);

export const CASES = path.join(FIXTURES, "istio-cases");

/** A fixture case: its file and the policies it must raise (`# expect:` on its first line). */
export interface IstioCase { name: string; file: string; expect: string[] }

export function istioCases(): IstioCase[] {
    return fs.readdirSync(CASES).filter(f => f.endsWith(".yaml")).sort().map(f => {
        const file = path.join(CASES, f);
        const first = fs.readFileSync(file, "utf8").split("\n", 1)[0];
        const m = /^# expect: (.*)$/.exec(first);
        if (!m) throw new Error(`${file}: the first line must be "# expect: <policies>" or "# expect: none"`);
        const expect = m[1].trim() === "none" ? [] : m[1].split(",").map(s => s.trim()).sort();
        return { name: f.replace(/\.yaml$/, ""), file, expect };
    });
}

/** A violation as `npm run guard --format json` prints it. */
export interface GuardViolation { policy: string; level: string; resource: { kind: string; namespace: string; name: string }; message: string }

/** The compared findings of the checker: `IST0xxx Kind ns/name`, sorted and unique. */
export function guardFindings(violations: GuardViolation[]): string[] {
    const out = new Set<string>();
    for (const v of violations) {
        const code = IST_CODES[v.policy];
        if (code) out.add(`${code(v.message)} ${v.resource.kind} ${v.resource.namespace}/${v.resource.name}`);
    }
    return [...out].sort();
}
