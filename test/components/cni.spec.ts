import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { IstioCni } from "../../components/cni";
import { cniIstiodValues, cniValues } from "../../components/cni.values";
import { istiodValues } from "../../components/control-plane.values";
import { parseMeshConfig } from "../../config";
import { runProgram, Stack } from "../mocks";
import { SHARED, sharedPath } from "../shared";
import { direct } from "./direct";

const CHART = "kubernetes:helm.sh/v4:Chart";
const SHARED_CHARTS = path.join(SHARED, "istio-charts");

describe("IstioCni", () => {
    describe("with defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({});
        });
        const agent = () => stack.get(CHART, "mesh-cni-agent").inputs;

        it("installs the cni chart from the same repository and version as istiod", () => {
            const istiod = stack.get(CHART, "mesh-istiod").inputs;
            assert.deepStrictEqual([agent().chart, agent().version, agent().repositoryOpts], ["cni", istiod.version, istiod.repositoryOpts]);
        });
        it("names the release istio-cni, in kube-system", () => assert.deepStrictEqual([agent().name, agent().namespace], ["istio-cni", "kube-system"]));
        it("creates no namespace for kube-system", () => assert.strictEqual(stack.find("kubernetes:core/v1:Namespace", "mesh-cni-namespace"), undefined));
        it("installs istiod only after the agent", () => assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-istiod")).includes("mesh-cni-agent")));
        it("keeps istiod's other dependencies", () => assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-istiod")).includes("mesh-base")));
        it("parents the chart to the component", () =>
            assert.strictEqual(stack.get(CHART, "mesh-cni-agent").parent, stack.get("istio-mesh:mesh:IstioCni", "mesh-cni").urn));
        it("leaves the control plane's URNs as they were", () =>
            assert.deepStrictEqual(
                ["mesh-namespace", "mesh-base", "mesh-istiod"].map((n) => stack.resources.find((r) => r.name === n)?.urn),
                [
                    "urn:pulumi:test::istio-mesh::istio-mesh:mesh:ControlPlane$kubernetes:core/v1:Namespace::mesh-namespace",
                    "urn:pulumi:test::istio-mesh::istio-mesh:mesh:ControlPlane$kubernetes:helm.sh/v4:Chart::mesh-base",
                    "urn:pulumi:test::istio-mesh::istio-mesh:mesh:ControlPlane$kubernetes:helm.sh/v4:Chart::mesh-istiod",
                ],
            ));
        it("points the agent at kubeadm's directories, chained", () =>
            assert.deepStrictEqual(
                [agent().values.cniBinDir, agent().values.cniConfDir, agent().values.chained, agent().values.provider],
                ["/opt/cni/bin", "/etc/cni/net.d", true, "default"],
            ));
        it("tolerates every taint, so the agent runs on every node", () => assert.deepStrictEqual(agent().values.tolerations, [{ operator: "Exists" }]));
        it("turns the injector's CNI path on in istiod", () =>
            assert.deepStrictEqual(stack.get(CHART, "mesh-istiod").inputs.values.cni, { enabled: true, provider: "default" }));
        it("gives the proxies the runtime's default seccomp profile", () =>
            assert.deepStrictEqual(stack.get(CHART, "mesh-istiod").inputs.values.global.proxy, { seccompProfile: { type: "RuntimeDefault" } }));
    });

    describe("with a private registry", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(
                { istio: { hub: "harbor.example.com/istio", imagePullSecrets: ["harbor-pull"] }, registryPullSecret: `{"auths":{}}` },
                { secretKeys: ["registryPullSecret"] },
            );
        });
        it("creates the pull secret in the agent's namespace", () =>
            assert.deepStrictEqual(
                [stack.k8s("Secret", "harbor-pull", "kube-system").inputs.type, stack.k8s("Secret", "harbor-pull", "kube-system").name],
                ["kubernetes.io/dockerconfigjson", "mesh-cni-pull-secret"],
            ));
        it("installs the agent only after its pull secret", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "mesh-cni-agent")).includes("mesh-cni-pull-secret")));
    });

    describe("settings", () => {
        it("creates its own namespace, admitting privileged pods, when not kube-system", async () => {
            const stack = await runProgram({ istio: { cni: { namespace: "istio-cni" } } });
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:Namespace", "mesh-cni-namespace").inputs.metadata, {
                name: "istio-cni",
                labels: { "app.kubernetes.io/part-of": "istio-mesh", "pod-security.kubernetes.io/enforce": "privileged" },
            });
        });
        it("installs the agent after its own namespace", async () => {
            const stack = await runProgram({ istio: { cni: { namespace: "istio-cni" } } });
            assert.deepStrictEqual(stack.dependencyNames(stack.get(CHART, "mesh-cni-agent")), ["mesh-cni-namespace"]);
        });
        it("reads the chart from a local directory with the others", async () => {
            const stack = await runProgram({ istio: { chartDir: "../shared/istio-charts/1.30.3" } });
            assert.strictEqual(stack.get(CHART, "mesh-cni-agent").inputs.chart, `${sharedPath("../shared/istio-charts/1.30.3")}/cni`);
        });
        it("pulls from an OCI mirror by chart path and version", async () => {
            const stack = await runProgram({ istio: { chartRepo: "oci://harbor.example.com/istio-charts" } });
            const a = stack.get(CHART, "mesh-cni-agent").inputs;
            assert.deepStrictEqual([a.chart, a.version], ["oci://harbor.example.com/istio-charts/cni", "1.30.3"]);
        });
        it("takes the image registry and pull secrets of the other charts", async () => {
            const stack = await runProgram(
                { istio: { hub: "harbor.example.com/istio", imagePullSecrets: ["harbor-pull"] }, registryPullSecret: `{"auths":{}}` },
                { secretKeys: ["registryPullSecret"] },
            );
            assert.deepStrictEqual(stack.get(CHART, "mesh-cni-agent").inputs.values.global, {
                hub: "harbor.example.com/istio",
                imagePullSecrets: ["harbor-pull"],
            });
        });
        it("uses k3s's directories", async () => {
            const v = (await runProgram({ istio: { cni: { distribution: "k3s" } } })).get(CHART, "mesh-cni-agent").inputs.values;
            assert.deepStrictEqual([v.cniBinDir, v.cniConfDir], ["/var/lib/rancher/k3s/data/cni", "/var/lib/rancher/k3s/agent/etc/cni/net.d"]);
        });
        it("merges raw chart values last", async () => {
            const v = (await runProgram({ istio: { cni: { values: { seLinuxOptions: { type: "spc_t" }, tolerations: [] } } } })).get(CHART, "mesh-cni-agent")
                .inputs.values;
            assert.deepStrictEqual([v.seLinuxOptions, v.tolerations], [{ type: "spc_t" }, []]);
        });
        it("never sets _internal_defaults_do_not_set", () =>
            assert.ok(!JSON.stringify(cniValues({ cni: parseMeshConfig({}).istio.cni, imagePullSecrets: [] })).includes("_internal_defaults_do_not_set")));
    });

    describe("as a component", () => {
        it("refuses a relative directory, naming the fix", () =>
            direct(() => undefined).then(() =>
                assert.throws(
                    () => new IstioCni("cni", { istio: parseMeshConfig({}).istio, cni: { ...parseMeshConfig({}).istio.cni, binDir: "opt/cni/bin" } }),
                    { message: 'cni: cni.binDir must be an absolute directory on the nodes (got "opt/cni/bin"); set it or pick a distribution' },
                ),
            ));
        it("registers the chart under its own name", async () => {
            const registered = await direct(() => new IstioCni("cni", { istio: parseMeshConfig({}).istio, cni: parseMeshConfig({}).istio.cni }));
            assert.deepStrictEqual(
                registered.map((r) => `${r.type}::${r.name}`),
                ["istio-mesh:mesh:IstioCni::cni", "kubernetes:helm.sh/v4:Chart::cni-agent"],
            );
        });
    });

    describe("turned off", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ istio: { cni: false }, namespaces: { shop: {} } });
        });
        it("installs no agent", () => assert.strictEqual(stack.ofType("istio-mesh:mesh:IstioCni").length, 0));
        it("leaves istiod's values as they were without it", () => {
            const v = stack.get(CHART, "mesh-istiod").inputs.values;
            assert.deepStrictEqual([v.cni, v.global.proxy], [undefined, undefined]);
        });
        it("writes no Pod Security label on mesh namespaces", () =>
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:Namespace", "shop-namespace").inputs.metadata.labels, { "istio-injection": "enabled" }));
    });

    describe("mesh namespaces", () => {
        it("enforce baseline by default", async () => {
            const stack = await runProgram({ namespaces: { shop: {} } });
            assert.strictEqual(
                stack.get("kubernetes:core/v1:Namespace", "shop-namespace").inputs.metadata.labels["pod-security.kubernetes.io/enforce"],
                "baseline",
            );
        });
        it("enforce restricted when a namespace asks", async () => {
            const stack = await runProgram({ namespaces: { shop: { podSecurity: "restricted" }, web: {} } });
            const level = (ns: string) =>
                stack.get("kubernetes:core/v1:Namespace", `${ns}-namespace`).inputs.metadata.labels["pod-security.kubernetes.io/enforce"];
            assert.deepStrictEqual([level("shop"), level("web")], ["restricted", "baseline"]);
        });
        it("wait for the agent through the control plane", async () => {
            const stack = await runProgram({ namespaces: { shop: {} } });
            assert.ok(stack.dependencyNames(stack.k8s("PeerAuthentication", "default", "shop")).includes("mesh-istiod"));
        });
    });

    describe("istiod values", () => {
        it("are empty without the agent", () => assert.deepStrictEqual(cniIstiodValues({ enabled: false, chained: true }), {}));
        it("ask the injector for Multus's network annotation when standalone", () =>
            assert.deepStrictEqual(cniIstiodValues({ enabled: true, chained: false }).cni, { enabled: true, provider: "multus" }));
        it("merge under the user's raw istiod values", () => {
            const cfg = parseMeshConfig({ controlPlane: { values: { cni: { enabled: false } } } });
            const v = istiodValues({
                namespace: "istio-system",
                imagePullSecrets: [],
                controlPlane: cfg.controlPlane,
                mesh: { trustDomain: "cluster.local", outboundTraffic: "ALLOW_ANY", extensionProviders: [] },
                cni: cfg.istio.cni,
            });
            assert.deepStrictEqual(v.cni, { enabled: false, provider: "default" });
        });
        it("keep the global values istiod already has", () => {
            const cfg = parseMeshConfig({ istio: { hub: "harbor.example.com/istio" } });
            const v = istiodValues({
                namespace: "istio-system",
                hub: "harbor.example.com/istio",
                imagePullSecrets: [],
                controlPlane: cfg.controlPlane,
                mesh: { trustDomain: "cluster.local", outboundTraffic: "ALLOW_ANY", extensionProviders: [] },
                cni: cfg.istio.cni,
            });
            assert.deepStrictEqual(
                [(v.global as Record<string, unknown>).hub, (v.global as Record<string, unknown>).istioNamespace],
                ["harbor.example.com/istio", "istio-system"],
            );
        });
    });

    // The engine renders the charts; these read the pinned templates so the values above mean what they claim.
    for (const version of ["1.30.3", "1.29.6"])
        describe(`against the pinned ${version} charts`, () => {
            const read = (file: string) => fs.readFileSync(path.join(SHARED_CHARTS, version, file), "utf8");
            it("the DaemonSet runs at system-node-critical priority", () =>
                assert.match(read("cni/templates/daemonset.yaml"), /^\s+priorityClassName: system-node-critical$/m));
            it("the DaemonSet takes its tolerations and directories from the values set", () => {
                const t = read("cni/templates/daemonset.yaml");
                assert.deepStrictEqual(
                    ["with .Values.tolerations", "$detectedBinDir = .Values.cniBinDir", "path: {{ .Values.cniConfDir }}"].map((s) => t.includes(s)),
                    [true, true, true],
                );
            });
            it("the chart reads chained and provider", () => {
                const values = read("cni/values.yaml");
                assert.deepStrictEqual([/^\s+chained: true$/m.test(values), /^\s+provider: "default"$/m.test(values)], [true, true]);
            });
            it("istiod hands its top-level cni values to the injector as pilot.cni", () =>
                assert.ok(read("istiod/templates/istiod-injector-configmap.yaml").includes(`$pilotVals := pick .Values "cni" "env"`)));
            it("the injector swaps istio-init for istio-validation on pilot.cni.enabled", () =>
                assert.match(
                    read("istiod/files/injection-template.yaml"),
                    /\{\{ if \.Values\.pilot\.cni\.enabled -\}\}\n\s+- name: istio-validation\n\s+\{\{ else -\}\}\n\s+- name: istio-init/,
                ));
            it("the injector drops NET_ADMIN and NET_RAW on pilot.cni.enabled", () =>
                assert.match(
                    read("istiod/files/injection-template.yaml"),
                    /\{\{- if not \.Values\.pilot\.cni\.enabled \}\}\n\s+add:\n\s+- NET_ADMIN\n\s+- NET_RAW/,
                ));
            it("the proxies read global.proxy.seccompProfile", () =>
                assert.ok(read("istiod/files/injection-template.yaml").includes("toYaml .Values.global.proxy.seccompProfile")));
        });
});
