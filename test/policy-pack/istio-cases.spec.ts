import * as assert from "assert";
import { main } from "../../policy-pack/checker/cli";
import { GuardViolation, IST_CODES, istioCases } from "./istio-codes";

/** The policies with an IST code that the checker raises over one file. */
async function raised(file: string): Promise<string[]> {
    let out = "";
    await main(
        ["--format", "json", file],
        (s) => {
            out += s;
        },
        () => undefined,
    );
    const violations = (JSON.parse(out) as { violations: GuardViolation[] }).violations;
    return [...new Set(violations.map((v) => v.policy).filter((p) => p in IST_CODES))].sort();
}

// Istio semantics (exportTo, selection, wildcard hosts, ports, reachability), one small mesh per case; the same
// files feed the differential test against istioctl analyze (test/e2e/istioctl-diff.e2e.ts).
describe("Istio semantics cases", () => {
    for (const c of istioCases()) {
        it(`${c.name}: ${c.expect.length > 0 ? c.expect.join(", ") : "nothing"}`, async () => {
            assert.deepStrictEqual(await raised(c.file), c.expect);
        });
    }
});
