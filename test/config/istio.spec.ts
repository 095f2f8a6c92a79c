import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";

/** The problems of a stack config, as `key: message` lines. */
function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}

describe("config: istio", () => {
    describe("defaults", () => {
        const istio = parseMeshConfig({}).istio;

        it("installs Istio 1.30.3", () => assert.strictEqual(istio.version, "1.30.3"));
        it("takes charts from Istio's official repository", () =>
            assert.deepStrictEqual(istio.chart, { kind: "repo", url: "https://istio-release.storage.googleapis.com/charts" }));
        it("keeps the charts' image registry", () => assert.strictEqual(istio.hub, undefined));
        it("uses no image pull secrets", () => assert.deepStrictEqual(istio.imagePullSecrets, []));
        it("runs no revision", () => assert.strictEqual(istio.revision, undefined));
        it("uses the cluster.local trust domain", () => assert.strictEqual(istio.trustDomain, "cluster.local"));
        it("installs into istio-system", () => assert.strictEqual(istio.namespace, "istio-system"));
        it("uses istiod's own CA", () => assert.strictEqual(istio.pluginCa, undefined));
        it("does not protect resources", () => assert.strictEqual(istio.protect, false));
    });

    describe("chart source", () => {
        it("reads an oci:// mirror", () =>
            assert.deepStrictEqual(parseMeshConfig({ istio: { chartRepo: "oci://harbor.example.com/istio-charts/" } }).istio.chart, {
                kind: "oci",
                url: "oci://harbor.example.com/istio-charts",
            }));
        it("reads a local directory", () =>
            assert.deepStrictEqual(parseMeshConfig({ istio: { chartDir: "../charts" } }).istio.chart, { kind: "local", dir: "../charts" }));
        it("refuses a repository and a directory together", () =>
            assert.deepStrictEqual(problems({ istio: { chartRepo: "https://example.com/charts", chartDir: "charts" } }), [
                "istio-mesh:istio.chartDir: chartRepo and chartDir are mutually exclusive: charts come either from a repository or from a local directory",
            ]));
        it("refuses a URL that is neither https nor oci", () =>
            assert.deepStrictEqual(problems({ istio: { chartRepo: "harbor.example.com/charts" } }), [
                'istio-mesh:istio.chartRepo: must be an https:// Helm repository or an oci:// registry path (got "harbor.example.com/charts")',
            ]));
    });

    describe("plug-in CA", () => {
        it("takes the defaults from `pluginCa: true`", () =>
            assert.deepStrictEqual(parseMeshConfig({ istio: { pluginCa: true } }).istio.pluginCa, {
                organization: "istio-mesh",
                algorithm: "RSA",
                rootValidityHours: 87600,
                intermediateValidityHours: 17520,
                intermediateRenewBeforeHours: 720,
            }));
        it("is off with `pluginCa: false`", () => assert.strictEqual(parseMeshConfig({ istio: { pluginCa: false } }).istio.pluginCa, undefined));
        it("overrides single settings", () =>
            assert.strictEqual(parseMeshConfig({ istio: { pluginCa: { algorithm: "ECDSA" } } }).istio.pluginCa?.algorithm, "ECDSA"));
        it("refuses an intermediate that outlives the root", () =>
            assert.deepStrictEqual(
                problems({ istio: { pluginCa: { rootValidityHours: 100, intermediateValidityHours: 200, intermediateRenewBeforeHours: 10 } } }),
                [
                    "istio-mesh:istio.pluginCa.intermediateValidityHours: must not exceed rootValidityHours (100): an intermediate cannot outlive the root that signs it",
                ],
            ));
        it("refuses a renewal window as long as the validity", () =>
            assert.deepStrictEqual(problems({ istio: { pluginCa: { intermediateValidityHours: 720 } } }), [
                "istio-mesh:istio.pluginCa.intermediateRenewBeforeHours: must be less than intermediateValidityHours (720), or every update would replace the intermediate",
            ]));
    });

    describe("bad input", () => {
        it("names a version that is not a release", () =>
            assert.deepStrictEqual(problems({ istio: { version: "latest" } }), [
                'istio-mesh:istio.version: must be an Istio release version such as 1.30.3 (got "latest")',
            ]));
        it("names a revision with dots", () =>
            assert.deepStrictEqual(problems({ istio: { revision: "1.30.3" } }), [
                "istio-mesh:istio.revision: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters), e.g. 1-30-3 (dots are not allowed in a revision) (got \"1.30.3\")",
            ]));
        it("names a hub with a scheme", () =>
            assert.deepStrictEqual(problems({ istio: { hub: "https://harbor.example.com/istio" } }), [
                'istio-mesh:istio.hub: must be an image registry path without scheme or tag, e.g. harbor.example.com/istio (got "https://harbor.example.com/istio")',
            ]));
        it("names an unknown key with a suggestion", () =>
            assert.deepStrictEqual(problems({ istio: { trustdomain: "x" } }), [
                'istio-mesh:istio.trustdomain: unknown key; did you mean "trustDomain"? known keys: version, chartRepo, chartDir, hub, imagePullSecrets, airGapped, revision, revisions, tags, trustDomain, namespace, pluginCa, protect, dataplane, cni',
            ]));
        it("names a non-boolean protect", () =>
            assert.deepStrictEqual(problems({ istio: { protect: "yes" } }), ['istio-mesh:istio.protect: must be true or false (got "yes")']));
        it("reports every problem at once", () => assert.strictEqual(problems({ istio: { version: "x", namespace: "Istio", protect: 1 } }).length, 3));
    });
});
