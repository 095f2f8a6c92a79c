import { sharedPath } from "../shared";
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ignoreWebhookRuntimeFields, retainCrds, WEBHOOK_RUNTIME_FIELDS } from "../../components/chart-source";
import { runProgram, secretPaths, Stack } from "../mocks";

const CHART = "kubernetes:helm.sh/v4:Chart";

/** Runs a chart transform on a synthetic rendered child of the given type. */
function transformOf(t: pulumi.ResourceTransform, type: string): pulumi.ResourceTransformResult | undefined {
    return t({ type, name: "child", custom: true, props: {}, opts: {} }) as pulumi.ResourceTransformResult | undefined;
}

describe("ControlPlane", () => {
    describe("with defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({});
        });

        it("creates the istio-system namespace", () =>
            assert.strictEqual(stack.get("kubernetes:core/v1:Namespace", "mesh-namespace").inputs.metadata.name, "istio-system"));
        it("installs the base chart from Istio's repository, pinned", () => {
            const base = stack.get(CHART, "mesh-base").inputs;
            assert.deepStrictEqual(
                [base.chart, base.version, base.repositoryOpts.repo],
                ["base", "1.30.3", "https://istio-release.storage.googleapis.com/charts"],
            );
        });
        it("installs istiod from the same repository and version", () => {
            const istiod = stack.get(CHART, "mesh-istiod").inputs;
            assert.deepStrictEqual(
                [istiod.chart, istiod.version, istiod.repositoryOpts.repo],
                ["istiod", "1.30.3", "https://istio-release.storage.googleapis.com/charts"],
            );
        });
        it("installs both charts into istio-system", () =>
            assert.deepStrictEqual(
                [stack.get(CHART, "mesh-base").inputs.namespace, stack.get(CHART, "mesh-istiod").inputs.namespace],
                ["istio-system", "istio-system"],
            ));
        it("names the releases istio-base and istiod", () =>
            assert.deepStrictEqual([stack.get(CHART, "mesh-base").inputs.name, stack.get(CHART, "mesh-istiod").inputs.name], ["istio-base", "istiod"]));
        it("installs base only after the namespace", () => assert.deepStrictEqual(stack.dependencyNames(stack.get(CHART, "mesh-base")), ["mesh-namespace"]));
        it("installs istiod strictly after base", () => assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-istiod")).includes("mesh-base")));
        it("creates no CA without pluginCa", () => assert.strictEqual(stack.ofType("istio-mesh:mesh:PluginCa").length, 0));
        it("does not protect the namespace", () => assert.strictEqual(stack.get("kubernetes:core/v1:Namespace", "mesh-namespace").protect, false));
        it("parents every child to the component", () => {
            const component = stack.get("istio-mesh:mesh:ControlPlane", "mesh");
            for (const name of ["mesh-namespace", "mesh-base", "mesh-istiod"]) {
                assert.strictEqual(stack.resources.find((r) => r.name === name)?.parent, component.urn, name);
            }
        });
        it("exports where istiod is and how namespaces enrol", () =>
            assert.deepStrictEqual(stack.outputs.istio, {
                version: "1.30.3",
                namespace: "istio-system",
                revision: "default",
                istiod: "istiod.istio-system.svc:15012",
                injectionLabel: "istio-injection=enabled",
            }));
    });

    describe("chart values", () => {
        it("starts the validation webhooks at Fail in both charts, so istiod has nothing to flip", async () => {
            const stack = await runProgram({});
            assert.deepStrictEqual(
                [stack.get(CHART, "mesh-base").inputs.values.base, stack.get(CHART, "mesh-istiod").inputs.values.base],
                [{ validationFailurePolicy: "Fail" }, { validationFailurePolicy: "Fail" }],
            );
        });
        it("never sets _internal_defaults_do_not_set", async () => {
            const stack = await runProgram({ controlPlane: { values: { pilot: { env: {} } } } });
            for (const chart of stack.ofType(CHART)) {
                assert.ok(!JSON.stringify(chart.inputs.values).includes("_internal_defaults_do_not_set"), chart.name);
            }
        });
        it("merges raw istiod values last", async () => {
            const stack = await runProgram({ controlPlane: { replicas: 2, values: { replicaCount: 4, global: { logAsJson: true } } } });
            const values = stack.get(CHART, "mesh-istiod").inputs.values;
            assert.deepStrictEqual([values.replicaCount, values.global.logAsJson, values.global.istioNamespace], [4, true, "istio-system"]);
        });
        it("merges raw base values last", async () => {
            const stack = await runProgram({ controlPlane: { baseValues: { base: { excludedCRDs: ["wasmplugins.extensions.istio.io"] } } } });
            assert.deepStrictEqual(stack.get(CHART, "mesh-base").inputs.values.base, {
                validationFailurePolicy: "Fail",
                excludedCRDs: ["wasmplugins.extensions.istio.io"],
            });
        });
    });

    describe("chart sources", () => {
        it("pulls from an OCI mirror by chart path and version", async () => {
            const stack = await runProgram({ istio: { chartRepo: "oci://harbor.example.com/istio-charts" } });
            const istiod = stack.get(CHART, "mesh-istiod").inputs;
            assert.deepStrictEqual(
                [istiod.chart, istiod.version, istiod.repositoryOpts],
                ["oci://harbor.example.com/istio-charts/istiod", "1.30.3", undefined],
            );
        });
        it("reads local charts from the configured directory", async () => {
            const stack = await runProgram({ istio: { chartDir: "../shared/istio-charts/1.30.3" } });
            assert.deepStrictEqual(
                ["mesh-base", "mesh-istiod"].map((n) => stack.get(CHART, n).inputs.chart),
                [`${sharedPath("../shared/istio-charts/1.30.3")}/base`, `${sharedPath("../shared/istio-charts/1.30.3")}/istiod`],
            );
        });
    });

    describe("private registry", () => {
        it("sets hub and global.hub for istiod", async () => {
            const values = (await runProgram({ istio: { hub: "harbor.example.com/istio" } })).get(CHART, "mesh-istiod").inputs.values;
            assert.deepStrictEqual([values.hub, values.global.hub], ["harbor.example.com/istio", "harbor.example.com/istio"]);
        });
        it("passes image pull secrets to both charts", async () => {
            const stack = await runProgram(
                { istio: { imagePullSecrets: ["harbor-pull"] }, registryPullSecret: `{"auths":{}}` },
                { secretKeys: ["registryPullSecret"] },
            );
            assert.deepStrictEqual(
                ["mesh-base", "mesh-istiod"].map((n) => stack.get(CHART, n).inputs.values.global.imagePullSecrets),
                [["harbor-pull"], ["harbor-pull"]],
            );
        });
    });

    describe("revisions", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ istio: { revision: "1-30-3" } });
        });
        it("sets the istiod revision", () => assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.values.revision, "1-30-3"));
        it("points the default validator at the revisioned istiod", () =>
            assert.strictEqual(stack.get(CHART, "mesh-base").inputs.values.defaultRevision, "1-30-3"));
        it("names the release after the revision", () => assert.strictEqual(stack.get(CHART, "mesh-istiod").inputs.name, "istiod-1-30-3"));
        it("enrols namespaces with istio.io/rev", () =>
            assert.strictEqual((stack.outputs.istio as { injectionLabel: string }).injectionLabel, "istio.io/rev=1-30-3"));
    });

    describe("plug-in CA", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ istio: { pluginCa: true, trustDomain: "prod.example.com" } });
        });
        it("stores the CA as the cacerts secret in istio-system", () => {
            const secret = stack.get("kubernetes:core/v1:Secret", "mesh-ca-cacerts").inputs;
            assert.deepStrictEqual([secret.metadata.name, secret.metadata.namespace], ["cacerts", "istio-system"]);
        });
        it("holds the four files istiod reads", () =>
            assert.deepStrictEqual(Object.keys(stack.get("kubernetes:core/v1:Secret", "mesh-ca-cacerts").inputs.stringData).sort(), [
                "ca-cert.pem",
                "ca-key.pem",
                "cert-chain.pem",
                "root-cert.pem",
            ]));
        it("chains the intermediate to the root", () => {
            const data = stack.get("kubernetes:core/v1:Secret", "mesh-ca-cacerts").inputs.stringData;
            assert.strictEqual(data["cert-chain.pem"], data["ca-cert.pem"] + data["root-cert.pem"]);
        });
        it("sends the secret's data as a Pulumi secret", () =>
            assert.deepStrictEqual(secretPaths(stack.get("kubernetes:core/v1:Secret", "mesh-ca-cacerts").wire), ["stringData"]));
        it("signs the intermediate with the root's key, passed as a secret", () =>
            assert.deepStrictEqual(secretPaths(stack.get("tls:index/locallySignedCert:LocallySignedCert", "mesh-ca-intermediate-cert").wire), [
                "caPrivateKeyPem",
            ]));
        it("makes the root a 10-year CA", () => {
            const root = stack.get("tls:index/selfSignedCert:SelfSignedCert", "mesh-ca-root-cert").inputs;
            assert.deepStrictEqual([root.isCaCertificate, root.validityPeriodHours, root.subject.commonName], [true, 87600, "Root CA prod.example.com"]);
        });
        it("renews the intermediate 30 days before it expires", () => {
            const cert = stack.get("tls:index/locallySignedCert:LocallySignedCert", "mesh-ca-intermediate-cert").inputs;
            assert.deepStrictEqual([cert.validityPeriodHours, cert.earlyRenewalHours], [17520, 720]);
        });
        it("uses 4096-bit RSA keys", () =>
            assert.deepStrictEqual(
                stack.ofType("tls:index/privateKey:PrivateKey").map((k) => [k.inputs.algorithm, k.inputs.rsaBits]),
                [
                    ["RSA", 4096],
                    ["RSA", 4096],
                ],
            ));
        it("starts istiod only after the cacerts secret exists", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-istiod")).includes("mesh-ca-cacerts")));
        it("exports the root certificate", () => assert.match(String(stack.outputs.meshRootCertPem), /mock-mesh-ca-root-cert/));
    });

    describe("protection", () => {
        it("protects the namespace, the keys and the cacerts secret when istio.protect is set", async () => {
            const stack = await runProgram({ istio: { pluginCa: true, protect: true } });
            const children = stack.descendants(stack.get("istio-mesh:mesh:ControlPlane", "mesh"));
            const unprotected = children.filter((r) => r.custom && !r.protect).map((r) => r.name);
            assert.deepStrictEqual(unprotected, []);
        });
        it("hands the CRD transforms the protect setting", async () => {
            const stack = await runProgram({ istio: { protect: true } });
            const [retain] = stack.get(CHART, "mesh-base").transforms;
            assert.deepStrictEqual(transformOf(retain, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")?.opts, {
                retainOnDelete: true,
                protect: true,
            });
        });
    });

    describe("chart transforms", () => {
        it("retains CRDs on delete", () =>
            assert.deepStrictEqual(transformOf(retainCrds(false), "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")?.opts, {
                retainOnDelete: true,
                protect: false,
            }));
        it("leaves other rendered objects alone", () => assert.strictEqual(transformOf(retainCrds(true), "kubernetes:apps/v1:Deployment"), undefined));
        it("ignores istiod's run-time changes to validating webhooks", () =>
            assert.deepStrictEqual(
                transformOf(ignoreWebhookRuntimeFields, "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration")?.opts?.ignoreChanges,
                WEBHOOK_RUNTIME_FIELDS,
            ));
        it("ignores istiod's run-time changes to mutating webhooks", () =>
            assert.deepStrictEqual(
                transformOf(ignoreWebhookRuntimeFields, "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration")?.opts?.ignoreChanges,
                ["webhooks[*].clientConfig.caBundle", "webhooks[*].failurePolicy"],
            ));
        it("applies the CRD and webhook transforms to base", async () =>
            assert.deepStrictEqual((await runProgram({})).get(CHART, "mesh-base").transforms.length, 2));
        it("applies the webhook transform to istiod", async () => {
            const [t] = (await runProgram({})).get(CHART, "mesh-istiod").transforms;
            assert.ok(transformOf(t, "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration"));
        });
    });
});
