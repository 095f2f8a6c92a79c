/**
 * Differential test: `istioctl analyze --use-kube=false` and `npm run guard` over the same fixture cases
 * (test/policy-pack/fixtures/istio-cases), compared on the checks both make: the policy → analyzer and IST
 * code table in test/policy-pack/istio-codes.ts. An analyzer istioctl skips on files alone (it needs cluster
 * resources) makes no check, so the matching policy is left out of that comparison. Every disagreement is a
 * bug or a deliberate difference listed in DOCUMENTED and explained in docs/policies.md ("Differences from
 * istioctl analyze"). istioctl comes from the ISTIOCTL environment variable, which scripts/e2e.sh exports.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { COMPARED_CODES, guardFindings, GuardViolation, istioCases } from "../policy-pack/istio-codes";

const root = path.resolve(__dirname, "../..");

/**
 * Cases where the tools disagree on purpose, with the docs/policies.md entry that says why. A listed case that
 * agrees fails the test too, so the list and the docs cannot go stale.
 */
const DOCUMENTED: Record<string, string> = {
    "exportto-dr-hidden": "IST0101 ignores a DestinationRule's exportTo",
    "unreachable-prefix-exact": "IST0131 compares prefixes only with prefixes",
    "meshconfig-default-export": "IST0109 ignores the mesh config's defaultVirtualServiceExportTo",
};

interface IstioMessage {
    code: string;
    level: string;
    origin: string;
    message: string;
}
interface IstioRun {
    findings: string[];
    skipped: Set<string>;
}

/** `Kind ns/name` as the checker's findings name a resource (cluster-scoped: `Kind /name`). */
function origin(o: string): string {
    const [kind, id] = o.trim().split(/\s+/, 2);
    return `${kind} ${id.includes("/") ? id : `/${id}`}`;
}

/** The mesh config a case carries (the ConfigMap istiod reads), as a file for --meshConfigFile. */
function meshConfigFile(file: string): string[] {
    if (fs.statSync(file).isDirectory()) return [];
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS());
    const cm = docs.find((d) => d?.kind === "ConfigMap" && d?.metadata?.name === "istio" && typeof d?.data?.mesh === "string");
    if (!cm) return [];
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "istioctl-mesh-")), "mesh.yaml");
    fs.writeFileSync(out, cm.data.mesh);
    return ["--meshConfigFile", out];
}

function istioctl(bin: string, file: string): IstioRun {
    const args = ["analyze", "--use-kube=false", "--all-namespaces", "--verbose", "-o", "json", ...meshConfigFile(file), file];
    const r = spawnSync(bin, args, { cwd: root, encoding: "utf8", maxBuffer: 256 << 20 });
    const text = (r.stdout ?? "").trim();
    // --verbose lists on stderr the analyzers skipped for want of cluster resources.
    const err = r.stderr ?? "";
    const block = /Skipped analyzers:\n((?:\s+\S+\n)*)/.exec(err);
    const skipped = new Set(
        (block?.[1] ?? "")
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
    );
    if (!text.startsWith("[")) {
        // "No validation issues found" is printed as text even with -o json.
        assert.equal(r.status, 0, `istioctl ${args.join(" ")}: exit ${r.status}\n${r.stdout}${err}`);
        return { findings: [], skipped };
    }
    const out = new Set<string>();
    for (const m of JSON.parse(text) as IstioMessage[]) {
        if (COMPARED_CODES.has(m.code)) out.add(`${m.code} ${origin(m.origin)}`);
    }
    return { findings: [...out].sort(), skipped };
}

function guard(file: string, skipped: Set<string>): string[] {
    const r = spawnSync(process.execPath, [path.join(root, "policy-pack/checker/guard.js"), "--format", "json", file], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 256 << 20,
    });
    assert.ok(r.status === 0 || r.status === 1, `npm run guard ${file}: exit ${r.status}\n${r.stderr}`);
    return guardFindings((JSON.parse(r.stdout) as { violations: GuardViolation[] }).violations, skipped);
}

describe("istioctl analyze and npm run guard agree on the checks both make", () => {
    const bin = process.env.ISTIOCTL;
    const summary = { cases: 0, agreements: 0, documented: 0, uncompared: 0 };

    before(function () {
        if (!bin) throw new Error("ISTIOCTL is not set: point it at an istioctl binary (scripts/e2e.sh exports it)");
    });

    /** Compares one input; returns what both found, for the log. */
    function compare(name: string, file: string): void {
        const theirs = istioctl(bin!, file);
        const ours = guard(file, theirs.skipped);
        summary.uncompared += guard(file, new Set()).length - ours.length;
        summary.cases++;
        const agree = JSON.stringify(ours) === JSON.stringify(theirs.findings);
        const documented = DOCUMENTED[name];
        if (agree) {
            assert.ok(
                !documented,
                `${name}: listed as a documented difference (${documented}) but both tools now agree on ${JSON.stringify(ours)}; remove it from DOCUMENTED and docs/policies.md`,
            );
            summary.agreements++;
            return;
        }
        assert.ok(
            documented,
            `${name}: the tools disagree and docs/policies.md does not say why\n  guard:    ${JSON.stringify(ours)}\n  istioctl: ${JSON.stringify(theirs.findings)}`,
        );
        summary.documented++;
    }

    for (const c of istioCases()) it(c.name, () => compare(c.name, c.file));

    // The local stack as `npm run render` writes it (render.e2e.ts renders it when the engine is there).
    it("the rendered local stack (rendered/)", function () {
        const rendered = path.join(root, "rendered");
        if (!fs.existsSync(rendered)) {
            console.log("      rendered/ does not exist: run npm run render first to compare the rendered stack");
            this.skip();
        }
        compare("rendered", rendered);
    });

    after(() => {
        console.log(
            `      istioctl differential: ${summary.cases} cases, ${summary.agreements} agreements, ${summary.documented} documented differences; ${summary.uncompared} findings of the checker left out because istioctl skips that analyzer without a cluster`,
        );
    });
});
