/**
 * istio-mesh-guard: the CrossGuard pack run by `pulumi preview --policy-pack policy-pack`.
 * This is the only module that constructs the PolicyPack, because construction starts the analyzer's gRPC
 * server; tests and the manifest checker import `./policies` instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { decodeOnce, DeserializeModule } from "./lib/decode-once";
import { policies } from "./policies";

// The analyzer looks the function up on its module at each call, so replacing it there takes effect.
decodeOnce(require("@pulumi/policy/deserialize") as DeserializeModule);

new PolicyPack("istio-mesh-guard", {
    description: "Guardrails for Istio on bare-metal Kubernetes: mTLS, routing consistency, gateway TLS, injection, certificates and MetalLB addresses.",
    policies,
});
