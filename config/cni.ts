/**
 * `istio-mesh:istio.cni` and `istio-mesh:istio.dataplane`: how traffic reaches the proxies, and the Pod
 * Security level of the mesh namespaces that depends on it.
 *
 * Without the CNI node agent every injected pod carries `istio-init`, which needs NET_ADMIN and NET_RAW;
 * Pod Security "baseline" (the Kyverno baseline policies of seed 000's platform) forbids both, so the agent
 * is on by default and the mesh namespaces enforce baseline.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";

/**
 * How workloads join the mesh. Only `sidecar` exists today; `ambient` (the same node agent plus ztunnel)
 * will be a second value here, not a new section.
 */
export type Dataplane = "sidecar";

/** Bare-metal distributions whose CNI directories are known; `custom` takes both directories explicitly. */
export type CniDistribution = "kubeadm" | "rke2" | "k3s" | "talos" | "microk8s" | "custom";

/** Where the node's container runtime looks for CNI plugins (`binDir`) and their configuration (`confDir`). */
export interface CniPaths {
    binDir: string;
    confDir: string;
}

/**
 * The directories per distribution, as each distribution documents them (docs/config-cni.md has the
 * table and sources). k3s moved its plugins from `data/<hash>/bin` to `data/cni` in its October 2024
 * releases; older k3s needs `binDir: /var/lib/rancher/k3s/data/current/bin`.
 */
export const CNI_PATHS: Readonly<Record<Exclude<CniDistribution, "custom">, CniPaths>> = {
    kubeadm: { binDir: "/opt/cni/bin", confDir: "/etc/cni/net.d" },
    rke2: { binDir: "/opt/cni/bin", confDir: "/etc/cni/net.d" },
    k3s: { binDir: "/var/lib/rancher/k3s/data/cni", confDir: "/var/lib/rancher/k3s/agent/etc/cni/net.d" },
    talos: { binDir: "/opt/cni/bin", confDir: "/etc/cni/net.d" },
    microk8s: { binDir: "/var/snap/microk8s/current/opt/cni/bin", confDir: "/var/snap/microk8s/current/args/cni-network" },
};

export const CNI_DISTRIBUTIONS = [...Object.keys(CNI_PATHS), "custom"] as CniDistribution[];

/** `istio.cni`: the Istio CNI node agent (the `cni` chart). */
export interface CniConfig {
    /** Off: injected pods get `istio-init` (NET_ADMIN, NET_RAW), which Pod Security baseline refuses. */
    enabled: boolean;
    distribution: CniDistribution;
    /** The distribution's directories, or the explicit ones. */
    binDir: string;
    confDir: string;
    /**
     * Chained: the agent appends itself to the cluster CNI's configuration (what every distribution above
     * wants). Standalone (false) is for Multus, which then runs it as a network of its own.
     */
    chained: boolean;
    /** Where the agent runs; it needs hostPath and NET_ADMIN/SYS_ADMIN, so a namespace that admits privileged pods. */
    namespace: string;
    /** Raw `cni` chart values, merged last. */
    values: Record<string, unknown>;
}

/** A Pod Security Standards level for `pod-security.kubernetes.io/enforce`. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/** The Pod Security admission label a mesh namespace carries. */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

export const CNI_DEFAULTS = {
    dataplane: "sidecar" as Dataplane,
    enabled: true,
    distribution: "kubeadm" as CniDistribution,
    chained: true,
    // The platform's node agents (CNI, kube-vip) live here, and Kyverno's default resource filters and
    // Pod Security exemptions already admit privileged pods here; istio-system can stay at baseline.
    namespace: "kube-system",
    /** A mesh namespace's level while the CNI agent runs: the platform's own (seed 000). */
    podSecurity: "baseline" as PodSecurityLevel,
} as const;

const ABSOLUTE_PATH = /^\/[^\s]*$/;

export function parseDataplane(f: Field): Dataplane {
    if (f.value === "ambient") {
        f.problem("ambient is not supported yet: the mesh runs sidecars, so use sidecar (ambient will add ztunnel beside the same CNI node agent)");
        return CNI_DEFAULTS.dataplane;
    }
    return f.string(CNI_DEFAULTS.dataplane, { oneOf: ["sidecar"] }) as Dataplane;
}

/** Reads `istio.cni`: `true`, `false`, or the settings object. */
export function parseCni(f: Field): CniConfig {
    const defaults = (): CniConfig => ({
        enabled: CNI_DEFAULTS.enabled,
        distribution: CNI_DEFAULTS.distribution,
        ...CNI_PATHS[CNI_DEFAULTS.distribution as Exclude<CniDistribution, "custom">],
        chained: CNI_DEFAULTS.chained,
        namespace: CNI_DEFAULTS.namespace,
        values: {},
    });
    if (typeof f.value === "boolean" || f.value === "true" || f.value === "false") {
        return { ...defaults(), enabled: f.boolean(true) };
    }
    const o = f.object(["enabled", "distribution", "binDir", "confDir", "chained", "namespace", "values"]);
    if (!o) {
        return defaults();
    }
    const distribution = o.distribution.string(CNI_DEFAULTS.distribution, { oneOf: CNI_DISTRIBUTIONS }) as CniDistribution;
    const dir = (g: Field) => g.string(undefined, { pattern: ABSOLUTE_PATH, patternHint: "an absolute directory on the nodes such as /opt/cni/bin" });
    const binDir = dir(o.binDir);
    const confDir = dir(o.confDir);
    if (distribution === "custom") {
        if (!o.binDir.isSet)
            o.binDir.problem("is required with distribution custom: the directory the container runtime loads CNI plugins from, e.g. /opt/cni/bin");
        if (!o.confDir.isSet) o.confDir.problem("is required with distribution custom: the directory of the cluster CNI's configuration, e.g. /etc/cni/net.d");
    }
    const known = distribution === "custom" ? { binDir: "", confDir: "" } : CNI_PATHS[distribution];
    return {
        enabled: o.enabled.boolean(CNI_DEFAULTS.enabled),
        distribution,
        binDir: binDir ?? known.binDir,
        confDir: confDir ?? known.confDir,
        chained: o.chained.boolean(CNI_DEFAULTS.chained),
        namespace: o.namespace.string(CNI_DEFAULTS.namespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        values: o.values.record() ?? {},
    };
}

/** Reads a namespace's `podSecurity`; absent means the default that follows the CNI setting. */
export function readPodSecurity(f: Field): PodSecurityLevel | undefined {
    return f.string(undefined, { oneOf: POD_SECURITY_LEVELS }) as PodSecurityLevel | undefined;
}

/**
 * The level a mesh namespace enforces: its own, else baseline while the CNI agent runs. Without the agent
 * no label is written, so the cluster's own default applies (baseline would refuse every injected pod).
 */
export function effectivePodSecurity(podSecurity: PodSecurityLevel | undefined, cni: Pick<CniConfig, "enabled">): PodSecurityLevel | undefined {
    return podSecurity ?? (cni.enabled ? CNI_DEFAULTS.podSecurity : undefined);
}

/** What the CNI cross-checks read of the whole config. */
export interface CniSections {
    istio: { namespace: string; cni: CniConfig };
    namespaces: Record<string, { podSecurity?: PodSecurityLevel }>;
}

/**
 * The agent's namespace must admit privileged pods, so it is neither istiod's (which the program keeps at
 * the platform's level) nor a mesh namespace; and a mesh namespace cannot enforce baseline or restricted
 * while injected pods still need istio-init.
 */
export function checkCni(config: CniSections, report: (key: string, message: string) => void): void {
    const cni = config.istio.cni;
    if (cni.enabled && cni.namespace === config.istio.namespace) {
        report(
            "istio.cni.namespace",
            `is istiod's namespace (istio.namespace); the node agent needs hostPath and NET_ADMIN/SYS_ADMIN, which would make that namespace admit privileged pods: use kube-system (the default) or a namespace of its own`,
        );
    }
    if (cni.enabled && cni.namespace in config.namespaces) {
        report(
            `istio.cni.namespace`,
            `is the mesh namespace ${show(cni.namespace)}, which enforces Pod Security for applications: run the node agent in kube-system or a namespace of its own`,
        );
    }
    if (cni.enabled) {
        return;
    }
    for (const [ns, c] of Object.entries(config.namespaces)) {
        if (c.podSecurity === "baseline" || c.podSecurity === "restricted") {
            report(
                `namespaces.${ns}.podSecurity`,
                `is ${c.podSecurity}, but istio.cni is off: every injected pod gets the istio-init container, which needs NET_ADMIN and NET_RAW, so admission would refuse them all; turn istio.cni on or remove podSecurity`,
            );
        }
    }
}
