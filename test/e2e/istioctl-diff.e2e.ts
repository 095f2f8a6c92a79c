/**
 * Differential test: `istioctl analyze --use-kube=false` and `npm run guard` over the same fixture cases
 * (test/policy-pack/fixtures/istio-cases), compared on the checks both make (the policy → IST code table in
 * test/policy-pack/istio-codes.ts). Every disagreement is either a bug or a deliberate difference listed in
 * DOCUMENTED below and explained in docs/policies.md ("Differences from istioctl analyze").
 * istioctl comes from the ISTIOCTL environment variable, which scripts/e2e.sh exports.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { COMPARED_CODES, guardFindings, GuardViolation, istioCases } from "../policy-pack/istio-codes";

const root = path.resolve(__dirname, "../..");

/**
 * Cases where the tools disagree on purpose, with the docs/policies.md entry that says why. A listed case that
 * agrees fails the test too, so the list and the docs cannot go stale.
 */
const DOCUMENTED: Record<string, string> = {
    "exportto-vs-shared": "IST0109 compares exportTo scopes as text",
    "gateway-selector-subset": "IST0145/IST0138 compare selectors as text",
    "gateway-wildcard-https": "IST0145 treats overlapping TLS hosts as conflicts",
    "gateway-http-merged": "IST0145 reports plain HTTP servers that Istio merges",
    "wildcard-dr-specific": "IST0101 accepts a subset any matching DestinationRule defines",
    "unreachable-prefix-root": "IST0131 finds only repeated matches",
    "unreachable-prefix-exact": "IST0131 finds only repeated matches",
};

interface IstioMessage { code: string; level: string; origin: string; message: string }

/** `Kind ns/name` as the checker's findings name a resource (cluster-scoped: `Kind /name`). */
function origin(o: string): string {
    const [kind, id] = o.trim().split(/\s+/, 2);
    return `${kind} ${id.includes("/") ? id : `/${id}`}`;
}

/** istioctl's findings on the compared checks; a Gateway's unmatched selector is a check only istioctl makes. */
function istioFindings(messages: IstioMessage[]): string[] {
    const out = new Set<string>();
    for (const m of messages) {
        if (!COMPARED_CODES.has(m.code)) continue;
        if (m.code === "IST0101" && m.origin.startsWith("Gateway ") && /selector/i.test(m.message)) continue;
        out.add(`${m.code} ${origin(m.origin)}`);
    }
    return [...out].sort();
}

function istioctl(bin: string, file: string): { findings: string[]; raw: string } {
    const recursive = fs.statSync(file).isDirectory() ? ["--recursive"] : [];
    const r = spawnSync(bin, ["analyze", "--use-kube=false", ...recursive, "-o", "json", file], { cwd: root, encoding: "utf8" });
    const text = (r.stdout ?? "").trim();
    if (!text.startsWith("[")) {
        // "No validation issues found" is printed as text even with -o json.
        if (r.status === 0) return { findings: [], raw: text };
        throw new Error(`istioctl analyze ${file}: exit ${r.status}\n${r.stdout}${r.stderr}`);
    }
    return { findings: istioFindings(JSON.parse(text) as IstioMessage[]), raw: text };
}

function guard(file: string): string[] {
    const r = spawnSync(process.execPath, [path.join(root, "policy-pack/checker/guard.js"), "--format", "json", file], { cwd: root, encoding: "utf8" });
    assert.ok(r.status === 0 || r.status === 1, `npm run guard ${file}: exit ${r.status}\n${r.stderr}`);
    return guardFindings((JSON.parse(r.stdout) as { violations: GuardViolation[] }).violations);
}

describe("istioctl analyze and npm run guard agree on the checks both make", () => {
    const bin = process.env.ISTIOCTL;
    const cases = istioCases();
    const summary = { cases: 0, agreements: 0, documented: 0 };

    before(function () {
        if (!bin) throw new Error("ISTIOCTL is not set: point it at an istioctl binary (scripts/e2e.sh exports it)");
    });

    for (const c of cases) {
        it(c.name, () => {
            const ours = guard(c.file);
            const theirs = istioctl(bin!, c.file).findings;
            summary.cases++;
            const agree = JSON.stringify(ours) === JSON.stringify(theirs);
            const documented = DOCUMENTED[c.name];
            if (agree) {
                assert.ok(!documented, `${c.name}: listed as a documented difference (${documented}) but both tools now agree on ${JSON.stringify(ours)}; remove it from DOCUMENTED and docs/policies.md`);
                summary.agreements++;
                return;
            }
            assert.ok(documented, `${c.name}: the tools disagree and docs/policies.md does not say why\n  guard:    ${JSON.stringify(ours)}\n  istioctl: ${JSON.stringify(theirs)}`);
            summary.documented++;
        });
    }

    // The local stack as `npm run render` writes it (render.e2e.ts renders it when the engine is there).
    it("the rendered local stack (rendered/)", function () {
        const rendered = path.join(root, "rendered");
        if (!fs.existsSync(rendered)) {
            console.log("      rendered/ does not exist: run npm run render first to compare the rendered stack");
            this.skip();
        }
        const ours = guard(rendered);
        const theirs = istioctl(bin!, rendered).findings;
        summary.cases++;
        assert.deepStrictEqual(ours, theirs, "the tools disagree on the rendered local stack and docs/policies.md does not say why");
        summary.agreements++;
    });

    after(() => {
        console.log(`      istioctl differential: ${summary.cases} cases, ${summary.agreements} agreements, ${summary.documented} documented differences`);
    });
});
