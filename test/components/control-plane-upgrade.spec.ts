import { sharedPath } from "../shared";
/**
 * The runbook of docs/upgrade.md under mocks, 1.29.6 to 1.30.3 and back: every step one config change,
 * the resources and their URNs asserted at each step.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { WEBHOOK_RUNTIME_FIELDS } from "../../components/chart-source";
import { runProgram, Stack } from "../mocks";
import { STEPS, stepConfig } from "../fixtures/upgrade-runbook";

const CHART = "kubernetes:helm.sh/v4:Chart";
const CP = "urn:pulumi:test::istio-mesh::istio-mesh:mesh:ControlPlane";
const urnOf = (name: string) => `${CP}$kubernetes:helm.sh/v4:Chart::${name}`;

/** The istiod charts by Pulumi name: release, version, tags and the prefix of what they render. */
function istiods(stack: Stack): Record<string, { release: string; version: string; tags?: string[]; prefix?: string }> {
    const out: Record<string, { release: string; version: string; tags?: string[]; prefix?: string }> = {};
    for (const c of stack.ofType(CHART).filter((r) => r.name.startsWith("mesh-istiod"))) {
        out[c.name] = {
            release: c.inputs.name,
            version: c.inputs.chart.split("/").slice(-2)[0],
            tags: c.inputs.values.revisionTags,
            prefix: c.inputs.resourcePrefix,
        };
    }
    return out;
}

function labelOf(stack: Stack, ns: string): Record<string, string> {
    const r = stack.find("kubernetes:core/v1:Namespace", `${ns}-namespace`) ?? stack.get("kubernetes:core/v1:NamespacePatch", `${ns}-namespace`);
    return r.inputs.metadata.labels;
}

describe("upgrade runbook: Istio 1.29.6 to 1.30.3 by canary revisions and tags", () => {
    const stacks: Stack[] = [];
    before(async function () {
        this.timeout(120000);
        for (const step of STEPS) {
            stacks.push(await runProgram(stepConfig(step)));
        }
    });

    describe("step 0: today's single form", () => {
        it("runs istiod-1-29-6 from the 1.29.6 charts as mesh-istiod", () =>
            assert.deepStrictEqual(istiods(stacks[0]), { "mesh-istiod": { release: "istiod-1-29-6", version: "1.29.6", tags: undefined, prefix: undefined } }));
    });

    describe("step 1: the revisions form", () => {
        it("renames the istiod chart with an alias to its old URN, so nothing is replaced", () => {
            const c = stacks[1].get(CHART, "mesh-istiod-1-29-6");
            assert.deepStrictEqual(
                c.aliases.map((a) => [a.spec.name, a.spec.parenturn]),
                [["mesh-istiod", CP + "::mesh"]],
            );
        });
        it("keeps the rendered objects' names: their prefix is the old chart name", () =>
            assert.strictEqual(stacks[1].get(CHART, "mesh-istiod-1-29-6").inputs.resourcePrefix, "mesh-istiod"));
        it("installs the same release with the same values", () => {
            const before = stacks[0].get(CHART, "mesh-istiod").inputs;
            const after = stacks[1].get(CHART, "mesh-istiod-1-29-6").inputs;
            assert.deepStrictEqual({ ...after, resourcePrefix: undefined }, { ...before, resourcePrefix: undefined });
        });
        it("changes no other resource", () => {
            const urns = (s: Stack) =>
                s.resources
                    .map((r) => r.urn)
                    .filter((u) => !u.includes("Chart::mesh-istiod"))
                    .sort();
            assert.deepStrictEqual(urns(stacks[1]), urns(stacks[0]));
        });
        it("keeps every namespace's label", () => assert.deepStrictEqual(labelOf(stacks[1], "customer-apps")["istio.io/rev"], "1-29-6"));
    });

    describe("step 2: the stable tag", () => {
        it("renders the tag with the 1-29-6 release", () => assert.deepStrictEqual(istiods(stacks[2])["mesh-istiod-1-29-6"].tags, ["prod-stable"]));
        it("enrols namespaces by the tag", () =>
            assert.deepStrictEqual(
                [labelOf(stacks[2], "customer-apps")["istio.io/rev"], labelOf(stacks[2], "legacy-apps")["istio.io/rev"]],
                ["prod-stable", "prod-stable"],
            ));
        it("points the gateway at the tag", () => assert.strictEqual(gatewayChart(stacks[2]).inputs.values.revision, "prod-stable"));
    });

    describe("step 3: add the canary", () => {
        it("runs both control planes, each from its own charts, rendering its own tag", () =>
            assert.deepStrictEqual(istiods(stacks[3]), {
                "mesh-istiod-1-29-6": { release: "istiod-1-29-6", version: "1.29.6", tags: ["prod-stable"], prefix: "mesh-istiod" },
                "mesh-istiod-1-30-3": { release: "istiod-1-30-3", version: "1.30.3", tags: ["prod-canary"], prefix: "mesh-istiod" },
            }));
        it("leaves the running istiod untouched: same URN, same inputs", () =>
            assert.deepStrictEqual(stacks[3].get(CHART, "mesh-istiod-1-29-6").inputs, stacks[2].get(CHART, "mesh-istiod-1-29-6").inputs));
        it("keeps every resource of step 2 under its URN", () => {
            const now = new Set(stacks[3].resources.map((r) => r.urn));
            assert.deepStrictEqual(
                stacks[2].resources.map((r) => r.urn).filter((u) => !now.has(u)),
                [],
            );
        });
        it("takes the CRDs from the newest revision's base chart, under the same URN", () => {
            const base = stacks[3].get(CHART, "mesh-base");
            assert.deepStrictEqual([base.urn, base.inputs.chart], [urnOf("mesh-base"), `${sharedPath("../shared/istio-charts/1.30.3")}/base`]);
        });
        it("still retains the CRDs", () => {
            const crd = applyTransforms(stacks[3].get(CHART, "mesh-base").transforms, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
            assert.strictEqual(crd?.retainOnDelete, true);
        });
        it("keeps the default validator on the stable revision", () =>
            assert.strictEqual(stacks[3].get(CHART, "mesh-base").inputs.values.defaultRevision, "1-29-6"));
        it("gives both revisions' webhooks the same drift handling, so a second preview is clean", () => {
            const mwc = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration";
            assert.deepStrictEqual(
                ["mesh-istiod-1-29-6", "mesh-istiod-1-30-3"].map((n) => applyTransforms(stacks[3].get(CHART, n).transforms, mwc)?.ignoreChanges),
                [WEBHOOK_RUNTIME_FIELDS, WEBHOOK_RUNTIME_FIELDS],
            );
        });
        it("moves no namespace", () => assert.strictEqual(labelOf(stacks[3], "customer-apps")["istio.io/rev"], "prod-stable"));
    });

    describe("step 4: one namespace on the canary", () => {
        it("relabels only that namespace", () =>
            assert.deepStrictEqual(
                [labelOf(stacks[4], "customer-apps")["istio.io/rev"], labelOf(stacks[4], "legacy-apps")["istio.io/rev"]],
                ["prod-canary", "prod-stable"],
            ));
        it("leaves both control planes as they were", () => assert.deepStrictEqual(istiods(stacks[4]), istiods(stacks[3])));
        it("exports each namespace's tag and revision", () =>
            assert.deepStrictEqual((stacks[4].outputs.istio as { namespaces: unknown }).namespaces, {
                "customer-apps": { label: "istio.io/rev=prod-canary", tag: "prod-canary", revision: "1-30-3" },
                "legacy-apps": { label: "istio.io/rev=prod-stable", tag: "prod-stable", revision: "1-29-6" },
            }));
    });

    describe("step 5: the stable tag moved", () => {
        it("renders both tags with the new release, none with the old", () =>
            assert.deepStrictEqual(
                [istiods(stacks[5])["mesh-istiod-1-29-6"].tags, istiods(stacks[5])["mesh-istiod-1-30-3"].tags],
                [undefined, ["prod-canary", "prod-stable"]],
            ));
        it("keeps the tag webhook's URN: every release renders under the same prefix", () =>
            assert.deepStrictEqual(
                Object.values(istiods(stacks[5])).map((c) => c.prefix),
                ["mesh-istiod", "mesh-istiod"],
            ));
        it("relabels no namespace: the tag moved under them", () => assert.strictEqual(labelOf(stacks[5], "legacy-apps")["istio.io/rev"], "prod-stable"));
        it("moves the default validator with the stable tag", () =>
            assert.strictEqual(stacks[5].get(CHART, "mesh-base").inputs.values.defaultRevision, "1-30-3"));
        it("upgrades the gateway chart in place, with the tag", () => assert.match(gatewayChart(stacks[5]).inputs.chart, /1\.30\.3\/gateway$/));
        it("keeps the old istiod's URN and release", () => assert.strictEqual(stacks[5].get(CHART, "mesh-istiod-1-29-6").inputs.name, "istiod-1-29-6"));
    });

    describe("step 7: the old revision removed", () => {
        it("runs only the new istiod, under the URN it had since step 3", () => {
            assert.deepStrictEqual(Object.keys(istiods(stacks[7])), ["mesh-istiod-1-30-3"]);
            assert.strictEqual(stacks[7].get(CHART, "mesh-istiod-1-30-3").urn, stacks[3].get(CHART, "mesh-istiod-1-30-3").urn);
        });
        it("leaves the namespaces' labels alone", () => assert.strictEqual(labelOf(stacks[7], "customer-apps")["istio.io/rev"], "prod-stable"));
        it("exports the one revision with both tags", () =>
            assert.deepStrictEqual((stacks[7].outputs.istio as { revisions: unknown }).revisions, {
                "1-30-3": { version: "1.30.3", istiod: "istiod-1-30-3.istio-system.svc:15012", tags: ["prod-canary", "prod-stable"] },
            }));
    });

    describe("monitoring with two control planes", () => {
        it("scrapes every revision's istiod, not the tag Services in front of them", async () => {
            const stack = await runProgram({ ...stepConfig(STEPS[3]), observability: { prometheus: { mode: "operator" } } });
            assert.deepStrictEqual(stack.k8s("ServiceMonitor", "istiod").inputs.spec.selector, {
                matchLabels: { app: "istiod" },
                matchExpressions: [
                    { key: "istio.io/rev", operator: "In", values: ["1-29-6", "1-30-3"] },
                    { key: "istio.io/tag", operator: "DoesNotExist" },
                ],
            });
        });
    });

    describe("rollback: one step back is one config change back", () => {
        it("moving the stable tag back renders it with the old release again", async () => {
            const back = await runProgram(stepConfig(STEPS[4]));
            assert.deepStrictEqual(istiods(back), istiods(stacks[4]));
        });
        it("removing the canary leaves the stable control plane exactly as before it", async () => {
            const back = await runProgram(stepConfig(STEPS[2]));
            assert.deepStrictEqual(back.get(CHART, "mesh-istiod-1-29-6").inputs, stacks[2].get(CHART, "mesh-istiod-1-29-6").inputs);
        });
    });
});

function gatewayChart(stack: Stack) {
    const g = stack.ofType(CHART).find((c) => String(c.inputs.chart).endsWith("/gateway"));
    if (!g) throw new Error("no gateway chart");
    return g;
}

/** The options the chart's transforms give a rendered child of `type`. */
function applyTransforms(transforms: pulumi.ResourceTransform[], type: string): pulumi.CustomResourceOptions | undefined {
    let opts: pulumi.CustomResourceOptions | undefined;
    for (const t of transforms) {
        const r = t({ type, name: "child", custom: true, props: {}, opts: opts ?? {} }) as pulumi.ResourceTransformResult | undefined;
        if (r) opts = r.opts as pulumi.CustomResourceOptions;
    }
    return opts;
}
