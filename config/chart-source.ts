/** Where the Istio Helm charts come from: shared by the single form (istio.ts) and each revision (revisions.ts). */
export type ChartSource =
    /** A classic Helm repository (https://...), by default Istio's official one. */
    | { kind: "repo"; url: string }
    /** An OCI registry such as a Harbor mirror (oci://harbor.example.com/istio-charts). */
    | { kind: "oci"; url: string }
    /** A local directory with the charts as subdirectories `base`, `istiod`, `gateway` and `cni` (air-gapped, CI). */
    | { kind: "local"; dir: string };
