/**
 * Backward compatibility of the control plane: today's single `istio-mesh:istio` form makes exactly the
 * resources it made before istio.revisions existed (fingerprints of the dev, prod and local stacks taken
 * at that commit), and moving prod to the revisions form replaces nothing.
 *
 * A deliberate change to these stacks' resources (another feature) updates the fixture with
 * `UPDATE_FINGERPRINTS=1 npx mocha test/stacks-revisions.spec.ts`; review its diff like a preview.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { fingerprint } from "./fingerprint";
import { runProgram, Stack } from "./mocks";
import { runStack, stackConfig, STACK_SECRETS } from "./stack-files";

const FIXTURE = path.join(__dirname, "fixtures", "single-revision-fingerprints.json");
const CHART = "kubernetes:helm.sh/v4:Chart";

describe("single form: the same resources under the same URNs", () => {
    const pinned = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, ReturnType<typeof fingerprint>>;
    const now: Record<string, ReturnType<typeof fingerprint>> = {};
    after(() => {
        if (process.env.UPDATE_FINGERPRINTS === "1") fs.writeFileSync(FIXTURE, JSON.stringify(now, null, 1) + "\n");
    });
    for (const name of ["dev", "prod", "local"]) {
        describe(name, () => {
            before(async () => {
                now[name] = fingerprint(await runStack(name));
            });
            it("registers the same URNs", () => assert.deepStrictEqual(Object.keys(now[name].resources).sort(), Object.keys(pinned[name].resources).sort()));
            it("gives every resource the same inputs, parent, dependencies and options", () =>
                assert.deepStrictEqual(now[name].resources, pinned[name].resources));
            it("exports the same outputs", () => assert.strictEqual(now[name].outputs, pinned[name].outputs));
        });
    }
});

/** The stack's config with its single-form istio section rewritten as one revision named `name`. */
function asRevisions(name: string, stackName: string): Record<string, unknown> {
    const raw = stackConfig(stackName);
    const { version, chartRepo, revision, ...istio } = raw.istio as Record<string, unknown>;
    const source = chartRepo === undefined ? {} : { chartRepo };
    return { ...raw, istio: { ...istio, revisions: { [name]: { version, ...source } }, ...(revision === undefined ? {} : { revision }) } };
}

// dev runs Istio's unrevisioned control plane (revision `default`), prod a revisioned one (1-30-3).
for (const [stackName, revision] of [
    ["dev", "default"],
    ["prod", "1-30-3"],
])
    describe(`${stackName} moved to the revisions form`, () => {
        let single: Stack;
        let multi: Stack;
        const chart = `mesh-istiod-${revision}`;
        before(async () => {
            single = await runStack(stackName);
            multi = await runProgram(asRevisions(revision, stackName), { stack: stackName, secretKeys: Object.keys(STACK_SECRETS[stackName] ?? {}) });
        });
        it("aliases the istiod chart to its single-form URN", () =>
            assert.deepStrictEqual(
                multi.get(CHART, chart).aliases.map((a) => a.spec.name),
                ["mesh-istiod"],
            ));
        it("renders istiod's objects under the single form's names", () =>
            assert.strictEqual(multi.get(CHART, chart).inputs.resourcePrefix, single.get(CHART, "mesh-istiod").name));
        it("installs the same istiod release and values", () => {
            const { resourcePrefix, ...inputs } = multi.get(CHART, chart).inputs;
            assert.deepStrictEqual([resourcePrefix, inputs], ["mesh-istiod", single.get(CHART, "mesh-istiod").inputs]);
        });
        it("keeps every other resource, its inputs and its URN (dependencies on istiod follow its alias)", () => {
            const aliased = (urn: string) => urn.replace(new RegExp(`Chart::${chart}$`), "Chart::mesh-istiod");
            const rest = (s: Stack) =>
                fingerprint(
                    new Stack(
                        s.resources
                            .filter((r) => !(r.type === CHART && r.name.startsWith("mesh-istiod")))
                            .map((r) => ({ ...r, dependsOn: r.dependsOn.map(aliased) })),
                        {},
                    ),
                ).resources;
            assert.deepStrictEqual(rest(multi), rest(single));
        });
    });
