import { chartsOf } from "../shared";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { CNI_PATHS, effectivePodSecurity } from "../../config/cni";

const CHARTS = chartsOf("1.30.3");

function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}

describe("config: istio.cni and istio.dataplane", () => {
    describe("defaults", () => {
        const istio = parseMeshConfig({}).istio;
        it("runs sidecars", () => assert.strictEqual(istio.dataplane, "sidecar"));
        it("turns the CNI node agent on", () => assert.strictEqual(istio.cni.enabled, true));
        it("assumes kubeadm's directories", () =>
            assert.deepStrictEqual([istio.cni.distribution, istio.cni.binDir, istio.cni.confDir], ["kubeadm", "/opt/cni/bin", "/etc/cni/net.d"]));
        it("chains onto the cluster's CNI", () => assert.strictEqual(istio.cni.chained, true));
        it("runs the agent in kube-system", () => assert.strictEqual(istio.cni.namespace, "kube-system"));
        it("passes no raw chart values", () => assert.deepStrictEqual(istio.cni.values, {}));
    });

    describe("distributions", () => {
        const dirs = (distribution: string) => {
            const cni = parseMeshConfig({ istio: { cni: { distribution } } }).istio.cni;
            return [cni.binDir, cni.confDir];
        };
        it("uses /opt/cni/bin and /etc/cni/net.d on RKE2", () => assert.deepStrictEqual(dirs("rke2"), ["/opt/cni/bin", "/etc/cni/net.d"]));
        it("uses k3s's own data and agent directories", () =>
            assert.deepStrictEqual(dirs("k3s"), ["/var/lib/rancher/k3s/data/cni", "/var/lib/rancher/k3s/agent/etc/cni/net.d"]));
        it("uses /opt/cni/bin and /etc/cni/net.d on Talos", () => assert.deepStrictEqual(dirs("talos"), ["/opt/cni/bin", "/etc/cni/net.d"]));
        it("uses the snap's directories on MicroK8s", () =>
            assert.deepStrictEqual(dirs("microk8s"), ["/var/snap/microk8s/current/opt/cni/bin", "/var/snap/microk8s/current/args/cni-network"]));
        for (const platform of ["k3s", "microk8s"] as const) {
            it(`matches the ${platform} platform profile of the pinned cni chart`, () => {
                const text = fs.readFileSync(path.join(CHARTS, "cni/files", `profile-platform-${platform}.yaml`), "utf8");
                const read = (key: string) => new RegExp(`^\\s+${key}:\\s*(\\S+)`, "m").exec(text)?.[1];
                assert.deepStrictEqual([read("cniBinDir"), read("cniConfDir")], [CNI_PATHS[platform].binDir, CNI_PATHS[platform].confDir]);
            });
        }
        it("takes explicit directories with distribution custom", () => {
            const cni = parseMeshConfig({ istio: { cni: { distribution: "custom", binDir: "/usr/libexec/cni", confDir: "/etc/kubernetes/cni/net.d" } } }).istio
                .cni;
            assert.deepStrictEqual([cni.binDir, cni.confDir], ["/usr/libexec/cni", "/etc/kubernetes/cni/net.d"]);
        });
        it("lets an explicit directory override a distribution's (older k3s)", () =>
            assert.strictEqual(
                parseMeshConfig({ istio: { cni: { distribution: "k3s", binDir: "/var/lib/rancher/k3s/data/current/bin" } } }).istio.cni.binDir,
                "/var/lib/rancher/k3s/data/current/bin",
            ));
    });

    describe("switches", () => {
        it("is off with `cni: false`", () => assert.strictEqual(parseMeshConfig({ istio: { cni: false } }).istio.cni.enabled, false));
        it("is on with `cni: true`", () => assert.strictEqual(parseMeshConfig({ istio: { cni: true } }).istio.cni.enabled, true));
        it("is off with `enabled: false`", () => assert.strictEqual(parseMeshConfig({ istio: { cni: { enabled: false } } }).istio.cni.enabled, false));
        it("runs standalone with `chained: false`", () => assert.strictEqual(parseMeshConfig({ istio: { cni: { chained: false } } }).istio.cni.chained, false));
        it("keeps raw chart values", () =>
            assert.deepStrictEqual(parseMeshConfig({ istio: { cni: { values: { seLinuxOptions: { type: "spc_t" } } } } }).istio.cni.values, {
                seLinuxOptions: { type: "spc_t" },
            }));
    });

    describe("bad input", () => {
        it("refuses an unknown distribution", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { distribution: "openshift" } } }), [
                'istio-mesh:istio.cni.distribution: must be one of kubeadm, rke2, k3s, talos, microk8s, custom (got "openshift")',
            ]));
        it("asks for both directories with distribution custom", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { distribution: "custom" } } }), [
                "istio-mesh:istio.cni.binDir: is required with distribution custom: the directory the container runtime loads CNI plugins from, e.g. /opt/cni/bin",
                "istio-mesh:istio.cni.confDir: is required with distribution custom: the directory of the cluster CNI's configuration, e.g. /etc/cni/net.d",
            ]));
        it("refuses a relative directory", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { binDir: "opt/cni/bin" } } }), [
                'istio-mesh:istio.cni.binDir: must be an absolute directory on the nodes such as /opt/cni/bin (got "opt/cni/bin")',
            ]));
        it("refuses a confDir that is not a string", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { confDir: 3 } } }), ["istio-mesh:istio.cni.confDir: must be a string (got 3)"]));
        it("refuses a chained that is not a boolean", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { chained: "yes" } } }), ['istio-mesh:istio.cni.chained: must be true or false (got "yes")']));
        it("refuses an enabled that is not a boolean", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { enabled: "on" } } }), ['istio-mesh:istio.cni.enabled: must be true or false (got "on")']));
        it("refuses a namespace that is not a DNS label", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { namespace: "Kube_System" } } }), [
                `istio-mesh:istio.cni.namespace: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters) (got "Kube_System")`,
            ]));
        it("refuses values that are not an object", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { values: [] } } }), ["istio-mesh:istio.cni.values: must be an object (got [])"]));
        it("names an unknown key with a suggestion", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { binDIr: "/opt/cni/bin" } } }), [
                'istio-mesh:istio.cni.binDIr: unknown key; did you mean "binDir"? known keys: enabled, distribution, binDir, confDir, chained, namespace, values',
            ]));
        it("refuses a cni that is neither a switch nor an object", () =>
            assert.deepStrictEqual(problems({ istio: { cni: "kubeadm" } }), [
                'istio-mesh:istio.cni: must be an object with keys enabled, distribution, binDir, confDir, chained, namespace, values (got "kubeadm")',
            ]));
        it("refuses istiod's namespace for the agent", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { namespace: "istio-system" } } }), [
                "istio-mesh:istio.cni.namespace: is istiod's namespace (istio.namespace); the node agent needs hostPath and NET_ADMIN/SYS_ADMIN, which would make that namespace admit privileged pods: use kube-system (the default) or a namespace of its own",
            ]));
        it("refuses a mesh namespace for the agent", () =>
            assert.deepStrictEqual(problems({ istio: { cni: { namespace: "shop" } }, namespaces: { shop: {} } }), [
                'istio-mesh:istio.cni.namespace: is the mesh namespace "shop", which enforces Pod Security for applications: run the node agent in kube-system or a namespace of its own',
            ]));
        it("refuses ambient for now, saying what it will be", () =>
            assert.deepStrictEqual(problems({ istio: { dataplane: "ambient" } }), [
                "istio-mesh:istio.dataplane: ambient is not supported yet: the mesh runs sidecars, so use sidecar (ambient will add ztunnel beside the same CNI node agent)",
            ]));
        it("refuses an unknown dataplane", () =>
            assert.deepStrictEqual(problems({ istio: { dataplane: "proxyless" } }), ['istio-mesh:istio.dataplane: must be one of sidecar (got "proxyless")']));
    });

    describe("namespaces' podSecurity", () => {
        it("reads restricted", () =>
            assert.strictEqual(parseMeshConfig({ namespaces: { shop: { podSecurity: "restricted" } } }).namespaces.shop.podSecurity, "restricted"));
        it("leaves it unset by default (the CNI setting decides)", () =>
            assert.strictEqual(parseMeshConfig({ namespaces: { shop: {} } }).namespaces.shop.podSecurity, undefined));
        it("defaults to baseline while the CNI agent runs", () => assert.strictEqual(effectivePodSecurity(undefined, { enabled: true }), "baseline"));
        it("writes no level without the CNI agent", () => assert.strictEqual(effectivePodSecurity(undefined, { enabled: false }), undefined));
        it("keeps an explicit level", () => assert.strictEqual(effectivePodSecurity("restricted", { enabled: true }), "restricted"));
        it("refuses an unknown level", () =>
            assert.deepStrictEqual(problems({ namespaces: { shop: { podSecurity: "strict" } } }), [
                'istio-mesh:namespaces.shop.podSecurity: must be one of privileged, baseline, restricted (got "strict")',
            ]));
        it("refuses the enforce label written by hand", () =>
            assert.deepStrictEqual(problems({ namespaces: { shop: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } } } }), [
                "istio-mesh:namespaces.shop.labels.pod-security.kubernetes.io/enforce: is set by the mesh from podSecurity (baseline by default while istio.cni is on): remove it and set podSecurity",
            ]));
        it("refuses baseline without the CNI agent", () =>
            assert.deepStrictEqual(problems({ istio: { cni: false }, namespaces: { shop: { podSecurity: "baseline" } } }), [
                "istio-mesh:namespaces.shop.podSecurity: is baseline, but istio.cni is off: every injected pod gets the istio-init container, which needs NET_ADMIN and NET_RAW, so admission would refuse them all; turn istio.cni on or remove podSecurity",
            ]));
        it("accepts privileged without the CNI agent", () =>
            assert.deepStrictEqual(problems({ istio: { cni: false }, namespaces: { shop: { podSecurity: "privileged" } } }), []));
    });
});
