/**
 * The project's own stacks, run through the program exactly as their stack files say: dev small and
 * cheap, prod highly available and strict.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../bin/config-check";
import { REPO_ROOT, runProgram, secretPaths, Stack } from "./mocks";
import { PROD_SECRETS_FOR_TESTS as PROD_SECRETS, runStack } from "./stack-files";

const CHART = "kubernetes:helm.sh/v4:Chart";

export { runStack };

describe("stacks", () => {
    describe("dev", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("dev");
        });
        it("runs a single istiod without autoscaling", () => {
            const v = stack.get(CHART, "mesh-istiod").inputs.values;
            assert.deepStrictEqual([v.autoscaleEnabled, v.replicaCount], [false, 1]);
        });
        it("has no PodDisruptionBudget for istiod", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.global.defaultPodDisruptionBudget.enabled, false));
        it("requests small resources", () =>
            assert.deepStrictEqual(stack.get(CHART, "mesh-istiod").inputs.values.resources, { requests: { cpu: "100m", memory: "512Mi" } }));
        it("is not air-gapped", () => assert.strictEqual(stack.k8s("Namespace", "istio-system").inputs.metadata.annotations, undefined));
        it("uses istiod's self-signed CA", () => assert.strictEqual(stack.ofType("istio-mesh:mesh:PluginCa").length, 0));
        it("protects nothing", () =>
            assert.deepStrictEqual(
                stack.resources.filter((r) => r.protect).map((r) => r.name),
                [],
            ));
        it("pulls charts from the official repository", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.repositoryOpts.repo, "https://istio-release.storage.googleapis.com/charts"));
    });

    describe("prod", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("prod");
        });
        it("autoscales istiod from 3 to 6", () => {
            const v = stack.get(CHART, "mesh-istiod").inputs.values;
            assert.deepStrictEqual([v.autoscaleEnabled, v.autoscaleMin, v.autoscaleMax], [true, 3, 6]);
        });
        it("keeps a PodDisruptionBudget for istiod", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.global.defaultPodDisruptionBudget.enabled, true));
        it("never co-locates two istiod replicas", () =>
            assert.ok(stack.get(CHART, "mesh-istiod").inputs.values.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution));
        it("pulls charts from the Harbor OCI mirror", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.chart, "oci://harbor.example.com/istio-charts/istiod"));
        it("pulls images from the Harbor mirror", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.global.hub, "harbor.example.com/istio"));
        it("runs a revisioned control plane", () => assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.revision, "1-30-3"));
        it("uses a plug-in CA", () => assert.strictEqual(stack.ofType("istio-mesh:mesh:PluginCa").length, 1));
        it("allows only registered egress", () =>
            assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.meshConfig.outboundTrafficPolicy.mode, "REGISTRY_ONLY"));
        it("creates the Harbor pull secret in every namespace that pulls, from the Pulumi secret", () =>
            assert.deepStrictEqual(
                stack.resources
                    .filter((r) => r.inputs?.type === "kubernetes.io/dockerconfigjson")
                    .map((r) => [r.inputs.metadata.namespace, r.name, r.inputs.metadata.name, r.inputs.stringData[".dockerconfigjson"]])
                    .sort(),
                [
                    ["customer-apps", "customer-apps-pull-secret", "harbor-pull", PROD_SECRETS.registryPullSecret],
                    ["istio-ingress", "ingress-pull-secret", "harbor-pull", PROD_SECRETS.registryPullSecret],
                    ["istio-system", "mesh-pull-secret", "harbor-pull", PROD_SECRETS.registryPullSecret],
                    ["kube-system", "mesh-cni-pull-secret", "harbor-pull", PROD_SECRETS.registryPullSecret],
                    ["observability", "observability-kiali-pull-secret", "harbor-pull", PROD_SECRETS.registryPullSecret],
                ],
            ));
        it("keeps the pull secret's credentials secret in state", () =>
            assert.deepStrictEqual(secretPaths(stack.get("kubernetes:core/v1:Secret", "mesh-pull-secret").wire), ["stringData"]));
        it("starts istiod only once its pull secret exists", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-istiod")).includes("mesh-pull-secret")));
        it("starts the gateways only once their pull secret exists", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "ingress-external-chart")).includes("ingress-pull-secret")));
        it("pulls Kiali from under the hub, with the pull secret", () => {
            const d = stack.get(CHART, "observability-kiali").inputs.values.deployment;
            assert.deepStrictEqual([d.image_name, d.image_pull_secrets], ["harbor.example.com/istio/kiali", ["harbor-pull"]]);
        });
        it("marks the control-plane namespace air-gapped with its hub, for the policy pack", () =>
            assert.deepStrictEqual(stack.k8s("Namespace", "istio-system").inputs.metadata.annotations, {
                "istio-mesh/air-gapped-hub": "harbor.example.com/istio",
            }));
        it("protects the namespace and the CA", () =>
            assert.deepStrictEqual(
                ["mesh-namespace", "mesh-ca-cacerts", "mesh-ca-root-key", "mesh-ca-root-cert"].map((n) => stack.resources.find((r) => r.name === n)?.protect),
                [true, true, true, true],
            ));
    });

    describe("prod in a fresh clone (no secrets set yet)", () => {
        it("stops before any resource, naming each secret and the command that sets it", async () => {
            const config = readStackFile(path.join(REPO_ROOT, "Pulumi.prod.yaml"));
            await assert.rejects(runProgram(config, { stack: "prod" }), (err: Error) => {
                const lines = err.message.split("\n").slice(1);
                assert.deepStrictEqual(
                    lines.map((l) => /^(istio-mesh:\w+): .*run (pulumi config set --secret istio-mesh:\w+)/.exec(l)?.slice(1)),
                    [
                        ["istio-mesh:kialiOidcClientSecret", "pulumi config set --secret istio-mesh:kialiOidcClientSecret"],
                        ["istio-mesh:registryPullSecret", "pulumi config set --secret istio-mesh:registryPullSecret"],
                    ],
                );
                return true;
            });
        });
        it("holds no encrypted value that a fresh clone could not decrypt", () =>
            assert.doesNotMatch(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"), /^\s*secure:/m));
    });
});
