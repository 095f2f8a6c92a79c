/**
 * Mesh-wide security defaults, in the mesh root namespace: the default PeerAuthentication that every
 * workload without a more specific policy follows. STRICT unless a migration is declared.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MESH_DEFAULTS, MtlsConfig } from "../config/mesh";
import { PERMISSIVE_NEEDS_MIGRATION, permissiveWithoutMigration } from "../config/mesh-rules";

export interface MeshSecurityArgs {
    /** The mesh root namespace (istio.namespace): a PeerAuthentication there applies to the whole mesh. */
    rootNamespace: pulumi.Input<string>;
    /** @default { mode: "STRICT", migration: false } */
    mtls?: MtlsConfig;
    /** What the policy waits for: the control plane, whose validation webhook must be serving. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Protect the policy from deletion, with the rest of the mesh's foundations. @default false */
    protect?: boolean;
}

export class MeshSecurity extends pulumi.ComponentResource {
    /** The mesh-wide mTLS mode. */
    public readonly mtlsMode: string;

    constructor(name: string, args: MeshSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:mesh:MeshSecurity", name, {}, opts);
        const mtls = args.mtls ?? MESH_DEFAULTS.mtls;
        if (permissiveWithoutMigration(mtls)) {
            throw new pulumi.ResourceError(`${name}: mtls: ${PERMISSIVE_NEEDS_MIGRATION}`, this);
        }
        // Named "default" and without selector: Istio's convention for the mesh-wide policy.
        new k8s.apiextensions.CustomResource(
            `${name}-peer-authentication`,
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "default", namespace: args.rootNamespace },
                spec: { mtls: { mode: mtls.mode } },
            },
            // Deleting it silently drops every namespace without its own policy to Istio's PERMISSIVE default.
            { parent: this, dependsOn: args.dependsOn, protect: args.protect ?? false },
        );
        this.mtlsMode = mtls.mode;
        this.registerOutputs({ mtlsMode: this.mtlsMode });
    }
}
