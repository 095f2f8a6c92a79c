/** AuthorizationPolicy: CUSTOM providers, safe matching patterns, coverage of mesh namespaces. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GK, injectionEnabled } from "../lib/istio";
import { arr, ref, str } from "../lib/k8s";
import { objectPolicy, stackPolicy, stringList } from "../lib/policy";

/** The CRD's oneOf: provider if and only if action CUSTOM. */
export function authorizationPolicyCustomProvider(): ResourceValidationPolicy {
    return objectPolicy({
        name: "authorization-policy-custom-provider",
        description: "Checks that an AuthorizationPolicy names a provider exactly when its action is CUSTOM.",
        enforcementLevel: "mandatory",
        kinds: [GK.AuthorizationPolicy],
        check: (o, _cfg, report) => {
            const action = str(o.spec.action) ?? "ALLOW";
            const provider = str(o.spec.provider?.name);
            if (action === "CUSTOM" && !provider) {
                report(
                    `${ref(o)}: spec.action is CUSTOM but spec.provider.name is not set; Istio cannot tell which external authorizer to call, so it rejects the policy and the requests it should guard are not checked.`,
                );
            } else if (action !== "CUSTOM" && o.spec.provider !== undefined) {
                report(
                    `${ref(o)}: spec.provider is set but spec.action is ${action}; a provider only takes effect with action CUSTOM, so the external authorizer is never called. Set action: CUSTOM or remove the provider.`,
                );
            }
        },
    });
}

const NEGATIVE_SOURCE = ["notPrincipals", "notRequestPrincipals", "notNamespaces", "notIpBlocks", "notRemoteIpBlocks"];
const NEGATIVE_OPERATION = ["notHosts", "notPorts", "notMethods", "notPaths"];

/** Istio security best practice "safer authorization policy patterns", Google ASM AsmAuthzPolicySafePattern. */
export function authorizationPolicyAllowNegativeMatch(): ResourceValidationPolicy {
    return objectPolicy({
        name: "authorization-policy-allow-negative-match",
        description:
            "Checks that ALLOW rules match only with positive fields (paths, methods, principals...), never with notPaths, notMethods and the other negative fields.",
        enforcementLevel: "mandatory",
        kinds: [GK.AuthorizationPolicy],
        check: (o, _cfg, report) => {
            if ((str(o.spec.action) ?? "ALLOW") !== "ALLOW") return;
            const found: string[] = [];
            arr(o.spec.rules).forEach((r, i) => {
                arr(r?.from).forEach((f, j) =>
                    NEGATIVE_SOURCE.forEach((k) => {
                        if (arr(f?.source?.[k]).length > 0) found.push(`spec.rules[${i}].from[${j}].source.${k}`);
                    }),
                );
                arr(r?.to).forEach((t, j) =>
                    NEGATIVE_OPERATION.forEach((k) => {
                        if (arr(t?.operation?.[k]).length > 0) found.push(`spec.rules[${i}].to[${j}].operation.${k}`);
                    }),
                );
                arr(r?.when).forEach((w, j) => {
                    if (arr(w?.notValues).length > 0) found.push(`spec.rules[${i}].when[${j}].notValues`);
                });
            });
            for (const path of found) {
                report(
                    `${ref(o)}: ${path} is used in an ALLOW policy; a negative match allows everything not listed, including path variants and methods nobody thought of, so requests are allowed by accident. Use positive matches in ALLOW and negative ones in DENY.`,
                );
            }
        },
    });
}

/** Kyverno `require-authorizationpolicy`, Istio zero-trust practice. */
export function namespaceAuthorizationPolicy(): StackValidationPolicy {
    return stackPolicy<{ rootNamespace: string; exemptNamespaces: string[] }>({
        name: "namespace-authorization-policy",
        description: "Checks that every namespace with sidecar injection has at least one AuthorizationPolicy.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                rootNamespace: { type: "string", default: "istio-system", description: "Istio's root namespace, whose policies apply mesh-wide." },
                exemptNamespaces: stringList("Mesh namespaces that intentionally have no AuthorizationPolicy."),
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.AuthorizationPolicy)) return;
            for (const ns of idx.of(GK.Namespace)) {
                if (!injectionEnabled(ns) || ns.name === cfg.rootNamespace || cfg.exemptNamespaces.includes(ns.name)) continue;
                if (idx.in(GK.AuthorizationPolicy, ns.name).length > 0) continue;
                report(
                    ns,
                    `${ref(ns)}: sidecar injection is enabled but no AuthorizationPolicy is in the namespace; every workload in the mesh may call its services. Add an allow-nothing policy and ALLOW rules for the callers you expect.`,
                );
            }
        },
    });
}
