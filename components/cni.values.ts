/**
 * Helm values for Istio's `cni` chart (the node agent) and the istiod values that make the injector rely on
 * it, as pure functions of the typed settings. Checked against the 1.30.3 chart templates: `cni/templates/
 * daemonset.yaml` (directories, tolerations; it sets `priorityClassName: system-node-critical` itself) and
 * `istiod/files/injection-template.yaml` (`pilot.cni.enabled` swaps istio-init for istio-validation).
 */
import type { CniConfig } from "../config/cni";
import { mergeValues } from "./chart-source";

export interface CniValuesArgs {
    cni: CniConfig;
    /** Image registry for the install-cni image. @default the chart's (docker.io/istio) */
    hub?: string;
    /** Pull secrets; they must exist in the agent's namespace too. @default [] */
    imagePullSecrets: string[];
}

/**
 * The agent must run on every node that runs injected pods, tainted control-plane and dedicated nodes
 * included: a pod scheduled where it is missing starts with no traffic redirection. One toleration with
 * `operator: Exists` and no key tolerates every taint.
 */
export const TOLERATE_EVERY_TAINT = [{ operator: "Exists" }];

/** Values of the `cni` chart; raw `istio.cni.values` merge last. */
export function cniValues(a: CniValuesArgs): Record<string, unknown> {
    const { cni } = a;
    const values: Record<string, unknown> = {
        cniBinDir: cni.binDir,
        cniConfDir: cni.confDir,
        chained: cni.chained,
        // A standalone configuration is only picked up through Multus, which needs its network annotation.
        provider: cni.chained ? "default" : "multus",
        tolerations: TOLERATE_EVERY_TAINT,
    };
    const global: Record<string, unknown> = {};
    if (a.hub) {
        global.hub = a.hub;
    }
    if (a.imagePullSecrets.length > 0) {
        global.imagePullSecrets = a.imagePullSecrets;
    }
    if (Object.keys(global).length > 0) {
        values.global = global;
    }
    return mergeValues(values, cni.values);
}

/**
 * What istiod needs to know about the agent: with `cni.enabled` its injector adds `istio-validation`
 * (no capabilities, UID 1337, read-only root) instead of `istio-init` (NET_ADMIN, NET_RAW, root). The
 * proxies also get the runtime's default seccomp profile, which Pod Security "restricted" requires.
 * Nothing at all when the agent is off, so istiod's values stay exactly as they were.
 */
export function cniIstiodValues(cni?: Pick<CniConfig, "enabled" | "chained">): Record<string, unknown> {
    if (!cni?.enabled) {
        return {};
    }
    return {
        cni: { enabled: true, provider: cni.chained ? "default" : "multus" },
        global: { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
    };
}
