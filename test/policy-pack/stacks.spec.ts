/**
 * The project's own stacks through the pack: every Kubernetes object the program registers for dev, prod and
 * local, run through every policy as the engine would (resource policies per object, stack policies over all).
 * with the policy config CI previews that stack with (`policy-config` in the pull-request workflow's matrix).
 * None may raise a mandatory violation. (Under mocks the Helm charts render nothing; the chart output is
 * covered by the manifest checker over `rendered/`.)
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { load } from "js-yaml";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { resolveConfig, ResolvedConfig } from "../../policy-pack/checker/config";
import { policies } from "../../policy-pack/policies";
import { REPO_ROOT } from "../mocks";
import { FakeResource, resourceArgs, stackArgs } from "./harness";
import { runStack } from "../stack-files";

interface Found {
    policy: string;
    level: string;
    message: string;
}

/** The policy config the pull-request workflow previews a stack with (empty when none). */
function ciPolicyConfig(stack: string): ResolvedConfig {
    const workflow = load(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "pull-request.yml"), "utf8")) as any;
    const entry = (workflow?.jobs?.preview?.strategy?.matrix?.include ?? []).find((e: any) => e.stack === stack);
    const file = entry?.["policy-config"];
    return resolveConfig(file ? JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) : {}, policies);
}

/** The DaemonSet the `cni` chart renders (name and labels as in its templates/daemonset.yaml). */
function cniAgentStandIn(namespace: string): FakeResource {
    const labels = { "k8s-app": "istio-cni-node" };
    const props = {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "istio-cni-node", namespace, labels },
        spec: {
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [{ name: "install-cni", image: "docker.io/istio/install-cni:1.30.3" }] } },
        },
    };
    return {
        type: "kubernetes:apps/v1:DaemonSet",
        props,
        urn: `urn:pulumi:test::istio-mesh::kubernetes:apps/v1:DaemonSet::istio-cni-node`,
        name: "istio-cni-node",
    };
}

function check(resources: FakeResource[], config: ResolvedConfig): Found[] {
    const found: Found[] = [];
    for (const p of policies) {
        const level = config.level(p.name, p.enforcementLevel);
        if (level === "disabled") continue;
        const options = config.options(p.name);
        const report = (message: string) => found.push({ policy: p.name, level, message });
        if ("validateStack" in p) {
            (p as StackValidationPolicy).validateStack(stackArgs(p, resources, options), report);
        } else {
            const fns = (p as ResourceValidationPolicy).validateResource!;
            for (const r of resources) for (const fn of Array.isArray(fns) ? fns : [fns]) fn(resourceArgs(p, r, options), report);
        }
    }
    return found;
}

for (const name of ["dev", "prod", "local"]) {
    describe(`the ${name} stack through the pack`, function () {
        this.timeout(120000);
        let found: Found[];
        let objects = 0;
        before(async () => {
            const stack = await runStack(name);
            const resources = stack.resources
                .filter((r) => r.type.startsWith("kubernetes:") && r.custom)
                .map((r) => ({ type: r.type, props: r.inputs, urn: r.urn, name: r.name }));
            // The cni chart renders the node agent's DaemonSet with the real engine; under mocks it stands in.
            const cni = stack.find("kubernetes:helm.sh/v4:Chart", "mesh-cni-agent");
            if (cni) resources.push(cniAgentStandIn(cni.inputs.namespace));
            objects = resources.length;
            found = check(resources, ciPolicyConfig(name));
        });
        it("registers Kubernetes objects for the pack to check", () => assert.ok(objects > 0));
        it("raises no mandatory violation", () => {
            assert.deepStrictEqual(
                found.filter((f) => f.level === "mandatory").map((f) => `${f.policy}: ${f.message}`),
                [],
            );
        });
    });
}
