import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { ISTIO_DEFAULTS } from "../../config/istio";
import { imageRepository, resolveRegistry } from "../../config/registry";
import { pullingNamespaces } from "../../config/registry-checks";

const lines = (ps: { key: string; message: string }[]) => ps.map((p) => `${p.key}: ${p.message}`);
const problems = (raw: Record<string, unknown>) => lines(checkMeshConfig(raw).problems);
const missing = (raw: Record<string, unknown>) => lines(checkMeshConfig(raw).missingSecrets);
const DOCKER_CONFIG = { auths: { "harbor.example.com": { auth: "dXNlcjpwYXNz" } } };
const KIALI = { host: "kiali.internal.example.com", prometheusUrl: "http://prometheus-operated.observability:9090", namespace: "observability" };
const INTERNAL = { gateways: { internal: { hosts: ["*.internal.example.com"] } } };

describe("config: registry", () => {
    describe("defaults", () => {
        it("is not air-gapped", () => assert.strictEqual(ISTIO_DEFAULTS.airGapped, false));
        it("resolves to the charts' upstream images, no pull secret", () =>
            assert.deepStrictEqual(resolveRegistry(parseMeshConfig({}).istio, false), {
                hub: undefined,
                airGapped: false,
                pullSecrets: [],
                createsPullSecrets: false,
            }));
        it("keeps Kiali's upstream image without a hub", () => assert.strictEqual(imageRepository({}, "kiali"), undefined));
    });

    describe("resolution", () => {
        const config = parseMeshConfig({
            istio: { hub: "harbor.example.com/istio", airGapped: true, imagePullSecrets: ["harbor-pull"] },
            registryPullSecret: DOCKER_CONFIG,
        });
        it("creates the named pull secret from istio-mesh:registryPullSecret", () =>
            assert.deepStrictEqual(resolveRegistry(config.istio, config.registryPullSecret), {
                hub: "harbor.example.com/istio",
                airGapped: true,
                pullSecrets: ["harbor-pull"],
                createsPullSecrets: true,
            }));
        it("puts Kiali under the hub", () =>
            assert.strictEqual(imageRepository({ hub: "harbor.example.com/istio" }, "kiali"), "harbor.example.com/istio/kiali"));
        it("accepts the Docker config.json as text too", () =>
            assert.deepStrictEqual(problems({ istio: { imagePullSecrets: ["harbor-pull"] }, registryPullSecret: "[secret]" }), []));
    });

    describe("namespaces that pull", () => {
        it("are istiod's, the CNI agent's, the gateways', Kiali's and every enrolled one", () =>
            assert.deepStrictEqual(pullingNamespaces(parseMeshConfig({ ...INTERNAL, namespaces: { shop: {} }, observability: { kiali: KIALI } })), [
                "istio-ingress",
                "istio-system",
                "kube-system",
                "observability",
                "shop",
            ]));
        it("are istiod's and the CNI agent's without gateways, Kiali or namespaces", () =>
            assert.deepStrictEqual(pullingNamespaces(parseMeshConfig({})), ["istio-system", "kube-system"]));
        it("are only istiod's without the CNI agent, gateways, Kiali or namespaces", () =>
            assert.deepStrictEqual(pullingNamespaces(parseMeshConfig({ istio: { cni: false } })), ["istio-system"]));
    });

    describe("bad input", () => {
        it("refuses air-gapped without a hub", () =>
            assert.deepStrictEqual(problems({ istio: { airGapped: true } }), [
                "istio-mesh:istio.airGapped: needs istio.hub: an air-gapped stack pulls every image from its mirror, e.g. hub: harbor.example.com/istio",
            ]));
        it("refuses a non-boolean airGapped", () =>
            assert.deepStrictEqual(problems({ istio: { airGapped: "yes" } }), ['istio-mesh:istio.airGapped: must be true or false (got "yes")']));
        it("names the missing pull secret credentials and the command", () =>
            assert.deepStrictEqual(missing({ istio: { imagePullSecrets: ["harbor-pull"] }, ...INTERNAL }), [
                "istio-mesh:registryPullSecret: is required with istio.imagePullSecrets: the stack creates harbor-pull in every namespace that pulls (istio-ingress, istio-system, kube-system), " +
                    'most of which it creates itself; run pulumi config set --secret istio-mesh:registryPullSecret "$(cat config.json)" with a Docker config.json holding the registry\'s credentials',
            ]));
        it("refuses credentials without a pull secret name", () =>
            assert.deepStrictEqual(problems({ registryPullSecret: DOCKER_CONFIG }), [
                "istio-mesh:registryPullSecret: is set but istio.imagePullSecrets names no secret: add istio.imagePullSecrets: [<name>], the Secret the stack creates from it in every namespace that pulls",
            ]));
        it("refuses two pull secret names for one credential", () =>
            assert.deepStrictEqual(problems({ istio: { imagePullSecrets: ["a", "b"] }, registryPullSecret: DOCKER_CONFIG }), [
                "istio-mesh:istio.imagePullSecrets: names 2 secrets, but the stack creates one from istio-mesh:registryPullSecret: list exactly one",
            ]));
        it("refuses credentials that are not a Docker config.json", () =>
            assert.deepStrictEqual(problems({ istio: { imagePullSecrets: ["a"] }, registryPullSecret: { user: "x" } }), [
                'istio-mesh:registryPullSecret: must be a Docker config.json ({"auths": {...}}), set with pulumi config set --secret',
            ]));
        it("refuses Kiali's image set by hand in raw values", () =>
            assert.deepStrictEqual(
                problems({
                    ...INTERNAL,
                    istio: { hub: "harbor.example.com/istio" },
                    observability: { kiali: { ...KIALI, values: { deployment: { image_name: "harbor.example.com/kiali/kiali" } } } },
                }),
                [
                    'istio-mesh:observability.kiali.values.deployment.image_name: is set by hand ("harbor.example.com/kiali/kiali"); the image registry is istio.hub (here harbor.example.com/istio/kiali), the one registry input of the stack: remove it',
                ],
            ));
        it("refuses istiod's hub set by hand in raw values", () =>
            assert.deepStrictEqual(problems({ controlPlane: { values: { global: { hub: "quay.io/x" } } } }), [
                'istio-mesh:controlPlane.values.global.hub: is set by hand ("quay.io/x"); the image registry is istio.hub, the one registry input of the stack: remove it',
            ]));
        it("refuses pull secrets set by hand in raw values", () =>
            assert.deepStrictEqual(problems({ controlPlane: { values: { global: { imagePullSecrets: ["x"] } } } }), [
                'istio-mesh:controlPlane.values.global.imagePullSecrets: is set by hand (["x"]); pull secrets come from istio.imagePullSecrets: remove it',
            ]));
    });
});
